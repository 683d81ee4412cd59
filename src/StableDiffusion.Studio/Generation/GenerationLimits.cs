namespace StableDiffusion.Studio.Generation;

/// <summary>What the studio accepts; A1111's UI ranges (modules/ui.py) where it has them.</summary>
public static class GenerationLimits
{
    public const int MaxPromptLength = 2000;
    public const int MinSteps = 1;
    public const int MaxSteps = 150;
    public const double MinGuidance = 0;
    public const double MaxGuidance = 30;
    public const int MinSize = 64;
    public const int MaxSize = 2048;
    public const int SizeMultiple = 8;
    /// <summary>A1111's UI slider stops at 8; more latents in one UNet call mostly cost memory.</summary>
    public const int MaxBatchSize = 8;
    public const int MaxBatchCount = 16;
    /// <summary>Batch size × batch count: what one job may make.</summary>
    public const int MaxImagesPerJob = 16;
    public const double MaxHiresScale = 4;
    public const long MaxSeed = uint.MaxValue;
    /// <summary>Cells of one comparison, all its grids together: an 8 × 8 grid.</summary>
    public const int MaxComparisonCells = 64;
}
