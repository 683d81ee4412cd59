using System.Text.Json;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Inpainting;

/// <summary>The 9-channel fixture (fp32-inpainting-9-channel), fed as diffusers' StableDiffusionInpaintPipeline feeds its UNet.</summary>
public sealed class InpaintingUnetTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    private StableDiffusionModel Model => models[ModelFixtures.Inpainting9Channel];

    [Fact]
    public void ANineChannelUnetIsDetectedFromItsSampleInput()
    {
        Assert.True(Model.IsInpainting);
        Assert.Equal((9, 4), (Model.Unet.InChannels, Model.LatentChannels));
    }

    [Fact]
    public void LatentsMaskAndMaskedImageLatentsGoInThatOrderAsTorchComputedThem()
    {
        // make_fixtures.py ran the same UNet in PyTorch on torch.cat([latents] * 2, [mask] * 2, [masked_image_latents] * 2).
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelFixtures.PathOf(ModelFixtures.Inpainting9Channel), "inpainting_reference.json")));
        var root = json.RootElement;
        double[] Doubles(string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetDouble())];
        var (height, width) = (root.GetProperty("height").GetInt32(), root.GetProperty("width").GetInt32());
        var states = Doubles("encoder_hidden_states").Select(v => (float)v).ToArray();
        var half = states.Length / 2;
        using var encoderHiddenStates = Model.Unet.PrepareEncoderHiddenStates(
            new TextEmbeddings(states[..half], 77, half / 77), new TextEmbeddings(states[half..], 77, half / 77));

        var prediction = Model.Unet.Predict(Doubles("latents"), new LatentShape(4, height, width), root.GetProperty("timestep").GetInt32(),
            encoderHiddenStates, CancellationToken.None, [.. Doubles("mask"), .. Doubles("masked_image_latents")]);

        var expected = Doubles("out_sample");
        Assert.Equal(expected.Length, prediction.Length);
        Assert.All(expected.Zip(prediction), pair => Assert.Equal(pair.First, pair.Second, 1e-4));
        // The same call with mask and masked image swapped is another result: the order is what the test pins.
        var swapped = Model.Unet.Predict(Doubles("latents"), new LatentShape(4, height, width), root.GetProperty("timestep").GetInt32(),
            encoderHiddenStates, CancellationToken.None, [.. Doubles("masked_image_latents")[..(height * width)], .. Doubles("mask"), .. Doubles("masked_image_latents")[(height * width)..]]);
        Assert.NotEqual(expected.Select(v => Math.Round(v, 4)), swapped.Select(v => Math.Round((double)v, 4)));
    }

    [Fact]
    public void TheConditioningIsTheBinarisedMaskByNearestNeighbourThenTheMaskedImageLatents()
    {
        var settings = Requests.Small() with
        {
            Width = 32, Height = 32, InitImage = Masks.Solid(32, 32, new(200, 100, 50)), MaskBlur = 0,
            // The left 12 columns: latent columns 0 and 1 (8 pixels each) sample pixels 0 and 8, column 2 samples 16.
            Mask = Masks.Png(32, 32, (x, _) => x < 12 ? new(255, 255, 255) : new(0, 0, 0)),
        };
        float[]? maskedImage = null;
        var setup = InpaintingSetup.Prepare(settings, new LatentShape(4, 4, 4), inpaintingUnet: true, (chw, w, h) =>
        {
            if (chw.Any(v => v == 0))
            {
                maskedImage = chw;
            }
            return new double[4 * (h / 8) * (w / 8)];
        });

        Assert.Equal([1, 1, 0, 0], setup.UnetConditioning![..4]);
        Assert.Equal(16 + 64, setup.UnetConditioning.Length);
        // diffusers: masked_image = image · (mask < 0.5); the hole is 0 in [-1, 1], the rest the image.
        Assert.NotNull(maskedImage);
        Assert.Equal(0f, maskedImage[5]);
        Assert.Equal(2 * (200 / 255f) - 1, maskedImage[20], 1e-6);
    }

    [Fact]
    public void TheInpaintingFixtureInpaintsAndKeepsTheUnmaskedPixels()
    {
        var init = Masks.Png(32, 32, (x, y) => new((byte)(x * 8), (byte)(y * 8), 90));
        var settings = Requests.Small(steps: 4, scheduler: "euler") with
        {
            Width = 32, Height = 32, InitImage = init, Mask = Masks.Disc(32, 32, 16, 16, 5), MaskBlur = 1, Strength = 1,
        };

        var image = new StableDiffusionPipeline(Model).Generate(settings).Images[0].Image;

        var original = Masks.Decode(init);
        var changed = 0;
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                if (!Masks.Inside(x, y, 16, 16, 5 + 4))
                {
                    Assert.Equal(original[x, y], image[x, y]);
                }
                else if (Masks.Inside(x, y, 16, 16, 4) && !original[x, y].Equals(image[x, y]))
                {
                    changed++;
                }
            }
        }
        Assert.True(changed > 20, $"{changed} pixels changed inside the mask");
    }

    [Fact]
    public void AnInpaintingModelWithoutAMaskIsABadArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => new StableDiffusionPipeline(Model).Generate(Requests.Small()));

        Assert.Contains("inpainting model", error.Message);
    }
}
