using System.Text.Json.Nodes;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Api;

/// <summary>An A1111 txt2img/img2img body read into the studio's settings, with what was ignored and why.</summary>
/// <param name="Errors">Messages keyed by A1111 field name; nothing is queued when there are any.</param>
/// <param name="IgnoredFields">Fields given a value the studio does not act on (reported in <c>info.ignored_fields</c>).</param>
/// <param name="Notes">Where the studio chose differently from A1111 (reported in <c>info.notes</c>).</param>
/// <param name="Parameters">The request echoed back with the values used filled in, as A1111's <c>parameters</c>.</param>
public sealed record A1111Translation(
    GenerationSettings Settings,
    IReadOnlyDictionary<string, string> Errors,
    IReadOnlyList<string> IgnoredFields,
    IReadOnlyList<string> Notes,
    int BatchSize,
    bool SendImages,
    JsonObject Parameters);
