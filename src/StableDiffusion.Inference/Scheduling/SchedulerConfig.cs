using System.Text.Json;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// A model's <c>scheduler/scheduler_config.json</c>. Every value is null when its key is absent, because
/// diffusers drops absent keys on <c>from_config</c> and each scheduler class then applies its own default
/// (Euler-family spacing linspace, DDIM/PNDM/DDPM leading); <see cref="PresentKeys"/> records what the file had.
/// Keys that belong to another class (PNDM's <c>skip_prk_steps</c> read by DDIM) are kept and ignored, as there.
/// </summary>
public sealed record SchedulerConfig
{
    public string? ClassName { get; init; }
    public int? NumTrainTimesteps { get; init; }
    public double? BetaStart { get; init; }
    public double? BetaEnd { get; init; }
    public BetaSchedule? BetaSchedule { get; init; }
    public IReadOnlyList<double>? TrainedBetas { get; init; }
    public PredictionType? PredictionType { get; init; }
    public TimestepSpacing? TimestepSpacing { get; init; }
    public int? StepsOffset { get; init; }
    public bool? SetAlphaToOne { get; init; }
    public bool? SkipPrkSteps { get; init; }
    public bool? ClipSample { get; init; }
    public double? ClipSampleRange { get; init; }
    public bool? Thresholding { get; init; }
    public bool? RescaleBetasZeroSnr { get; init; }
    public string? VarianceType { get; init; }
    public int? OriginalInferenceSteps { get; init; }
    public double? TimestepScaling { get; init; }
    public bool? UseKarrasSigmas { get; init; }
    public int? SolverOrder { get; init; }
    public string? AlgorithmType { get; init; }
    public string? SolverType { get; init; }
    public bool? LowerOrderFinal { get; init; }
    public string? FinalSigmasType { get; init; }

    /// <summary>The JSON keys the file contained, null-valued ones included.</summary>
    public IReadOnlySet<string> PresentKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool IsPresent(string key) => PresentKeys.Contains(key);

    /// <summary>An empty config: every scheduler class uses its own defaults.</summary>
    public static SchedulerConfig Empty { get; } = new();

    public static SchedulerConfig Load(string path) => Parse(File.ReadAllText(path));

    /// <exception cref="FormatException">The JSON is malformed or a value has the wrong type or an unknown name.</exception>
    public static SchedulerConfig Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new FormatException($"scheduler_config.json is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("scheduler_config.json must hold a JSON object.");
            }

            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                keys.Add(property.Name);
            }

            return new SchedulerConfig
            {
                ClassName = String(root, "_class_name"),
                NumTrainTimesteps = Int(root, "num_train_timesteps"),
                BetaStart = Double(root, "beta_start"),
                BetaEnd = Double(root, "beta_end"),
                BetaSchedule = Enum(root, "beta_schedule", ParseBetaSchedule),
                TrainedBetas = DoubleArray(root, "trained_betas"),
                PredictionType = Enum(root, "prediction_type", ParsePredictionType),
                TimestepSpacing = Enum(root, "timestep_spacing", ParseTimestepSpacing),
                StepsOffset = Int(root, "steps_offset"),
                SetAlphaToOne = Bool(root, "set_alpha_to_one"),
                SkipPrkSteps = Bool(root, "skip_prk_steps"),
                ClipSample = Bool(root, "clip_sample"),
                ClipSampleRange = Double(root, "clip_sample_range"),
                Thresholding = Bool(root, "thresholding"),
                RescaleBetasZeroSnr = Bool(root, "rescale_betas_zero_snr"),
                VarianceType = String(root, "variance_type"),
                OriginalInferenceSteps = Int(root, "original_inference_steps"),
                TimestepScaling = Double(root, "timestep_scaling"),
                UseKarrasSigmas = Bool(root, "use_karras_sigmas"),
                SolverOrder = Int(root, "solver_order"),
                AlgorithmType = String(root, "algorithm_type"),
                SolverType = String(root, "solver_type"),
                LowerOrderFinal = Bool(root, "lower_order_final"),
                FinalSigmasType = String(root, "final_sigmas_type"),
                PresentKeys = keys,
            };
        }
    }

    public static BetaSchedule ParseBetaSchedule(string value) => value switch
    {
        "linear" => Scheduling.BetaSchedule.Linear,
        "scaled_linear" => Scheduling.BetaSchedule.ScaledLinear,
        "squaredcos_cap_v2" => Scheduling.BetaSchedule.SquaredCosCapV2,
        _ => throw new FormatException($"Unsupported beta_schedule '{value}' (expected linear, scaled_linear or squaredcos_cap_v2)."),
    };

    public static PredictionType ParsePredictionType(string value) => value switch
    {
        "epsilon" => Scheduling.PredictionType.Epsilon,
        "v_prediction" => Scheduling.PredictionType.VPrediction,
        "sample" => Scheduling.PredictionType.Sample,
        _ => throw new FormatException($"Unsupported prediction_type '{value}' (expected epsilon, v_prediction or sample)."),
    };

    public static TimestepSpacing ParseTimestepSpacing(string value) => value switch
    {
        "leading" => Scheduling.TimestepSpacing.Leading,
        "linspace" => Scheduling.TimestepSpacing.Linspace,
        "trailing" => Scheduling.TimestepSpacing.Trailing,
        _ => throw new FormatException($"Unsupported timestep_spacing '{value}' (expected leading, linspace or trailing)."),
    };

    private static JsonElement? Value(JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? String(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw WrongType(key, "a string"),
    };

    private static T? Enum<T>(JsonElement root, string key, Func<string, T> parse)
        where T : struct => String(root, key) is { } text ? parse(text) : null;

    private static bool? Bool(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw WrongType(key, "true or false"),
    };

    private static int? Int(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        { ValueKind: JsonValueKind.Number } value when value.TryGetDouble(out var number) && number == Math.Floor(number) && Math.Abs(number) <= int.MaxValue => (int)number,
        _ => throw WrongType(key, "an integer"),
    };

    private static double? Double(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { } value => Number(value, key),
    };

    private static double[]? DoubleArray(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } value => value.EnumerateArray().Select(item => Number(item, key)).ToArray(),
        _ => throw WrongType(key, "an array of numbers"),
    };

    // diffusers writes non-finite floats as bare NaN/Infinity, which System.Text.Json reads as strings only when quoted.
    private static double Number(JsonElement value, string key) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
        _ => throw WrongType(key, "a number"),
    };

    private static FormatException WrongType(string key, string expected) =>
        new($"scheduler_config.json: '{key}' must be {expected}.");
}
