using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>
/// Where A1111's hires fix upscales to (processing.py calculate_target_resolution) and how its second pass is
/// scheduled (sd_samplers_common.setup_img2img_steps with the steps given).
/// </summary>
public sealed class HiresTargetTests
{
    private static GenerationSettings Base(int width, int height) => new() { Width = width, Height = height, Steps = 20, EnableHires = true };

    [Theory]
    // hr_scale: int(width · scale) and int(height · scale).
    [InlineData(512, 512, 2.0, 0, 0, 1024, 1024, 0, 0)]
    [InlineData(512, 768, 1.5, 0, 0, 768, 1152, 0, 0)]
    [InlineData(512, 512, 1.3, 0, 0, 665, 665, 0, 0)]
    // hr_resize_x alone keeps the aspect ratio: y = x · height // width.
    [InlineData(512, 768, 0, 1024, 0, 1024, 1536, 0, 0)]
    // hr_resize_y alone: x = y · width // height.
    [InlineData(512, 768, 0, 0, 1000, 666, 1000, 0, 0)]
    // Both, of another aspect ratio: cover the box, then truncate the overhang in latent cells of 8.
    [InlineData(512, 768, 0, 1024, 1024, 1024, 1536, 0, 64)]
    [InlineData(768, 512, 0, 1024, 1024, 1536, 1024, 64, 0)]
    public void TargetResolutionIsA1111s(int width, int height, double scale, int resizeX, int resizeY, int upscaleX, int upscaleY, int truncateX, int truncateY)
    {
        var settings = Base(width, height) with { HiresScale = scale == 0 ? 2 : scale, HiresResizeWidth = resizeX, HiresResizeHeight = resizeY };

        var plan = HiresFix.For(settings);

        Assert.Equal((upscaleX, upscaleY, truncateX, truncateY), (plan.UpscaleWidth, plan.UpscaleHeight, plan.TruncateX, plan.TruncateY));
    }

    [Fact]
    public void ResizeToAnotherAspectRatioEndsAtTheRequestedSize()
    {
        var plan = HiresFix.For(Base(512, 768) with { HiresResizeWidth = 1024, HiresResizeHeight = 1024 });

        Assert.Equal((1024, 1024), plan.ImageSize);
        Assert.Equal((128, 128), (plan.Shape(4).Height, plan.Shape(4).Width));
    }

    [Theory]
    // int(steps / min(strength, 0.999)) scheduled, the last `steps` of them run.
    [InlineData(10, 0, 0.7, 14, 10)]
    [InlineData(0, 20, 0.5, 40, 20)]
    [InlineData(8, 20, 1.0, 8, 8)]
    [InlineData(0, 20, 0.33, 60, 20)]
    public void TheSecondPassRunsExactlyItsStepsOnAStretchedSchedule(int hiresSteps, int steps, double strength, int scheduled, int run)
    {
        var plan = HiresFix.For(Base(512, 512) with { HiresSteps = hiresSteps, Steps = steps == 0 ? 20 : steps, HiresDenoisingStrength = strength });

        Assert.Equal((scheduled, run, scheduled - run), (plan.ScheduleSteps, plan.Steps, plan.SkippedSteps));
    }
}
