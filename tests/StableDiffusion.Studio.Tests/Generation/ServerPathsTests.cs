using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class ServerPathsTests
{
    [Theory]
    [InlineData("Load model from /srv/models/tiny/unet/model.onnx failed:/onnxruntime_src/onnxruntime/core/graph/graph.cc:1436 onnxruntime::Graph::Graph(const onnxruntime::Model&, bool) This is an invalid model.",
        "Load model from tiny/unet/model.onnx failed: This is an invalid model.")]
    [InlineData("Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool) Failed to allocate memory",
        "Status Message: Failed to allocate memory")]
    [InlineData("Could not find a part of the path '/var/lib/studio/data/images/2026/x.png'.", "Could not find a part of the path 'x.png'.")]
    [InlineData(@"Access to the path 'C:\studio\data\x.png' is denied.", "Access to the path 'x.png' is denied.")]
    [InlineData("The models directory /srv/models/ is empty", "The models directory . is empty")]
    [InlineData("unet/model.onnx is a Git LFS pointer; see https://git-lfs.github.com/spec/v1", "unet/model.onnx is a Git LFS pointer; see https://git-lfs.github.com/spec/v1")]
    public void AbsolutePathsBecomeRelativeToTheRootOrJustTheFileName(string message, string expected)
    {
        Assert.Equal(expected, ServerPaths.Hide(message, "/srv/models/"));
    }
}
