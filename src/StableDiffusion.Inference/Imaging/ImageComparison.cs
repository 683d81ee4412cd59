namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// How close two pictures of one size are: SSIM on luminance and the mean absolute RGB difference. Written here because
/// no maintained .NET library computes SSIM; it follows Wang et al. 2004 ("Image quality assessment: from error
/// visibility to structural similarity") as scikit-image's structural_similarity(gaussian_weights=True) does: an
/// 11×11 Gaussian window of σ 1.5, K1 0.01, K2 0.03, L 255, averaged over the windows that fit inside the image.
/// </summary>
public static class ImageComparison
{
    private const int Window = 11;
    private const double Sigma = 1.5;
    private const double C1 = 0.01 * 255 * 0.01 * 255;
    private const double C2 = 0.03 * 255 * 0.03 * 255;

    private static readonly double[] Weights = GaussianWindow();

    /// <summary>Mean SSIM of the two images' luminance (Rec. 601 weights), 1 for identical images.</summary>
    public static double Ssim(RgbImage a, RgbImage b)
    {
        CheckSameSize(a, b);
        var (x, y) = (Luminance(a), Luminance(b));
        var (width, height) = (a.Width, a.Height);
        if (width < Window || height < Window)
        {
            throw new ArgumentException($"SSIM needs images of at least {Window}×{Window} pixels (got {width}×{height}).", nameof(a));
        }
        double total = 0;
        for (var top = 0; top + Window <= height; top++)
        {
            for (var left = 0; left + Window <= width; left++)
            {
                double meanX = 0, meanY = 0, xx = 0, yy = 0, xy = 0;
                for (var dy = 0; dy < Window; dy++)
                {
                    for (var dx = 0; dx < Window; dx++)
                    {
                        var w = Weights[dy * Window + dx];
                        var index = (top + dy) * width + left + dx;
                        var (px, py) = (x[index], y[index]);
                        meanX += w * px;
                        meanY += w * py;
                        xx += w * px * px;
                        yy += w * py * py;
                        xy += w * px * py;
                    }
                }
                var (varianceX, varianceY, covariance) = (xx - meanX * meanX, yy - meanY * meanY, xy - meanX * meanY);
                total += (2 * meanX * meanY + C1) * (2 * covariance + C2) / ((meanX * meanX + meanY * meanY + C1) * (varianceX + varianceY + C2));
            }
        }
        return total / ((height - Window + 1) * (width - Window + 1));
    }

    /// <summary>The mean absolute difference of every RGB channel, in [0, 1].</summary>
    public static double MeanAbsoluteDifference(RgbImage a, RgbImage b)
    {
        CheckSameSize(a, b);
        long sum = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            var (p, q) = (a.Pixels[i], b.Pixels[i]);
            sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
        }
        return sum / (3.0 * 255 * a.Pixels.Length);
    }

    private static void CheckSameSize(RgbImage a, RgbImage b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"The images differ in size ({a.Width}×{a.Height} and {b.Width}×{b.Height}).", nameof(b));
        }
    }

    private static double[] Luminance(RgbImage image)
    {
        var luminance = new double[image.Pixels.Length];
        for (var i = 0; i < luminance.Length; i++)
        {
            var p = image.Pixels[i];
            luminance[i] = 0.299 * p.R + 0.587 * p.G + 0.114 * p.B;
        }
        return luminance;
    }

    private static double[] GaussianWindow()
    {
        var weights = new double[Window * Window];
        var centre = Window / 2;
        for (var y = 0; y < Window; y++)
        {
            for (var x = 0; x < Window; x++)
            {
                weights[y * Window + x] = Math.Exp(-((x - centre) * (x - centre) + (y - centre) * (y - centre)) / (2 * Sigma * Sigma));
            }
        }
        var sum = weights.Sum();
        return [.. weights.Select(w => w / sum)];
    }
}
