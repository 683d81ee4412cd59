namespace StableDiffusion.Inference.Onnx;

/// <summary>One ONNX sub-model of a model folder (text_encoder, unet, vae_decoder, vae_encoder) and its declared tensors.</summary>
/// <param name="File">Path relative to the model folder, e.g. <c>unet/model.onnx</c>.</param>
public sealed record ComponentSignature(string Name, string File, IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs);
