using System.CommandLine;

namespace StableDiffusion.Cli.Commands;

internal static class TokenizeCommand
{
    public static Command Create() => new("tokenize", "not implemented yet");
}
