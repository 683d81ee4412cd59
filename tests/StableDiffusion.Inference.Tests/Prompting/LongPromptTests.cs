using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tests.Pipeline;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Tests.Prompting;

/// <summary>Prompts past 75 tokens, end to end: chunked encoding, A1111's separate UNet calls, padding, and a UNet fixed at 77.</summary>
public sealed class LongPromptTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    // 150 tokens: two full chunks.
    private static readonly string TwoChunkPrompt = string.Join(' ', Enumerable.Repeat("red circle blue square yellow triangle", 25));

    // Its first 75 tokens.
    private static readonly string FirstChunkOfTwo = string.Join(' ', Enumerable.Repeat("red circle blue square yellow triangle", 12)) + " red circle blue";

    [Fact]
    public void EmbeddedModelRunsATwoChunkPromptEndToEnd()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu);
        var settings = new GenerationSettings { Prompt = TwoChunkPrompt, NegativePrompt = "", Seed = 3, Steps = 3, Width = 64, Height = 64, Scheduler = "euler" };

        var prompt = PromptChunker.Chunk(model.Tokenizer, TwoChunkPrompt);
        var embeds = model.TextEncoder.Encode(prompt, EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None);
        var result = new StableDiffusionPipeline(model).Generate(settings);
        var firstChunk = new StableDiffusionPipeline(model).Generate(settings with { Prompt = FirstChunkOfTwo });

        Assert.Null(model.Unet.FixedSequenceLength);
        Assert.Equal((2, 154), (prompt.Chunks.Count, embeds.Tokens));
        Assert.Empty(result.Warnings);
        Assert.Equal((64, 64), (result.Images[0].Image.Width, result.Images[0].Image.Height));
        Assert.NotEqual(Requests.Pixels(firstChunk.Images[0].Image), Requests.Pixels(result.Images[0].Image));
    }

    [Theory]
    [InlineData("a red circle on a blue background")]
    [InlineData("")]
    [InlineData("three yellow triangles, two green squares and a purple circle on a white background")]
    public void OneChunkPromptGivesTheSameContextAsTheSingleSequenceEncoding(string text)
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu);

        var chunked = model.TextEncoder.Encode(PromptChunker.Chunk(model.Tokenizer, text), EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None);
        var single = model.TextEncoder.Encode(model.Tokenizer.Encode(text).Ids, CancellationToken.None);

        Assert.Equal(77, chunked.Tokens);
        Assert.Equal(single.Values, chunked.Values);
    }

    [Fact]
    public void AStableDiffusion2PadTokenFillsEveryChunkAfterItsFirstEos()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("tokenizer/special_tokens_map.json"), """{ "pad_token": "!" }""");
        using var model = StableDiffusionModel.Load(copy.Directory, LoadedModels.Cpu);
        var text = "a red circle on a blue square";

        var chunked = model.TextEncoder.Encode(PromptChunker.Chunk(model.Tokenizer, text), EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None);
        var padded = model.Tokenizer.Encode(text).Ids;
        var eosPadded = model.TextEncoder.Encode(PromptChunker.Chunk(model.Tokenizer, text), EmphasisMode.Original, ClipTokenizer.EosId, CancellationToken.None);

        Assert.Equal(0, model.Tokenizer.PadId);
        Assert.Equal(0, padded[^1]);
        // As A1111's OpenCLIP path and diffusers: bos, the prompt, eos, then pad ids.
        Assert.Equal(model.TextEncoder.Encode(padded, CancellationToken.None).Values, chunked.Values);
        Assert.NotEqual(eosPadded.Values, chunked.Values);
    }

    [Fact]
    public void SecondChunkIsEncodedOnItsOwnAfterTheFirst()
    {
        var model = models[ModelFixtures.Fp32Int64FloatOne];
        var prompt = PromptChunker.Chunk(model.Tokenizer, "red circle BREAK blue square");

        var both = model.TextEncoder.Encode(prompt, EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None);
        var second = model.TextEncoder.Encode(prompt.Chunks[1].Tokens, CancellationToken.None);

        Assert.Equal(154, both.Tokens);
        Assert.Equal(second.Values, both.Values[(77 * both.HiddenSize)..]);
    }

    [Fact]
    public void PromptAndNegativeOfDifferentLengthsRunInSeparateUnetCallsThatMatchEachAlone()
    {
        var model = models[ModelFixtures.Fp32Int32Int64Batch];
        var settings = Requests.Small() with { Prompt = TwoChunkPrompt, NegativePrompt = "blurry" };
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, guided: true);
        var shape = new Components.LatentShape(4, 4, 6);
        var latent = Enumerable.Range(0, shape.Length).Select(i => Math.Sin(i)).ToArray();

        using var states = PromptConditioning.Encode(model, prompt, negative, settings, [], out var padded, CancellationToken.None);
        var together = model.Unet.Predict(latent, shape, 500, states, CancellationToken.None);
        using var negativeAlone = model.Unet.PrepareEncoderHiddenStates(model.TextEncoder.Encode(negative!, EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None));
        using var promptAlone = model.Unet.PrepareEncoderHiddenStates(model.TextEncoder.Encode(prompt, EmphasisMode.Original, model.Tokenizer.PadId, CancellationToken.None));

        Assert.False(padded);
        Assert.Equal(2, states.CallsPerStep);
        Assert.Equal(model.Unet.Predict(latent, shape, 500, negativeAlone, CancellationToken.None), together[..shape.Length]);
        Assert.Equal(model.Unet.Predict(latent, shape, 500, promptAlone, CancellationToken.None), together[shape.Length..]);
    }

    [Fact]
    public void PadPromptsBatchesBothHalvesWithEncodedEmptyPromptsAndChangesTheImage()
    {
        var model = models[ModelFixtures.Fp32Int32Int64Batch];
        var settings = Requests.Small() with { Prompt = TwoChunkPrompt, NegativePrompt = "blurry" };
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, guided: true);
        var pipeline = new StableDiffusionPipeline(model);

        using var states = PromptConditioning.Encode(model, prompt, negative, settings with { PadPrompts = true }, [], out var padded, CancellationToken.None);
        var separate = pipeline.Generate(settings);
        var padding = pipeline.Generate(settings with { PadPrompts = true });
        var equalLengths = pipeline.Generate(Requests.Small() with { PadPrompts = true });

        Assert.True(padded);
        Assert.Equal(1, states.CallsPerStep);
        Assert.NotEqual(Requests.Pixels(separate.Images[0].Image), Requests.Pixels(padding.Images[0].Image));
        // The images record the padding only where it happened, as A1111 writes "Pad conds" only then.
        Assert.True(padding.Images[0].Settings.PadPrompts);
        Assert.False(separate.Images[0].Settings.PadPrompts);
        Assert.False(equalLengths.Images[0].Settings.PadPrompts);
    }

    [Fact]
    public void UnetWithContextFixedAt77GetsTheFirstChunkAndAWarning()
    {
        var model = models[ModelFixtures.ContextFixedAt77];
        var pipeline = new StableDiffusionPipeline(model);

        var result = pipeline.Generate(Requests.Small() with { Prompt = TwoChunkPrompt });
        var firstChunk = pipeline.Generate(Requests.Small() with { Prompt = FirstChunkOfTwo });

        Assert.Equal(77, model.Unet.FixedSequenceLength);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("only the first chunk is used", warning);
        Assert.Empty(firstChunk.Warnings);
        Assert.Equal(Requests.Pixels(firstChunk.Images[0].Image), Requests.Pixels(result.Images[0].Image));
    }
}
