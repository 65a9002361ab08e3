using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>
/// The source-generated metadata of every shape of the API. Use <see cref="ExploJson.Context"/>, which carries the
/// wire's options (the converters for properties, mappings, flags and times; unescaped non-ASCII text).
/// </summary>
[JsonSerializable(typeof(CustomerBody))]
[JsonSerializable(typeof(CustomerResponse))]
[JsonSerializable(typeof(GetOrCreateCustomerResponse))]
[JsonSerializable(typeof(CustomerListResponse))]
[JsonSerializable(typeof(CustomerPageResponse))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(GenerateJwtResponse))]
[JsonSerializable(typeof(EventPageResponse))]
[JsonSerializable(typeof(EventBody))]
[JsonSerializable(typeof(GenerateJwtBody))]
[JsonSerializable(typeof(GroupTagResponse))]
[JsonSerializable(typeof(GroupTagListResponse))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(UserGroupResponse))]
[JsonSerializable(typeof(GetOrCreateUserGroupResponse))]
[JsonSerializable(typeof(ImportResponse))]
[JsonSerializable(typeof(ImportRowErrorBody))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(CreateCustomerBody))]
[JsonSerializable(typeof(UpdateCustomerBody))]
[JsonSerializable(typeof(GetCustomerBody))]
[JsonSerializable(typeof(CurrentTokenBody))]
[JsonSerializable(typeof(DeleteCustomerBody))]
[JsonSerializable(typeof(GroupTagNameBody))]
[JsonSerializable(typeof(RenameGroupTagBody))]
[JsonSerializable(typeof(CreateUserGroupBody))]
[JsonSerializable(typeof(UpdateUserGroupBody))]
[JsonSerializable(typeof(ImportCustomersBody))]
[JsonSerializable(typeof(ExportedCustomerBody))]
[JsonSerializable(typeof(ExplainedCustomerBody))]
[JsonSerializable(typeof(List<CreateCustomerBody>))]
public sealed partial class ExploJsonContext : JsonSerializerContext;

/// <summary>The wire's serializer options and context, made once.</summary>
public static class ExploJson
{
    /// <summary>Most nesting the wire reads: properties up to the core's limit (64 by default) inside a few envelopes.</summary>
    public const int MaxDepth = 256;

    /// <summary>The context with the wire's options; every reader and writer of the API's JSON uses it.</summary>
    public static ExploJsonContext Context { get; } = Create();

    /// <summary>The wire's options (bound to <see cref="Context"/>).</summary>
    public static JsonSerializerOptions Options => Context.Options;

    /// <summary>The converters the wire's custom values need; add them to other options that serialize these shapes.</summary>
    /// <returns>New converter instances.</returns>
    public static IReadOnlyList<JsonConverter> Converters() =>
        [new PropertiesConverter(), new MappingConverter(), new FlagConverter(), new TimestampConverter(), new OptionalStringConverter()];

    private static ExploJsonContext Create()
    {
        var options = new JsonSerializerOptions
        {
            // Non-ASCII text is written as itself (UTF-8), as the hosted API does; JSON's own escapes still apply.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = MaxDepth,
        };
        foreach (var converter in Converters())
        {
            options.Converters.Add(converter);
        }

        var context = new ExploJsonContext(options);
        options.MakeReadOnly();
        return context;
    }
}
