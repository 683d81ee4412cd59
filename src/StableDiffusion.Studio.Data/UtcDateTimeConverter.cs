using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace StableDiffusion.Studio.Data;

/// <summary>SQLite stores no kind: every time the studio writes is UTC, so every time it reads is marked UTC.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
