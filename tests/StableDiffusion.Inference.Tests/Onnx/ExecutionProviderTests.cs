using Microsoft.Extensions.Logging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Onnx;

public sealed class ExecutionProviderTests
{
    private sealed class RecordingLogger : ILogger
    {
        public List<(EventId Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, formatter(state, exception)));
    }

    [Fact]
    public void AutoUsesCudaWhenItLoadsElseCpuAndLogsOneLineSayingWhy()
    {
        var logger = new RecordingLogger();

        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), new InferenceOptions(), logger);

        var line = Assert.Single(logger.Entries, e => e.Id.Id == 100);
        Assert.Contains(model.ExecutionProvider, line.Message);
        Assert.Contains(model.ExecutionProviderReason, line.Message);
        Assert.StartsWith(model.ExecutionProvider == "CUDA" ? "CUDA loaded" : "CUDA could not load: ", model.ExecutionProviderReason);
    }

    [Fact]
    public void CudaFailsLoudlyWhereAutoFellBackToCpu()
    {
        var directory = ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne);
        using var auto = StableDiffusionModel.Load(directory, new InferenceOptions());

        if (auto.ExecutionProvider == "CPU")
        {
            var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(directory, new InferenceOptions { ExecutionProvider = "cuda" }));
            Assert.Contains("CUDA could not load", error.Message);
        }
        else
        {
            using var cuda = StableDiffusionModel.Load(directory, new InferenceOptions { ExecutionProvider = "cuda" });
            Assert.Equal("CUDA", cuda.ExecutionProvider);
        }
    }

    [Fact]
    public void CpuIsUsedWhenAskedFor()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), new InferenceOptions { ExecutionProvider = "cpu" });

        Assert.Equal(("CPU", "Inference:ExecutionProvider is cpu"), (model.ExecutionProvider, model.ExecutionProviderReason));
    }
}
