using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// One inpainting job, prepared once for every image of the batch, in the order of A1111's
/// StableDiffusionProcessingImg2Img.init (modules/processing.py): the mask read, inverted and blurred; for "Only masked"
/// the region around it cut out; the image stretched to the generation size and, unless the masked content is
/// "original", filled; then encoded. The pixels that come back unchanged (the overlay) are kept for the paste-back.
/// </summary>
public sealed class InpaintingSetup
{
    private readonly double[] initLatents;
    private readonly Overlay overlay;

    private InpaintingSetup(double[] initLatents, double[] latentMask, double[]? unetConditioning, InpaintingFill fill, Overlay overlay)
    {
        (this.initLatents, LatentMask, UnetConditioning, Fill, this.overlay) = (initLatents, latentMask, unetConditioning, fill, overlay);
    }

    /// <summary>One value per latent pixel: 1 where the latent is denoised, 0 where it is kept (A1111's rounded <c>nmask</c>).</summary>
    public double[] LatentMask { get; }

    /// <summary>For a 9-channel UNet: the mask and the masked image's latents (5 channels) that follow the latents; else null.</summary>
    public double[]? UnetConditioning { get; }

    public InpaintingFill Fill { get; }

    /// <summary>"Only masked": the part of the init image that was generated, in its pixels; null for the whole picture.</summary>
    public Rectangle? PasteTo => overlay.PasteTo;

    /// <param name="encode">The VAE encoder: a CHW tensor in [-1, 1] of the given width and height to its scaled latent.</param>
    public static InpaintingSetup Prepare(GenerationSettings settings, LatentShape latentShape, bool inpaintingUnet, Func<float[], int, int, double[]> encode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(encode);
        if (settings.InitImage is null || settings.Mask is null)
        {
            throw new ArgumentException("Inpainting needs an init image and a mask.", nameof(settings));
        }

        var (width, height) = (settings.Width, settings.Height);
        using var init = Decode("Init image", () => SafeImageDecoder.Decode(settings.InitImage));
        using var mask = Decode("Mask", () => InpaintMask.Read(settings.Mask, init.Width, init.Height));
        if (settings.InvertMask)
        {
            InpaintMask.Invert(mask);
        }

        InpaintMask.Blur(mask, settings.MaskBlur);

        Image<Rgb24> image;
        Image<L8> imageMask;
        Overlay overlay;
        var levels = InpaintMask.Levels(mask);
        if (settings.InpaintFullRes && CropRegion.Find(levels, mask.Width, mask.Height, settings.InpaintFullResPadding) is { } found)
        {
            // The region keeps the init image's pixels; the rest of the image is never stretched.
            var region = CropRegion.Expand(found, width, height, mask.Width, mask.Height);
            image = init.Clone(context => context.Crop(region).Resize(width, height, KnownResamplers.Lanczos3));
            imageMask = mask.Clone(context => context.Crop(region).Resize(width, height, KnownResamplers.Lanczos3));
            overlay = new Overlay(init, levels, region);
        }
        else
        {
            // Whole picture (or a blank mask with "Only masked", which A1111 turns into plain img2img of the whole picture).
            image = ImageTensors.Resize(init, width, height);
            imageMask = mask.Clone(context => context.Resize(width, height, KnownResamplers.Lanczos3));
            // A1111 doubles the blurred mask for the overlay, so the blur's outer half blends and its inner half is all new.
            overlay = new Overlay(image, [.. InpaintMask.Levels(imageMask).Select(v => (byte)Math.Min(255, v * 2))], null);
        }

        using (image)
        using (imageMask)
        {
            var fullMask = InpaintMask.Levels(imageMask);
            var latentMask = LatentMaskOf(imageMask, latentShape);
            // diffusers' StableDiffusionInpaintPipeline conditions on the unfilled image with the (binarised) hole zeroed.
            var conditioning = inpaintingUnet ? UnetConditioningOf(image, fullMask, latentShape, encode) : null;
            var fill = settings.InpaintingFill;
            if (fill != InpaintingFill.Original)
            {
                using var filled = MaskedContentFill.Apply(image, fullMask);
                return new InpaintingSetup(Encode(filled, encode), latentMask, conditioning, fill, overlay);
            }

            return new InpaintingSetup(Encode(image, encode), latentMask, conditioning, fill, overlay);
        }
    }

