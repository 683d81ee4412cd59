using System.CommandLine;

namespace StableDiffusion.Cli.Commands;

internal static class NoiseCommand
{
    public static Command Create() => new("noise", "not implemented yet");
}
