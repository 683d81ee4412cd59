using System.CommandLine;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>generate</c>'s hires fix options, A1111's enable_hr and hr_* fields.</summary>
internal sealed class HiresOptions
{
    private readonly Option<bool> enable = new("--hires") { Description = "Hires fix: a first pass at --width × --height, an upscale, then an img2img pass at the larger size" };

    private readonly Option<double> scale = new("--hires-scale") { Description = "Upscale factor, unless --hires-resize is given", DefaultValueFactory = _ => 2 };

    private readonly Option<string> upscaler = new Option<string>("--hires-upscaler")
    {
        Description = "A1111 upscaler name", DefaultValueFactory = _ => HiresUpscalers.Default,
    }.AcceptOnlyFromAmong([.. HiresUpscalers.All.Select(u => u.Name)]);

    private readonly Option<int> steps = new("--hires-steps") { Description = "Second pass steps; 0 = as many as --steps", DefaultValueFactory = _ => 0 };

    private readonly Option<double> strength = new("--hires-strength") { Description = "Second pass denoising strength in (0, 1]", DefaultValueFactory = _ => 0.7 };

    private readonly Option<string?> resize = new("--hires-resize") { Description = "Target WxH instead of --hires-scale; 0 on one side keeps the aspect ratio (e.g. 1024x0)" };

    public IEnumerable<Option> All => [enable, scale, upscaler, steps, strength, resize];

    public GenerationSettings Apply(ParseResult parsed, GenerationSettings settings)
    {
        var (resizeWidth, resizeHeight) = SizeOption.Parse(parsed.GetValue(resize), "--hires-resize");
        return settings with
        {
            EnableHires = parsed.GetValue(enable),
            HiresScale = parsed.GetValue(scale),
            HiresUpscaler = parsed.GetValue(upscaler)!,
            HiresSteps = parsed.GetValue(steps),
            HiresDenoisingStrength = parsed.GetValue(strength),
            HiresResizeWidth = resizeWidth,
            HiresResizeHeight = resizeHeight,
        };
    }
}
