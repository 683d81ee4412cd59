using System.CommandLine;
using StableDiffusion.Cli.Commands;

var root = new RootCommand("sd: Stable Diffusion ONNX models on ONNX Runtime")
{
    GenerateCommand.Create(),
    TokenizeCommand.Create(),
    NoiseCommand.Create(),
    InfoCommand.Create(),
};
return root.Parse(args).Invoke();
