using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>
/// The violations of one request or file row, rows included: the first <see cref="ErrorResponse.MaxListedErrors"/>
/// are kept and the rest only counted, so a body of 300,000 wrong array elements costs a counter, not 300,000 messages.
/// </summary>
public sealed class WireViolations
{
    private readonly List<Violation> _kept = [];

    /// <summary>The violations kept, in the order found.</summary>
    public IReadOnlyList<Violation> Kept => _kept;

    /// <summary>Violations found beyond <see cref="Kept"/>, counted only.</summary>
    public long More { get; private set; }

    /// <summary>Every violation found.</summary>
    public long Count => _kept.Count + More;

    /// <summary>Records a violation.</summary>
    /// <param name="violation">The violation.</param>
    public void Add(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        if (_kept.Count < ErrorResponse.MaxListedErrors)
        {
            _kept.Add(violation);
        }
        else
        {
            More++;
        }
    }

    /// <summary>The violations as one failure (every listed one, and the count of the rest); null when there are none.</summary>
    /// <returns>The failure, or null.</returns>
    public ValidationFailed? ToFailure() => _kept.Count == 0 ? null : new ValidationFailed(_kept) { MoreViolations = More };
}

/// <summary>
/// The one reader of request bodies and file rows: reads a JSON object into a contract shape by the shape's own
/// source-generated metadata (its JSON names and types), recording a violation that names the field for every value
/// of the wrong type, so one answer lists every problem. Unknown fields are ignored; an absent or <c>null</c> field
/// stays unset (an absent required string stays empty, so the core's rule names it), except where <c>null</c> means
/// something (<see cref="Optional{T}"/>).
/// </summary>
public static class BodyReader
{
    /// <summary>Reads a JSON object into a shape.</summary>
    /// <typeparam name="T">The shape.</typeparam>
    /// <param name="json">A JSON object.</param>
    /// <param name="shape">The shape's metadata, from <see cref="ExploJson.Context"/>.</param>
    /// <param name="violations">Where wrong fields are recorded.</param>
    /// <param name="prefix">Put before every field name (<c>customers[3].</c> for an import row).</param>
    /// <returns>The shape, with every field that could be read.</returns>
    public static T Read<T>(JsonElement json, JsonTypeInfo<T> shape, WireViolations violations, string prefix = "")
        where T : class
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(violations);
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The reader reads JSON objects; check the kind first.", nameof(json));
        }

        var body = (T)(shape.CreateObject ?? throw new InvalidOperationException($"{typeof(T).Name} has no parameterless constructor."))();
        foreach (var property in shape.Properties)
        {
            if (property.Set is not { } set)
            {
                continue;
            }

            var present = json.TryGetProperty(property.Name, out var value);
            if (!present || value.ValueKind == JsonValueKind.Null)
            {
                if (property.PropertyType == typeof(Optional<string?>) && present)
                {
                    set(body, new Optional<string?>(null));
                }
                else if (property.IsRequired && property.PropertyType != typeof(string))
                {
                    violations.Add(new Violation(ErrorCodes.InvalidType, prefix + property.Name, $"{property.Name} must be {Expected(property.PropertyType)}; it is missing."));
                }

                continue;
            }

            if (ReadValue(property.Name, property.PropertyType, value, violations, prefix) is { } read)
            {
                set(body, read);
            }
        }

        return body;
    }

    /// <summary>What a field of a type must be, as messages say it.</summary>
    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool?) => "true or false",
        _ when type == typeof(long?) => "a whole number",
        _ when type == typeof(IReadOnlyList<string>) => "an array of strings",
        _ when type == typeof(OrderedMap<JsonElement>) => "a JSON object",
        _ when type == typeof(OrderedMap<string>) => "a JSON object of schema id to data source id",
        _ when type == typeof(Optional<string?>) => "a string or null",
        _ when type == typeof(IReadOnlyList<CreateCustomerBody>) => "an array of customer objects",
        _ => throw new NotSupportedException($"The body reader has no rule for fields of type {type.Name}."),
    };

    /// <summary>A field's value, or null (and a violation) when it has the wrong type.</summary>
    private static object? ReadValue(string name, Type type, JsonElement value, WireViolations violations, string prefix)
    {
        object? WrongType(string field, string expected, JsonElement got)
        {
            violations.Add(new Violation(ErrorCodes.InvalidType, prefix + field, $"{field} must be {expected}; it is {Describe(got)}."));
            return null;
        }

        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? value.GetString() : WrongType(name, Expected(type), value);
        }

        if (type == typeof(bool?))
        {
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when value.TryGetInt32(out var n) && n is 0 or 1 => n == 1,
                _ => WrongType(name, Expected(type), value),
            };
        }

        if (type == typeof(long?))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : WrongType(name, Expected(type), value);
        }

        if (type == typeof(Optional<string?>))
        {
            return value.ValueKind == JsonValueKind.String ? new Optional<string?>(value.GetString()) : WrongType(name, Expected(type), value);
        }

        if (type == typeof(OrderedMap<JsonElement>))
        {
            return value.ValueKind == JsonValueKind.Object ? PropertyMap.FromJsonObject(value) : WrongType(name, Expected(type), value);
        }

        if (type == typeof(IReadOnlyList<string>))
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return WrongType(name, Expected(type), value);
            }

            var items = new List<string>(value.GetArrayLength());
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    items.Add(item.GetString()!);
                }
                else
                {
                    WrongType($"{name}[{i}]", "a string", item);
                }

                i++;
            }

            return items;
        }

        if (type == typeof(OrderedMap<string>))
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return WrongType(name, Expected(type), value);
            }

            var entries = new List<KeyValuePair<string, string>>();
            foreach (var member in value.EnumerateObject())
            {
                if (WireValues.DataSourceId(member.Value) is { } source)
                {
                    entries.Add(KeyValuePair.Create(member.Name, source));
                }
                else
                {
                    WrongType($"{name}.{member.Name}", "a data source id (a string)", member.Value);
                }
            }

            return OrderedMap<string>.From(entries);
        }

        if (type == typeof(IReadOnlyList<CreateCustomerBody>))
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return WrongType(name, Expected(type), value);
            }

            var rows = new List<CreateCustomerBody>(value.GetArrayLength());
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    rows.Add(Read(item, ExploJson.Context.CreateCustomerBody, violations, $"{prefix}{name}[{i}]."));
                }
                else
                {
                    WrongType($"{name}[{i}]", "an object", item);
                }

                i++;
            }

            return rows;
        }

        return WrongType(name, Expected(type), value);
    }

    /// <summary>A JSON value's kind, as messages say it.</summary>
    /// <param name="value">The value.</param>
    /// <returns>"a string", "an array", "null", ...</returns>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
