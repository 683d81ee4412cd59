using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// The og:image a chat app or social site shows when a share link is pasted: the image, or a comparison's whole
/// grid with its axis labels, scaled up by whole pixels (nearest-neighbour) until it is at least <see cref="MinWidth"/> wide. Unfurlers
/// skip images much smaller than that, and smooth scaling would blur the embedded model's 64-px images.
/// </summary>
public static class SharePreview
{
    public const int MinWidth = 512;

    /// <summary>A whole factor that makes <paramref name="width"/> at least <see cref="MinWidth"/>.</summary>
    public static int ScaleFor(int width) => width <= 0 ? 1 : Math.Max(1, (MinWidth + width - 1) / width);

    public static (int Width, int Height) SizeOf(ImageRecord image) => (image.Width * ScaleFor(image.Width), image.Height * ScaleFor(image.Width));

    /// <summary>A comparison's preview is its grid with axis labels (<see cref="ComparisonGridImage"/>).</summary>
    public static (int Width, int Height) SizeOf(ComparisonRecord comparison)
    {
        var layout = ComparisonGridImage.LayoutOf(comparison);
        return (layout.Width, layout.Height);
    }

    public static byte[] Render(ImageRecord image, ImageFileStore files)
    {
        using var source = Image.Load<Rgba32>(files.Find(image.FilePath) ?? throw new FileNotFoundException("The shared image's file is gone."));
        var (width, height) = SizeOf(image);
        source.Mutate(x => x.Resize(width, height, KnownResamplers.NearestNeighbor));
        return Png(source);
    }

    public static byte[] Render(ComparisonRecord comparison, ImageFileStore files) => ComparisonGridImage.Render(comparison, files);

    private static byte[] Png(Image image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
