using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Explo.Domain;

/// <summary>
/// Customer properties: an ordered map of keys to arbitrary JSON values (<see cref="JsonElement"/>, immutable,
/// keeping numbers as their exact text so integers and decimals never pass through a double).
/// </summary>
public static class PropertyMap
{
    /// <summary>The empty property map.</summary>
    public static OrderedMap<JsonElement> Empty => OrderedMap<JsonElement>.Empty;

    /// <summary>Compares JSON values structurally (<see cref="JsonElement.DeepEquals"/>).</summary>
    public static IEqualityComparer<JsonElement> ValueComparer { get; } = new JsonElementComparer();

    /// <summary>Parses a JSON object into a property map.</summary>
    /// <param name="json">Text of a JSON object.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentException">The text is not a JSON object (a programmer error in-process; adapters validate first).</exception>
    public static OrderedMap<JsonElement> Parse(string json)
    {
        Guard.NotNull(json);

        // One unpooled document whose elements are the values: no copy per value (stores parse every customer they read).
        var root = JsonElement.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        Guard.That(root.ValueKind == JsonValueKind.Object, "Properties must be a JSON object");
        return Members(root);
    }

    /// <summary>Copies the members of a JSON object into a property map (values are detached from their document).</summary>
    /// <param name="jsonObject">An element of kind <see cref="JsonValueKind.Object"/>.</param>
    /// <returns>The map.</returns>
    public static OrderedMap<JsonElement> FromJsonObject(JsonElement jsonObject)
    {
        Guard.That(jsonObject.ValueKind == JsonValueKind.Object, "Properties must be a JSON object");

        // One copy of the whole object; its members' values share it.
        return Members(jsonObject.Clone());
    }

    private static OrderedMap<JsonElement> Members(JsonElement detachedObject) =>
        OrderedMap<JsonElement>.From(detachedObject.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));

    /// <summary>Builds a property map from .NET values, each serialized to JSON.</summary>
    /// <param name="pairs">Key and value pairs.</param>
    /// <returns>The map.</returns>
    public static OrderedMap<JsonElement> Of(params (string Key, object? Value)[] pairs) =>
        OrderedMap<JsonElement>.From(Guard.NotNull(pairs).Select(p => KeyValuePair.Create(p.Key, JsonSerializer.SerializeToElement(p.Value))));

    /// <summary>Writes a property map as one JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="map">The map.</param>
    public static void WriteTo(Utf8JsonWriter writer, OrderedMap<JsonElement> map)
    {
        Guard.NotNull(writer);
        Guard.NotNull(map);
        writer.WriteStartObject();
        foreach (var (key, value) in map.Entries)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>The map as compact JSON text.</summary>
    /// <param name="map">The map.</param>
    /// <returns>The text.</returns>
    public static string ToJson(OrderedMap<JsonElement> map)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTo(writer, map);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The size in bytes of the map serialized as compact UTF-8 JSON.</summary>
    /// <param name="map">The map.</param>
    /// <returns>The byte count.</returns>
    public static long SerializedSize(OrderedMap<JsonElement> map)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTo(writer, map);
        }

        return buffer.WrittenCount;
    }

    /// <summary>The nesting depth of a JSON value: 0 for a scalar, 1 for a flat object or array, and so on.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The depth.</returns>
    public static int Depth(JsonElement value)
    {
        // Iterative, so a pathological value cannot overflow the stack.
        var max = 0;
        var stack = new Stack<(JsonElement Element, int Depth)>();
        stack.Push((value, 0));
        while (stack.Count > 0)
        {
            var (element, depth) = stack.Pop();
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    max = Math.Max(max, depth + 1);
                    foreach (var member in element.EnumerateObject())
                    {
                        stack.Push((member.Value, depth + 1));
                    }

                    break;
                case JsonValueKind.Array:
                    max = Math.Max(max, depth + 1);
                    foreach (var item in element.EnumerateArray())
                    {
                        stack.Push((item, depth + 1));
                    }

                    break;
                default:
                    break;
            }
        }

        return max;
    }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private sealed class JsonElementComparer : IEqualityComparer<JsonElement>
    {
        public bool Equals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);

        public int GetHashCode(JsonElement obj) => obj.ValueKind.GetHashCode();
    }
}
