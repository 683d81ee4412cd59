using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Whether a size is far from the one a model was trained at: a side more than twice or under half the model's own
/// takes much longer and comes out as noise or repeated pieces, which a newcomer would take for a broken studio.
/// </summary>
public static class SizeAdvice
{
    /// <summary>How far from the model's own size a side may be, either way, before the warning.</summary>
    public const double Factor = 2;

    /// <summary>The warning for <paramref name="width"/>×<paramref name="height"/> on a model recommending <paramref name="native"/>'s size; null when the size is near it.</summary>
    public static string? Warning(ModelDefaults native, int width, int height)
    {
        if (native.Width <= 0 || native.Height <= 0 || width <= 0 || height <= 0)
        {
            return null;
        }

        if (!IsFar(width, native.Width) && !IsFar(height, native.Height))
        {
            return null;
        }

        var slow = width * height > native.Width * native.Height ? "will be slow and won't look right" : "won't look right";
        return $"This model was trained at {native.Width}×{native.Height}; {width}×{height} {slow}.";
    }

    private static bool IsFar(int side, int native) => side > native * Factor || side * Factor < native;
}
