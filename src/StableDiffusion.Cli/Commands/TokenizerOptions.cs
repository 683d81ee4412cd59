using System.CommandLine;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Cli.Commands;

/// <summary>The options of the verbs that need only a tokenizer (tokenize, prompt): a model folder or a vocabulary folder.</summary>
internal sealed class TokenizerOptions
{
    private static readonly string DefaultTokenizer = Path.Combine("models", "tiny-shapes", "tokenizer");

    public Option<DirectoryInfo?> Model { get; } = new("--model")
    {
        Description = "A Stable Diffusion ONNX model folder; its tokenizer/ folder is read",
    };

    public Option<DirectoryInfo?> Vocab { get; } = new("--vocab")
    {
        Description = "A folder with vocab.json and merges.txt (and optionally special_tokens_map.json)",
    };

    /// <summary>The tokenizer the options name (else the embedded model's), or null after writing why to <paramref name="error"/>.</summary>
    public ClipTokenizer? Load(ParseResult parseResult, TextWriter error)
    {
        var modelDirectory = parseResult.GetValue(Model);
        var vocabDirectory = parseResult.GetValue(Vocab);
        if (modelDirectory is not null && vocabDirectory is not null)
        {
            error.WriteLine("error: use either --model or --vocab, not both.");
            return null;
        }

        var tokenizerDirectory = vocabDirectory?.FullName
            ?? (modelDirectory is not null ? Path.Combine(modelDirectory.FullName, "tokenizer") : FindDefaultTokenizer());
        if (tokenizerDirectory is null)
        {
            error.WriteLine($"error: no tokenizer at {DefaultTokenizer} under the current folder or the repository; pass --model DIR or --vocab DIR.");
            return null;
        }

        try
        {
            return ClipTokenizer.Load(tokenizerDirectory);
        }
        catch (Exception exception)
        {
            // Anything wrong with the files is the user's to fix: one line, no stack trace.
            error.WriteLine($"error: cannot read the tokenizer in {tokenizerDirectory}: {exception.Message}");
            return null;
        }
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
