namespace StableDiffusion.Inference.Tests.Cli;

/// <summary>Tests that swap Console.Out and Console.Error, which are process-wide, run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
