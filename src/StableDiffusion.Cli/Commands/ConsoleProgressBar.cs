using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>A one-line bar redrawn in place on stderr; only when stderr is a terminal, so logs and pipes stay clean.</summary>
internal sealed class ConsoleProgressBar(TextWriter error) : IProgress<StepProgress>, IDisposable
{
    private const int Width = 30;
    private bool drawn;

    public static ConsoleProgressBar? ForTerminal(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ConsoleProgressBar(error) : null;

    public void Report(StepProgress value)
    {
        var filled = value.TotalSteps == 0 ? Width : value.Step * Width / value.TotalSteps;
        error.Write($"\rimage {value.ImageIndex + 1}/{value.ImageCount} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Step}/{value.TotalSteps} {value.Elapsed.TotalSeconds:0.0}s ");
        drawn = true;
    }

    public void Dispose()
    {
        if (drawn)
        {
            error.WriteLine();
        }
    }
}
