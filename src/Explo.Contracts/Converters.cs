using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>
/// Customer properties on the wire: a JSON object of arbitrary values, kept in order and exactly (numbers as their
/// text, so <c>1e400</c> or a 40-digit integer never pass through a double).
/// </summary>
public sealed class PropertiesConverter : JsonConverter<OrderedMap<JsonElement>>
{
    /// <inheritdoc />
    public override OrderedMap<JsonElement> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a JSON object.");
        }

        return PropertyMap.FromJsonObject(JsonElement.ParseValue(ref reader));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, OrderedMap<JsonElement> value, JsonSerializerOptions options) =>
        PropertyMap.WriteTo(writer, value);
}

/// <summary>
/// A schema-to-data-source mapping on the wire: a JSON object of strings, in order. A number is taken as its text, as
/// Explo's own examples send data source ids.
/// </summary>
public sealed class MappingConverter : JsonConverter<OrderedMap<string>>
{
    /// <inheritdoc />
    public override OrderedMap<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a JSON object.");
        }

        var entries = new List<KeyValuePair<string, string>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var schema = reader.GetString()!;
            reader.Read();
            entries.Add(KeyValuePair.Create(schema, WireValues.DataSourceId(ref reader) ?? throw new JsonException($"The data source of '{schema}' must be a string.")));
        }

        return OrderedMap<string>.From(entries);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, OrderedMap<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (schema, source) in value.Entries)
        {
            writer.WriteString(schema, source);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A flag on the wire: <c>true</c>/<c>false</c>, and <c>1</c>/<c>0</c> as Explo's own API sends them.</summary>
public sealed class FlagConverter : JsonConverter<bool>
{
    /// <inheritdoc />
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Number when reader.TryGetInt32(out var n) && n is 0 or 1 => n == 1,
        _ => throw new JsonException("Expected true or false."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}

/// <summary>A time on the wire: ISO 8601 with seven fractional digits and the offset (the round-trip format <c>O</c>).</summary>
public sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : throw new JsonException("Expected an ISO 8601 time.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("O", CultureInfo.InvariantCulture));
}

/// <summary>
/// A field where an explicit <c>null</c> means something (<c>parent_provided_id: null</c> detaches a customer): absent
/// is <c>default</c> (and is not written), <c>null</c> is a given null.
/// </summary>
public sealed class OptionalStringConverter : JsonConverter<Optional<string?>>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override Optional<string?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => new Optional<string?>(null),
        JsonTokenType.String => new Optional<string?>(reader.GetString()),
        _ => throw new JsonException("Expected a string or null."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Optional<string?> value, JsonSerializerOptions options)
    {
        if (value.Value is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Reading helpers the converters and the body reader share.</summary>
internal static class WireValues
{
    /// <summary>A data source id: a string, or a number's exact text; null for any other token.</summary>
    public static string? DataSourceId(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        _ => null,
    };

    /// <summary>A data source id from an element: a string, or a number's exact text; null otherwise.</summary>
    public static string? DataSourceId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
