using System.CommandLine;
using System.Text.Json.Nodes;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd info</c>: what the loader detected in a model folder.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var models = new ModelOptions();
        var command = new Command("info", "Show a model's components, their inputs and outputs, scheduler config, VAE scaling and execution provider")
        {
            models.Model, models.Provider,
        };
        command.SetAction(parsed => CommandFailure.Guard(parsed.InvocationConfiguration.Error, () =>
        {
            using var sd = models.Load(parsed, out _);
            Print(parsed.InvocationConfiguration.Output, sd);
            return 0;
        }));
        return command;
    }

    private static void Print(TextWriter output, StableDiffusionModel sd)
    {
        output.WriteLine($"model: {sd.Name} ({sd.Directory})");
        output.WriteLine($"model hash: {sd.Hash}");
        output.WriteLine($"execution provider: {sd.ExecutionProvider} ({sd.ExecutionProviderReason})");
        foreach (var component in sd.Components)
        {
            output.WriteLine($"{component.Name}: {component.File}");
            foreach (var input in component.Inputs)
            {
                output.WriteLine($"  input  {input}");
            }
            foreach (var tensorOutput in component.Outputs)
            {
                output.WriteLine($"  output {tensorOutput}");
            }
        }
        output.WriteLine(sd.VaeEncoderKind is { } kind ? $"vae encoder output: {kind} (img2img uses its mean)" : "vae_encoder: none (no img2img)");
        output.WriteLine($"vae scaling factor: {sd.ScalingFactor}");
        output.WriteLine($"vae scale factor: {sd.VaeScaleFactor} (latent {sd.LatentChannels} channels)");
        output.WriteLine($"tokenizer: max length {sd.Tokenizer.MaxLength}, pad id {sd.Tokenizer.PadId}");
        output.WriteLine($"previews: {(sd.HasLatentRgbFactors ? "latent_rgb_factors.json (every step)" : "VAE decode")}");
        var defaults = sd.Defaults;
        output.WriteLine($"defaults: steps {defaults.Steps}, guidance {defaults.GuidanceScale}, scheduler {defaults.Scheduler}, size {defaults.Width}x{defaults.Height}");
        output.WriteLine("scheduler config:");
        if (JsonNode.Parse(File.ReadAllText(sd.SchedulerConfigPath)) is JsonObject config)
        {
            foreach (var (key, value) in config)
            {
                output.WriteLine($"  {key}: {value?.ToJsonString() ?? "null"}");
            }
        }
    }
}
