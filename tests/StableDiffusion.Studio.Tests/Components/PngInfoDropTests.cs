using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Queue;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Generation;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class PngInfoDropTests : ComponentTestContext
{
    [Fact]
    public void ADroppedPngMadeWithNvNoiseSetsTheNoiseSourceToPhilox()
    {
        GenerationSettings? received = null;
        var drop = Render<PngInfoDrop>(p => p.Add(d => d.OnSettings, (GenerationSettings s) => received = s));

        drop.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(
            PngSettingsTests.Png("a blue square\nSteps: 5, Sampler: Euler a, CFG scale: 7, Seed: 3, Size: 64x64, RNG: NV"), "made-with-nv.png",
            contentType: "image/png"));

        drop.WaitForAssertion(() => Assert.NotNull(received));
        Assert.Equal((NoiseSource.Philox, "a blue square", 3L), (received!.NoiseSource, received.Prompt, received.Seed));
        Assert.Contains("Settings copied from the image.", drop.Markup);
    }
}
