using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>Turns every failure of a verb into one line on stderr and an exit code; never a stack trace.</summary>
internal static class CommandFailure
{
    public const int BadArguments = 2;
    public const int Failed = 1;
    public const int Cancelled = 130;

    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ModelLoadException failure)
        {
            return Report(error, $"unusable model: {failure.Message}", Failed);
        }
        catch (ArgumentException failure)
        {
            return Report(error, failure.Message, BadArguments);
        }
        catch (OperationCanceledException)
        {
            return Report(error, "cancelled", Cancelled);
        }
        catch (Exception failure)
        {
            return Report(error, failure.Message, Failed);
        }
    }

    private static int Report(TextWriter error, string message, int exitCode)
    {
        // ArgumentException appends " (Parameter 'x')"; the message before it is the one meant for people.
        var line = message.Split('\n', 2)[0].Trim();
        var parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        error.WriteLine($"error: {(parameter > 0 ? line[..parameter] : line)}");
        return exitCode;
    }
}
