using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>What to generate. Image i of the batch uses <c>Seed + i</c> (A1111's convention).</summary>
/// <param name="Scheduler">A scheduler id: ddim pndm euler euler-a dpmpp-2m dpmpp-2m-karras lms lcm ddpm heun.</param>
/// <param name="InitImage">Encoded PNG/JPEG/WebP bytes for img2img, or null for txt2img.</param>
/// <param name="Strength">img2img denoising strength in (0, 1].</param>
public sealed record GenerationRequest(
    string Prompt,
    string NegativePrompt,
    long Seed,
    int Steps,
    double GuidanceScale,
    string Scheduler,
    int Width,
    int Height,
    int BatchCount = 1,
    NoiseSource NoiseSource = NoiseSource.Torch,
    byte[]? InitImage = null,
    double Strength = 0.75);
