using System.Diagnostics;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class InfotextLimitsTests
{
    // The limit docs/api.md promises for png-info; written out so that changing the constant breaks a test.
    private const int Limit = 64 * 1024;

    private const string Prompt = "a prompt\nNegative prompt: ugly\n";

    private const string ParametersLine = "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512";

    // Texts a backtracking parser spends quadratic time on (A1111's regex took minutes on some of these at 64 KiB),
    // each exactly at the limit so that they are parsed, not refused.
    public static TheoryData<string> AdversarialTexts() =>
    [
        "letters without separators",
        "words without a colon",
        "a long blank run",
        "a long last line after a prompt",
        "unclosed quotes",
        "escaped quotes",
        "a: pairs",
        "ab: pairs without commas",
        "ab: c, pairs",
    ];

    [Theory]
    [MemberData(nameof(AdversarialTexts))]
    public void AdversarialTextAtTheLimitParsesInLinearTime(string kind)
    {
        var text = Adversarial(kind);
        Assert.Equal(Limit, text.Length);

        var stopwatch = Stopwatch.StartNew();
        Infotext.TryParse(text, out _);
        stopwatch.Stop();

        // Linear parsing takes milliseconds; the bound is loose so that a busy test machine never fails it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"{kind}: {stopwatch.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void TextAtTheLimitIsRead()
    {
        var text = Padded(Limit);

        Assert.True(Infotext.TryParse(text, out var settings));
        Assert.Equal(20, settings.Steps);
    }

    [Fact]
    public void TextPastTheLimitIsRefused()
    {
        var text = Padded(Limit + 1);

        Assert.False(Infotext.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => Infotext.Parse(text));
        Assert.Contains("65536", error.Message, StringComparison.Ordinal);
    }

    // A well-formed infotext whose prompt is padded to the given length.
    private static string Padded(int length) =>
        new string('p', length - ParametersLine.Length - 1) + "\n" + ParametersLine;

    private static string Adversarial(string kind) => kind switch
    {
        "letters without separators" => new string('a', Limit),
        "words without a colon" => Repeat("word ", Limit),
        "a long blank run" => "x" + new string(' ', Limit - 2) + "!",
        "a long last line after a prompt" => Prompt + new string('b', Limit - Prompt.Length),
        "unclosed quotes" => Repeat("ab: \"x", Limit),
        "escaped quotes" => Repeat("ab: \"\\\", ", Limit),
        "a: pairs" => Repeat("a:", Limit),
        "ab: pairs without commas" => Repeat("ab:", Limit),
        "ab: c, pairs" => Repeat("ab: c, ", Limit),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // The unit repeated, cut to exactly the length; letters at the end keep Trim() from shortening it.
    private static string Repeat(string unit, int length)
    {
        var text = string.Concat(Enumerable.Repeat(unit, length / unit.Length + 1))[..(length - 1)];
        return text + "z";
    }
}
