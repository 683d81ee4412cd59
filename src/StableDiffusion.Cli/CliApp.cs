using System.CommandLine;
using System.Runtime.InteropServices;
using StableDiffusion.Cli.Commands;

namespace StableDiffusion.Cli;

/// <summary>The <c>sd</c> verbs, with output and error writers passed in so tests can run them in-process.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("sd: Stable Diffusion ONNX models on ONNX Runtime")
        {
            GenerateCommand.Create(),
            TokenizeCommand.Create(),
            PromptCommand.Create(),
            NoiseCommand.Create(),
            InfoCommand.Create(),
            BenchCommand.Create(),
        };
        var parsed = root.Parse(args);
        // System.CommandLine would print every error plus the whole help text; a bad argument gets one line instead.
        if (parsed.Errors.Count > 0 && parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            var verb = parsed.CommandResult.Command == root ? "sd" : $"sd {parsed.CommandResult.Command.Name}";
            var message = string.Join(' ', parsed.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"error: {message} (see '{verb} --help')");
            return 2;
        }

        // The first Ctrl+C or SIGTERM asks the running verb to stop (the pipeline ends within a step and the verb exits
        // 130); a second one is left to terminate the process.
        using var cancellation = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return parsed.InvokeAsync(configuration, cancellation.Token).GetAwaiter().GetResult();
    }
}
