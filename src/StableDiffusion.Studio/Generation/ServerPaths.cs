using System.Text.RegularExpressions;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Takes the server's own paths out of a message before it reaches a user: ONNX Runtime and .NET name files by their
/// full path, and /healthz, the APIs and job errors are read by people who have no business knowing the layout of
/// the server's disks. The log keeps the whole exception.
/// </summary>
public static partial class ServerPaths
{
    /// <summary>
    /// Paths under <paramref name="root"/> become relative to it ("tiny/unet/model.onnx"); any other rooted path keeps
    /// only its file name; ONNX Runtime's C++ source location and signature ("…/graph.cc:1436 onnxruntime::Graph(…)") go.
    /// </summary>
    public static string Hide(string message, string? root = null)
    {
        if (!string.IsNullOrEmpty(root))
        {
            // A configured "models/" keeps its separator through GetFullPath; compare without it.
            var trimmed = Regex.Escape(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
            message = Regex.Replace(message, trimmed + @"[\\/](?=[^\s'""])", "");
            message = Regex.Replace(message, trimmed + @"[\\/]?", ".");
        }

        message = NativeSourceLocation().Replace(message, "");
        message = RootedDirectory().Replace(message, "");
        return DoubleSpace().Replace(message, " ");
    }

    // "/onnxruntime_src/onnxruntime/core/graph/graph.cc:1436 onnxruntime::Graph::Graph(const …, bool)" before the sentence that says what went wrong.
    [GeneratedRegex(@"(?<=^|[\s:'""(])(?:[^\s:'""]+[\\/])*[^\s\\/:'""]+\.(?:cc|cpp|h|hpp):\d+(?:\s+(?:[\w:<>]+[*&]*\s+)*[\w:~<>]+\(.*?\)(?=\s+[A-Z\[]|\s*$))?")]
    private static partial Regex NativeSourceLocation();

    // The directories of a rooted path (Unix "/a/b/", Windows "C:\a\b\" or "\\server\share\"), where a path can start:
    // not inside a relative path, and not a URL's "//host/" (a slash before another slash is not a start).
    [GeneratedRegex(@"(?<=^|[\s'""(\[=:,])(?:[A-Za-z]:[\\/]|\\\\|/(?!/))(?:[^\s'""\\/:*?<>|]+[\\/])+")]
    private static partial Regex RootedDirectory();

    [GeneratedRegex(" {2,}")]
    private static partial Regex DoubleSpace();
}
