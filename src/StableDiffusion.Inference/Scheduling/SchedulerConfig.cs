using System.Text.Json;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// A model's <c>scheduler/scheduler_config.json</c>. Every value is null when its key is absent, because
/// diffusers drops absent keys on <c>from_config</c> and each scheduler class then applies its own default
/// (Euler-family spacing linspace, DDIM/PNDM/DDPM leading). Keys that belong to another class (PNDM's
/// <c>skip_prk_steps</c> read by DDIM) are kept and ignored, as there; keys no scheduler here reads are not kept.
/// </summary>
public sealed record SchedulerConfig
{
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

    /// <summary>An empty config: every scheduler class uses its own defaults.</summary>
    public static SchedulerConfig Empty { get; } = new();

    public static SchedulerConfig Load(string path) => Parse(File.ReadAllText(path));

    /// <exception cref="FormatException">The JSON is malformed or a value has the wrong type or an unknown name.</exception>
    public static SchedulerConfig Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(QuoteNamedFloats(json), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
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

            return new SchedulerConfig
            {
                NumTrainTimesteps = Int(root, "num_train_timesteps"),
                BetaStart = Double(root, "beta_start"),
                BetaEnd = Double(root, "beta_end"),
                BetaSchedule = Named(root, "beta_schedule", ParseBetaSchedule),
                TrainedBetas = DoubleArray(root, "trained_betas"),
                PredictionType = Named(root, "prediction_type", ParsePredictionType),
                TimestepSpacing = Named(root, "timestep_spacing", ParseTimestepSpacing),
                StepsOffset = Int(root, "steps_offset"),
                SetAlphaToOne = Bool(root, "set_alpha_to_one"),
                SkipPrkSteps = Bool(root, "skip_prk_steps"),
                ClipSample = Bool(root, "clip_sample"),
                ClipSampleRange = Double(root, "clip_sample_range"),
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

    /// <summary>
    /// diffusers saves configs with Python's json.dumps, which writes non-finite floats as bare
    /// <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c> (DPM-Solver's <c>"lambda_min_clipped": -Infinity</c>); those are
    /// not JSON, so they are quoted before parsing.
    /// </summary>
    internal static string QuoteNamedFloats(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var result = new System.Text.StringBuilder(json.Length + 16);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    result.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                result.Append(c);
                continue;
            }

            var literal = new[] { "-Infinity", "Infinity", "NaN" }.FirstOrDefault(name => string.CompareOrdinal(json, i, name, 0, name.Length) == 0);
            if (literal is null)
            {
                result.Append(c);
                continue;
            }

            result.Append('"').Append(literal).Append('"');
            i += literal.Length - 1;
        }

        return result.ToString();
    }

    private static JsonElement? Value(JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? String(JsonElement root, string key) => Value(root, key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw WrongType(key, "a string"),
    };

    private static T? Named<T>(JsonElement root, string key, Func<string, T> parse)
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

    // Non-finite floats arrive quoted (see QuoteNamedFloats).
    private static double Number(JsonElement value, string key) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
        _ => throw WrongType(key, "a number"),
    };

    private static FormatException WrongType(string key, string expected) =>
        new($"scheduler_config.json: '{key}' must be {expected}.");
}
