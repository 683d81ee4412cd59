using System.CommandLine;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd tokenize TEXT</c>: the CLIP ids a prompt becomes, for comparing with Python's tokenizer.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt to tokenize" };
        var tokenizerOptions = new TokenizerOptions();

        var command = new Command("tokenize", "Print bos + CLIP BPE ids + eos as one JSON array (no padding, no chunks, no weights)")
        {
            text, tokenizerOptions.Model, tokenizerOptions.Vocab,
        };
        command.SetAction(parseResult =>
        {
            var tokenizer = tokenizerOptions.Load(parseResult, parseResult.InvocationConfiguration.Error);
            if (tokenizer is null)
            {
                return 1;
            }

            var ids = tokenizer.Tokenize(parseResult.GetValue(text) ?? "");
            parseResult.InvocationConfiguration.Output.WriteLine($"[{string.Join(",", ids)}]");
            return 0;
        });
        return command;
    }
}
