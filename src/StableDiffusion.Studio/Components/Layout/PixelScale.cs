namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// How an image is drawn bigger than it is. A small image (the embedded model's 64-px ones) scaled smoothly turns
/// into a blur; scaled by whole pixels with nearest-neighbour it stays crisp. A large image shown smaller keeps the
/// browser's smooth scaling (nearest-neighbour would alias it).
/// </summary>
public static class PixelScale
{
    /// <summary>The width the image page and share page aim for.</summary>
    public const int FullWidth = 512;

    /// <summary>The CSS class for an image of <paramref name="width"/> pixels shown about <paramref name="shownWidth"/> wide.</summary>
    public static string ClassFor(int width, int shownWidth) => width > 0 && width < shownWidth ? "studio-pixelated" : "";

    /// <summary>A whole multiple of the image's width near <see cref="FullWidth"/> (never below its own width), so each pixel becomes an equal square.</summary>
    public static int DisplayWidth(int width) => DisplayWidth(width, FullWidth);

    /// <summary>A whole multiple of the image's width near <paramref name="target"/>, never below its own width.</summary>
    public static int DisplayWidth(int width, int target) => width <= 0 ? target : width * Math.Max(1, target / width);

    /// <summary>Inline style for the full-size view; CSS still caps it at the column's width.</summary>
    public static string FullStyle(int width) => $"width: {DisplayWidth(width)}px";
}
