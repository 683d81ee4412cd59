using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// How a session's CPU threads behave, from <see cref="InferenceOptions.IntraOpThreads"/> and
/// <see cref="InferenceOptions.AllowSpinning"/>. A value of its own so tests can see what reaches every session
/// (SessionOptions keeps config entries write-only).
/// </summary>
internal sealed record ThreadSettings(int IntraOpThreads, IReadOnlyDictionary<string, string> ConfigEntries)
{
    /// <summary>ONNX Runtime's session config key (onnxruntime_session_options_config_keys.h).</summary>
    public const string AllowSpinningKey = "session.intra_op.allow_spinning";

    public static ThreadSettings For(InferenceOptions options) => new(
        options.IntraOpThreads,
        new Dictionary<string, string> { [AllowSpinningKey] = options.AllowSpinning ? "1" : "0" });

    public void ApplyTo(SessionOptions sessionOptions)
    {
        if (IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = IntraOpThreads;
        }
        foreach (var (key, value) in ConfigEntries)
        {
            sessionOptions.AddSessionConfigEntry(key, value);
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"intra-op threads {(IntraOpThreads == 0 ? "default" : IntraOpThreads.ToString(CultureInfo.InvariantCulture))}, spinning {(ConfigEntries[AllowSpinningKey] == "1" ? "on" : "off")}");
}
