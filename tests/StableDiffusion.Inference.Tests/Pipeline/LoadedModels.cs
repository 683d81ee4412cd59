using System.Collections.Concurrent;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>Each fixture model loaded once per test class (sessions are made once per model, as in the product).</summary>
public sealed class LoadedModels : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<StableDiffusionModel>> models = new();

    public static InferenceOptions Cpu { get; } = new() { ExecutionProvider = "cpu", VaePreviewEverySteps = 2 };

    public StableDiffusionModel this[string variant] =>
        models.GetOrAdd(variant, v => new Lazy<StableDiffusionModel>(() => StableDiffusionModel.Load(ModelFixtures.PathOf(v), Cpu))).Value;

    public void Dispose()
    {
        foreach (var model in models.Values.Where(m => m.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }
}
