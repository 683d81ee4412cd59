using System.Text;

namespace StableDiffusion.Studio.Library;

/// <summary>
/// A download's file name from its prompt and seed ("a-red-circle-on-blue-42.png"): readable in a downloads folder,
/// and only ASCII letters, digits and dashes, so no prompt text can break a header or a path.
/// </summary>
public static class DownloadName
{
    private const int MaxPromptCharacters = 60;

    public static string For(string? prompt, long seed, string extension = "png")
    {
        var slug = new StringBuilder();
        foreach (var c in (prompt ?? "").ToLowerInvariant())
        {
            if (slug.Length >= MaxPromptCharacters)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var name = slug.ToString().Trim('-');
        return $"{(name.Length == 0 ? "image" : name)}-{seed}.{extension}";
    }
}
