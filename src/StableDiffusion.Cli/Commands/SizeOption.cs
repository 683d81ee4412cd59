using System.Globalization;

namespace StableDiffusion.Cli.Commands;

/// <summary>A "WxH" option value, as A1111 writes sizes in its infotext.</summary>
internal static class SizeOption
{
    /// <returns>(0, 0) when the option is absent.</returns>
    public static (int Width, int Height) Parse(string? text, string option)
    {
        if (text is null)
        {
            return (0, 0);
        }

        return text.Split('x', 'X') is [var w, var h]
            && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var height)
                ? (width, height)
                : throw new ArgumentException($"{option} takes WIDTHxHEIGHT, e.g. 512x384 (got '{text}').");
    }
}
