using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class ValidationTests : IClassFixture<StudioFactory>
{
    private readonly StudioFactory studio;

    public ValidationTests(StudioFactory studio) => this.studio = studio;

    public static TheoryData<Setting, Action<GenerationSettings>> BadSettings => new()
    {
        { Setting.Prompt, s => s.Prompt = new string('a', GenerationLimits.MaxPromptLength + 1) },
        { Setting.Prompt, s => s.Prompt = "   " },
        { Setting.Prompt, s => s.Prompt = "a (cat:1.2.3)" },
        { Setting.NegativePrompt, s => s.NegativePrompt = "(blur:.)" },
        { Setting.EmphasisMode, s => s.EmphasisMode = (EmphasisMode)9 },
        { Setting.Steps, s => s.Steps = 0 },
        { Setting.Steps, s => s.Steps = 151 },
        { Setting.GuidanceScale, s => s.GuidanceScale = 30.5 },
        { Setting.GuidanceScale, s => s.GuidanceScale = double.NaN },
        { Setting.Width, s => s.Width = 100 },
        { Setting.Height, s => s.Height = 4096 },
        { Setting.BatchCount, s => s.BatchCount = 17 },
        { Setting.BatchSize, s => s.BatchSize = 0 },
        { Setting.BatchSize, s => s.BatchSize = GenerationLimits.MaxBatchSize + 1 },
        { Setting.BatchCount, s => (s.BatchSize, s.BatchCount) = (4, 5) },
        { Setting.Seed, s => s.Seed = 1L << 32 },
        { Setting.Seed, s => s.Seed = -2 },
        { Setting.VariationSeed, s => s.VariationSeed = 1L << 32 },
        { Setting.VariationStrength, s => s.VariationStrength = 1.5 },
        { Setting.VariationStrength, s => s.VariationStrength = double.NaN },
        { Setting.Scheduler, s => s.Scheduler = "../x" },
        { Setting.Model, s => s.Model = "no-such-model" },
        { Setting.Model, s => s.Model = "broken-model" },
        { Setting.InitImage, s => s.InitImage = "GIF89a not really"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadSettingIsRefusedWithAMessageForItsFieldAndCreatesNothing(Setting field, Action<GenerationSettings> spoil)
    {
        var owner = "validation-" + Guid.NewGuid().ToString("N");
        var settings = Settings.Valid();
        spoil(settings);

        var result = await studio.Submission.SubmitAsync(owner, settings);

        var errors = result.Errors();
        Assert.True(errors.ContainsKey(field), string.Join("; ", errors.Keys));
        Assert.False(string.IsNullOrWhiteSpace(errors[field]));
        await using var db = await studio.OpenDatabaseAsync();
        Assert.Empty(db.Jobs.Where(j => j.OwnerId == owner));
    }

    // PNG headers alone, with no pixels: a refusal must come from the declared size. One side past 4096 is enough.
    [Theory]
    [InlineData(50_000, 50_000)]
    [InlineData(4097, 16)]
    [InlineData(16, 5000)]
    public async Task AnUploadDeclaringMoreThan4096PixelsASideIsRefusedBeforeDecoding(int width, int height)
    {
        var settings = Settings.Valid();
        settings.InitImage = PngHeader(width, height);

        var result = await studio.Submission.SubmitAsync("uploader", settings);

        Assert.Contains("4096", result.Errors()[Setting.InitImage]);
    }

    [Fact]
    public async Task RandomSeedIsResolvedAtSubmissionWithinTheA1111Range()
    {
        var settings = Settings.Valid();
        settings.Seed = -1;

        var job = (await studio.Submission.SubmitAsync("seeder", settings)).Queued();

        Assert.InRange(job.Seed, 0, GenerationLimits.MaxSeed);
    }

    private static byte[] PngHeader(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        var type = "IHDR"u8.ToArray();
        stream.Write([0, 0, 0, 13]);
        stream.Write(type);
        stream.Write(ihdr);
        var crc = Crc32([.. type, .. ihdr]);
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
        stream.Write([0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]);
        return stream.ToArray();
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: a header with a wrong CRC would be refused for that instead.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
