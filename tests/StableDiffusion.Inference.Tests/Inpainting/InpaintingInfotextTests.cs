using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Inpainting;

public sealed class InpaintingInfotextTests
{
    private static readonly GenerationSettings Inpainted = new()
    {
        Prompt = "a red circle on a blue background", Seed = 5, Steps = 20, Scheduler = "euler-a", Width = 64, Height = 64,
        InitImage = [1], Mask = [2], Strength = 0.6, MaskBlur = 6, InvertMask = true, InpaintFullRes = true,
        InpaintFullResPadding = 40, InpaintingFill = InpaintingFill.LatentNoise,
    };

    [Fact]
    public void TheKeysAreWrittenAsA1111WritesThemInItsOrder()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(Inpainted, "tiny-shapes", null));

        Assert.Contains("Denoising strength: 0.6, RNG: CPU, Mask mode: Inpaint not masked, Mask blur: 6, Inpaint area: Only masked, "
            + "Masked area padding: 40, Masked content: latent noise", text);
    }

    [Fact]
    public void DefaultsAreLeftOutAsA1111LeavesThemOut()
    {
        var plain = Inpainted with { InvertMask = false, InpaintFullRes = false, InpaintingFill = InpaintingFill.Original, MaskBlur = 4 };

        var text = Infotext.Write(InfotextMapping.ToInfotext(plain, null, null));

        Assert.Contains("Mask blur: 4", text);
        Assert.DoesNotContain("Mask mode", text);
        Assert.DoesNotContain("Inpaint area", text);
        Assert.DoesNotContain("Masked area padding", text);
        Assert.DoesNotContain("Masked content", text);
        Assert.DoesNotContain("Mask blur", Infotext.Write(InfotextMapping.ToInfotext(plain with { Mask = null }, null, null)));
    }

    [Fact]
    public void EveryInpaintingSettingRoundTrips()
    {
        foreach (var fill in Enum.GetValues<InpaintingFill>())
        {
            var written = Inpainted with { InpaintingFill = fill };

            var read = InfotextMapping.FromInfotext(Infotext.Parse(Infotext.Write(InfotextMapping.ToInfotext(written, null, null))));

            Assert.Equal((6, fill, true, true, 40), (read.MaskBlur, read.InpaintingFill, read.InvertMask, read.InpaintFullRes, read.InpaintFullResPadding));
            Assert.Null(read.Mask);
        }
    }

    [Fact]
    public void AnA1111InpaintingInfotextIsRead()
    {
        var text = "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7.0, Seed: 1, Size: 512x512, Denoising strength: 0.75, "
                   + "Mask blur: 4.0, Inpaint area: Only masked, Masked area padding: 32, Masked content: fill, Version: v1.10.1";

        var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.Equal((4, InpaintingFill.Fill, false, true, 32), (read.MaskBlur, read.InpaintingFill, read.InvertMask, read.InpaintFullRes, read.InpaintFullResPadding));
        var txt2img = InfotextMapping.FromInfotext(Infotext.Parse("a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512"));
        Assert.Equal((InpaintingFill.Original, false, 32), (txt2img.InpaintingFill, txt2img.InpaintFullRes, txt2img.InpaintFullResPadding));
    }
}