    /// <summary>
    /// The latents image <paramref name="noise"/> starts from: the encoded image, with the hole's latents replaced by that
    /// noise ("latent noise") or by zeros ("latent nothing"), as A1111 replaces them before sampling.
    /// </summary>
    public InpaintingRun ForImage(ReadOnlySpan<float> noise, IScheduler scheduler)
    {
        var start = (double[])initLatents.Clone();
        var plane = LatentMask.Length;
        for (var i = 0; i < start.Length; i++)
        {
            var m = LatentMask[i % plane];
            start[i] = Fill switch
            {
                InpaintingFill.LatentNoise => start[i] * (1 - m) + noise[i] * m,
                InpaintingFill.LatentNothing => start[i] * (1 - m),
                _ => start[i],
            };
        }

        return new InpaintingRun(this, start, noise.ToArray(), scheduler);
    }

    /// <summary>The generated picture with the init image's pixels put back wherever the (blurred) mask is below 255.</summary>
    internal RgbImage PasteBack(RgbImage generated) => overlay.Apply(generated);

    private static double[] Encode(Image<Rgb24> image, Func<float[], int, int, double[]> encode) =>
        encode(ImageTensors.ToTensor(image), image.Width, image.Height);

    /// <summary>A1111: the mask stretched to the latent size (PIL's bicubic) and rounded to 0 or 1.</summary>
    private static double[] LatentMaskOf(Image<L8> mask, LatentShape latentShape)
    {
        using var small = mask.Clone(context => context.Resize(latentShape.Width, latentShape.Height, KnownResamplers.Bicubic));
        return [.. InpaintMask.Levels(small).Select(v => Math.Round(v / 255.0, MidpointRounding.ToEven))];
    }

    /// <summary>
    /// diffusers' prepare_mask_latents: the mask binarised at 0.5 and shrunk by nearest neighbour
    /// (<c>F.interpolate(mask, size=latent size)</c>), then the masked image (<c>image · (mask &lt; 0.5)</c>) encoded.
    /// </summary>
    private static double[] UnetConditioningOf(Image<Rgb24> image, byte[] mask, LatentShape latentShape, Func<float[], int, int, double[]> encode)
    {
        var (width, height) = (image.Width, image.Height);
        var tensor = ImageTensors.ToTensor(image);
        var plane = width * height;
        for (var i = 0; i < plane; i++)
        {
            if (mask[i] >= 128)
            {
                tensor[i] = tensor[plane + i] = tensor[2 * plane + i] = 0;
            }
        }

        var maskedImageLatents = encode(tensor, width, height);
        var latentPlane = latentShape.Height * latentShape.Width;
        var conditioning = new double[latentPlane + maskedImageLatents.Length];
        for (var y = 0; y < latentShape.Height; y++)
        {
            for (var x = 0; x < latentShape.Width; x++)
            {
                // torch's nearest: source index ⌊destination · in / out⌋.
                var sourceY = y * height / latentShape.Height;
                var sourceX = x * width / latentShape.Width;
                conditioning[y * latentShape.Width + x] = mask[sourceY * width + sourceX] >= 128 ? 1 : 0;
            }
        }

        maskedImageLatents.CopyTo(conditioning, latentPlane);
        return conditioning;
    }

    private static T Decode<T>(string what, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (InvalidImageException error)
        {
            throw new ArgumentException($"{what}: {error.Message}", "settings", error);
        }
    }
}
