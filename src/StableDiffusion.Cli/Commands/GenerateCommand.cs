using System.CommandLine;
using System.Text.Json;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd generate</c>: txt2img, img2img or inpainting to PNG files, then one JSON line with seeds, files and timings.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var models = new ModelOptions();
        var prompt = new Option<string>("--prompt", "-p") { Description = "What to draw", Required = true };
        var negative = new Option<string>("--negative", "-n") { Description = "What to steer away from", DefaultValueFactory = _ => "" };
        var emphasis = new Option<string>("--emphasis")
        {
            Description = "How (word:1.2) weights act: original (A1111's default), no-norm, or none (brackets are plain text)", DefaultValueFactory = _ => "original",
        };
        emphasis.AcceptOnlyFromAmong("original", "no-norm", "none");
        var padPrompts = new Option<bool>("--pad-prompts")
        {
            Description = "Pad the shorter of prompt and negative prompt with empty chunks to one UNet batch (A1111's \"Pad prompt/negative prompt\"; changes the image)",
        };
        var seed = new Option<long>("--seed", "-s") { Description = "Seed of the first image (image i uses seed + i); -1 = random", DefaultValueFactory = _ => -1 };
        var variationSeed = new Option<long>("--variation-seed") { Description = "A1111's variation seed (subseed); -1 = random", DefaultValueFactory = _ => -1 };
        var variationStrength = new Option<double>("--variation-strength")
        {
            Description = "0 (off) to 1: how far the noise moves toward the variation seed's; the images then share the seed", DefaultValueFactory = _ => 0,
        };
        var seedResize = new Option<string?>("--seed-resize-from") { Description = "A1111's \"Resize seed from\" WxH (e.g. 512x384): the noise made at that size, placed centred" };
        var sampling = new SamplingOptions();
        var batchSize = new Option<int>("--batch-size") { Description = "Images made together, in one UNet call per step (A1111's batch size)", DefaultValueFactory = _ => 1 };
        batchSize.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--batch-size must be at least 1."); });
        var batch = new Option<int>("--batch-count", "--batch", "-b") { Description = "Batches made one after another (A1111's batch count); images = batch size × batch count", DefaultValueFactory = _ => 1 };
        // --noise-source is the studio's word for the same setting; --rng stays for scripts.
        var rng = new Option<string>("--rng", "--noise-source") { Description = "Noise source: torch (diffusers on CPU) or philox (A1111 \"NV\", torch on CUDA)", DefaultValueFactory = _ => "torch" };
        rng.AcceptOnlyFromAmong("torch", "philox");
        var speed = new Option<string>("--speed")
        {
            Description = "exact, or fast: step caching (fewer UNet evaluations, a close image)", DefaultValueFactory = _ => "exact",
        };
        speed.AcceptOnlyFromAmong("exact", "fast");
        var init = new Option<FileInfo?>("--init") { Description = "Init image (PNG/JPEG/WebP) for img2img" };
        var strength = new Option<double>("--strength") { Description = "img2img denoising strength in (0, 1]", DefaultValueFactory = _ => 0.75 };
        var hires = new HiresOptions();
        var inpaint = new InpaintOptions();
        var output = new Option<FileInfo>("--out", "-o") { Description = "Output PNG; a batch writes FILE.png, FILE-1.png, …", Required = true };

        var command = new Command("generate", "Generate images from a prompt (txt2img), from an init image (img2img), or repaint its masked part (inpainting)")
        {
            models.Model, prompt, negative, emphasis, padPrompts, seed, variationSeed, variationStrength, seedResize,
        };
        foreach (var option in sampling.All)
        {
            command.Options.Add(option);
        }
        Option[] rest = [batchSize, batch, .. hires.All, rng, speed, init, strength, .. inpaint.All, output, models.Provider, models.Vae, models.TextEncoder];
        foreach (var option in rest)
        {
            command.Options.Add(option);
        }
        // Ctrl+C and SIGTERM cancel this token (CliApp), which stops the pipeline between steps or inside an ONNX call.
        command.SetAction((parsed, cancellationToken) => Task.FromResult(CommandFailure.Guard(parsed.InvocationConfiguration.Error, () =>
        {
            using var sd = models.Load(parsed, out var loadMs);
            var settings = sampling.Resolve(parsed, sd.Defaults);
            var initImage = parsed.GetValue(init);
            var (resizeWidth, resizeHeight) = SizeOption.Parse(parsed.GetValue(seedResize), "--seed-resize-from");
            var request = inpaint.Apply(parsed, hires.Apply(parsed, GenerationSettings.ForModel(sd.Name, settings))) with
            {
                Prompt = parsed.GetValue(prompt)!,
                NegativePrompt = parsed.GetValue(negative) ?? "",
                EmphasisMode = EmphasisModes.FromName(parsed.GetValue(emphasis)!.Replace("-", "", StringComparison.Ordinal)) ?? EmphasisMode.Original,
                PadPrompts = parsed.GetValue(padPrompts),
                Seed = parsed.GetValue(seed),
                VariationSeed = parsed.GetValue(variationSeed),
                VariationStrength = parsed.GetValue(variationStrength),
                BatchSize = parsed.GetValue(batchSize),
                SeedResizeFromWidth = resizeWidth,
                SeedResizeFromHeight = resizeHeight,
                BatchCount = parsed.GetValue(batch),
                NoiseSource = parsed.GetValue(rng) == "philox" ? NoiseSource.Philox : NoiseSource.Torch,
                Speed = parsed.GetValue(speed) == "fast" ? Speed.Fast : Speed.Exact,
                InitImage = initImage is null ? null : File.ReadAllBytes(initImage.FullName),
                Strength = parsed.GetValue(strength),
                // Recorded in the infotext ("VAE", "Text encoder") by the parts' folder names, as the studio records them.
                Vae = sd.Parts.VaeDirectory is { } vae ? ModelFolder.NameOf(vae) : null,
                TextEncoder = sd.Parts.TextEncoderDirectory is { } text ? ModelFolder.NameOf(text) : null,
            };

            var error = parsed.InvocationConfiguration.Error;
            GenerationResult result;
            using (var bar = ConsoleProgressBar.ForTerminal(error))
            {
                result = new StableDiffusionPipeline(sd).Generate(request, bar, cancellationToken);
            }
            foreach (var warning in result.Warnings)
            {
                error.WriteLine($"warning: {warning}");
            }

            var files = WriteImages(parsed.GetValue(output)!, result.Images, request, sd);
            parsed.InvocationConfiguration.Output.WriteLine(SummaryLine(result, files, loadMs));
            return 0;
        })));
        return command;
    }

    /// <summary>FILE.png, FILE-1.png, FILE-2.png…, each with its A1111 infotext.</summary>
    private static List<string> WriteImages(FileInfo output, IReadOnlyList<GeneratedImage> images, GenerationSettings request, StableDiffusionModel sd)
    {
        var directory = output.DirectoryName ?? ".";
        System.IO.Directory.CreateDirectory(directory);
        var stem = Path.GetFileNameWithoutExtension(output.Name);
        var extension = string.IsNullOrEmpty(output.Extension) ? ".png" : output.Extension;
        var files = new List<string>();
        for (var i = 0; i < images.Count; i++)
        {
            var path = Path.Combine(directory, i == 0 ? stem + extension : $"{stem}-{i}{extension}");
            var parameters = Infotext.Write(InfotextMapping.ToInfotext(images[i].Settings, sd.Name, sd.Hash, images[i].BatchPosition));
            File.WriteAllBytes(path, GeneratedPng.Encode(images[i].Image, parameters));
            files.Add(path);
        }
        return files;
    }

    private static string SummaryLine(GenerationResult result, List<string> files, double loadMs)
    {
        var t = result.Timings;
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["seeds"] = result.Images.Select(i => i.Seed).ToArray(),
            ["files"] = files,
            // UNet evaluations per image (the CFG pair of one step counts once); the ONNX calls that made them beside it.
            ["unet_calls"] = Math.Round(t.UnetEvaluationsPerImage, 2),
            ["unet_onnx_calls"] = t.UnetCalls,
            ["timings"] = new Dictionary<string, double>
            {
                ["load"] = Round(loadMs),
                ["tokenize"] = Round(t.Tokenize),
                ["text_encoder"] = Round(t.TextEncoder),
                ["unet_total"] = Round(t.UnetTotal),
                ["unet_per_step"] = Round(t.UnetPerStep),
                ["unet_per_image"] = Round(t.UnetPerImage),
                ["vae_decode"] = Round(t.VaeDecode),
                ["total"] = Round(t.Total),
            },
        });
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 2);
}
