using SixLabors.ImageSharp;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// "Inpaint area: Only masked": the rectangle around the mask that is cut out, generated at the full generation size and
/// pasted back, as A1111's modules/masking.py <c>get_crop_region_v2</c> and <c>expand_crop_region</c>.
/// </summary>
public static class CropRegion
{
    /// <summary>The box of the mask's non-zero pixels grown by <paramref name="padding"/> on each side within the image; null for a blank mask.</summary>
    public static Rectangle? Find(ReadOnlySpan<byte> mask, int width, int height, int padding)
    {
        int left = width, top = height, right = -1, bottom = -1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (mask[y * width + x] != 0)
                {
                    (left, right) = (Math.Min(left, x), Math.Max(right, x));
                    (top, bottom) = (Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        if (right < 0)
        {
            return null;
        }

        // PIL's getbbox is exclusive on the right and bottom.
        var x1 = Math.Max(left - padding, 0);
        var y1 = Math.Max(top - padding, 0);
        var x2 = Math.Min(right + 1 + padding, width);
        var y2 = Math.Min(bottom + 1 + padding, height);
        return Rectangle.FromLTRB(x1, y1, x2, y2);
    }

    /// <summary>
    /// Grows <paramref name="region"/> to the generation's aspect ratio (width ÷ height), centred and shifted back inside
    /// the image, so that stretching it to the generation size does not distort it.
    /// </summary>
    public static Rectangle Expand(Rectangle region, int processingWidth, int processingHeight, int imageWidth, int imageHeight)
    {
        var (x1, y1, x2, y2) = (region.Left, region.Top, region.Right, region.Bottom);
        var ratioRegion = (double)(x2 - x1) / (y2 - y1);
        var ratioProcessing = (double)processingWidth / processingHeight;
        if (ratioRegion > ratioProcessing)
        {
            var desiredHeight = (x2 - x1) / ratioProcessing;
            var diff = (int)(desiredHeight - (y2 - y1));
            (y1, y2) = Grow(y1, y2, diff, imageHeight);
        }
        else
        {
            var desiredWidth = (y2 - y1) * ratioProcessing;
            var diff = (int)(desiredWidth - (x2 - x1));
            (x1, x2) = Grow(x1, x2, diff, imageWidth);
        }

        return Rectangle.FromLTRB(x1, y1, x2, y2);
    }

    private static (int Start, int End) Grow(int start, int end, int diff, int limit)
    {
        start -= diff / 2;
        end += diff - diff / 2;
        if (end >= limit)
        {
            start -= end - limit;
            end = limit;
        }

        if (start < 0)
        {
            end -= start;
            start = 0;
        }

        return (start, Math.Min(end, limit));
    }
}
