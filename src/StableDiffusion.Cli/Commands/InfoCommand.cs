using System.CommandLine;

namespace StableDiffusion.Cli.Commands;

internal static class InfoCommand
{
    public static Command Create() => new("info", "not implemented yet");
}
