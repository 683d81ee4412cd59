namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>Model folders built from the fixtures, whole or with one part spoiled.</summary>
internal static class ModelFolders
{
    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// The framing of a ModelProto (onnx.proto field numbers) whose one initializer keeps its data in an external
    /// file: ir_version 8, a graph with the initializer, and opset 14.
    /// </summary>
    public static byte[] WithExternalWeights(string location)
    {
        static byte[] Field(int number, byte[] payload) => [(byte)((number << 3) | 2), (byte)payload.Length, .. payload];
        static byte[] Text(int number, string text) => Field(number, System.Text.Encoding.UTF8.GetBytes(text));
        byte[] entry = [.. Text(1, "location"), .. Text(2, location)];
        byte[] tensor = [.. Field(13, entry), 14 << 3, 1];
        byte[] graph = Field(5, tensor);
        return [1 << 3, 8, .. Field(7, graph), .. Field(8, [2 << 3, 14])];
    }
}
