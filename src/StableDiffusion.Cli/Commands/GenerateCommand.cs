using System.CommandLine;

namespace StableDiffusion.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create() => new("generate", "not implemented yet");
}
