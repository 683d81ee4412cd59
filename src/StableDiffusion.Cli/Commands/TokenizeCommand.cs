using System.CommandLine;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd tokenize TEXT</c>: the CLIP ids a prompt becomes, for comparing with Python's tokenizer.</summary>
internal static class TokenizeCommand
{
    private static readonly string DefaultTokenizer = Path.Combine("models", "tiny-shapes", "tokenizer");

    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt to tokenize" };
        var model = new Option<DirectoryInfo?>("--model")
        {
            Description = "A Stable Diffusion ONNX model folder; its tokenizer/ folder is read",
        };
        var vocab = new Option<DirectoryInfo?>("--vocab")
        {
            Description = "A folder with vocab.json and merges.txt (and optionally special_tokens_map.json)",
        };

        var command = new Command("tokenize", "Print bos + CLIP BPE ids + eos as one JSON array (no padding or truncation)")
        {
            text, model, vocab,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var modelDirectory = parseResult.GetValue(model);
            var vocabDirectory = parseResult.GetValue(vocab);
            if (modelDirectory is not null && vocabDirectory is not null)
            {
                error.WriteLine("error: use either --model or --vocab, not both.");
                return 1;
            }

            var tokenizerDirectory = vocabDirectory?.FullName
                ?? (modelDirectory is not null ? Path.Combine(modelDirectory.FullName, "tokenizer") : FindDefaultTokenizer());
            if (tokenizerDirectory is null)
            {
                error.WriteLine($"error: no tokenizer at {DefaultTokenizer} under the current folder or the repository; pass --model DIR or --vocab DIR.");
                return 1;
            }

            ClipTokenizer tokenizer;
            try
            {
                tokenizer = ClipTokenizer.Load(tokenizerDirectory);
            }
            catch (Exception exception)
            {
                // Anything wrong with the files is the user's to fix: one line, no stack trace.
                error.WriteLine($"error: cannot read the tokenizer in {tokenizerDirectory}: {exception.Message}");
                return 1;
            }

            var ids = tokenizer.Tokenize(parseResult.GetValue(text) ?? "");
            if (ids.Count > tokenizer.MaxLength)
            {
                error.WriteLine($"warning: {ids.Count} ids with bos/eos; the text encoder reads {tokenizer.MaxLength}, so tokens past the first {tokenizer.MaxLength - 2} are dropped.");
            }

            output.WriteLine($"[{string.Join(",", ids)}]");
            return 0;
        });
        return command;
    }

    /// <summary>The default model's tokenizer, from the current folder or the repository root above it or above the binary.</summary>
    private static string? FindDefaultTokenizer()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, DefaultTokenizer);
                if (File.Exists(Path.Combine(candidate, "vocab.json")))
                {
                    return candidate;
                }

                if (File.Exists(Path.Combine(directory.FullName, "StableDiffusion.Studio.sln")))
                {
                    break;
                }
            }
        }

        return null;
    }
}
