using System.Text.Json;
using Explo.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Explo.Domain.Http;

/// <summary>
/// The generated OpenAPI document's Explo parts: the schemas of the contract's custom values (which its converters
/// write, so the generator can't see them), the query parameters of the lists, and a sentence for each error status.
/// </summary>
internal static class ExploOpenApi
{
    /// <summary>The document's name: it is served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>What each error status of the API means.</summary>
    private static readonly Dictionary<int, string> ErrorDescriptions = new()
    {
        [StatusCodes.Status400BadRequest] = "The body or the query is invalid (malformed JSON, a wrong type, a broken rule): every problem is listed, each naming its field.",
        [StatusCodes.Status401Unauthorized] = "The API token is missing, unknown or malformed (checked before the body is read).",
        [StatusCodes.Status403Forbidden] = "The API token may not do this (a read-only token on a write).",
        [StatusCodes.Status404NotFound] = "Something the request names does not exist (or is not visible to the token).",
        [StatusCodes.Status405MethodNotAllowed] = "Another method is expected (see Allow), or the path lacks its trailing slash.",
        [StatusCodes.Status408RequestTimeout] = "The body arrived too slowly.",
        [StatusCodes.Status409Conflict] = "The request conflicts with the current state (a name or id in use, a customer with children), or a request with the same Idempotency-Key is still running.",
        [StatusCodes.Status412PreconditionFailed] = "The customer is not at the version If-Match (or expected_version) names; nothing was changed. The message names the current version.",
        [StatusCodes.Status413PayloadTooLarge] = "The body is over the limit (1 MiB by default).",
        [StatusCodes.Status422UnprocessableEntity] = "The Idempotency-Key was used, within its lifetime, for another request (another body, path or method); nothing was changed.",
        [StatusCodes.Status415UnsupportedMediaType] = "The Content-Type names a charset other than UTF-8.",
        [StatusCodes.Status429TooManyRequests] = "Too many requests for this token (or, without a valid token, this address); see Retry-After.",
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = "The request's headers are over 32 KiB.",
        [StatusCodes.Status500InternalServerError] = "The server failed; the cause is in its log, never in the answer.",
        [StatusCodes.Status503ServiceUnavailable] = "The store can't be reached right now (nothing was applied); see Retry-After.",
    };

    /// <summary>Configures the document.</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Explo-compatible API";
            document.Info.Description = "The hosted Explo API's customer, group tag and user group endpoints. Every request carries `Explo-Authorization: Token <secret>`.";

            // Routing drops a pattern's trailing slash; every path of this API has one (and is answered 405 without).
            var paths = new OpenApiPaths();
            foreach (var (path, item) in document.Paths)
            {
                paths[ExploEndpointTable.At(new PathString(path)) is { } endpoint ? endpoint.Path : path] = item;
            }

            document.Paths = paths;
            return Task.CompletedTask;
        });

        // The contract's maps and optional values are described where they are used, not as components of their own.
        options.CreateSchemaReferenceId = type =>
            type.Type.IsGenericType && type.Type.GetGenericTypeDefinition() is var generic && (generic == typeof(OrderedMap<>) || generic == typeof(Optional<>))
                ? null
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            Describe(schema, context.JsonTypeInfo.Type);

            // The contract writes its numbers as numbers (the host's web defaults would also read them from strings).
            var number = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (context.JsonPropertyInfo?.DeclaringType.Assembly == typeof(ExploJson).Assembly && (number == typeof(int) || number == typeof(long)))
            {
                schema.Type = context.JsonTypeInfo.Type == number ? JsonSchemaType.Integer : JsonSchemaType.Integer | JsonSchemaType.Null;
                schema.Pattern = null;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var endpoint = context.Description.ActionDescriptor.EndpointMetadata.OfType<ExploEndpoint>().FirstOrDefault();
            foreach (var name in endpoint?.Query ?? [])
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Description = QueryDescription(name),
                    Schema = new OpenApiSchema { Type = name is "page" or "page_size" or "pageSize" ? JsonSchemaType.Integer : JsonSchemaType.String },
                });
            }

            if (endpoint is { Body: not null })
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = FieldNames.IdempotencyKey,
                    In = ParameterLocation.Header,
                    Description = endpoint.Writes
                        ? "1 to 255 printable ASCII characters. The first request with a key runs and its answer is kept (24 hours by default) with its change; a repeat with the same body gets that answer again, with Idempotent-Replayed: true, and changes nothing."
                        : "Accepted and checked; a read is answered anew every time.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotentRequest.MaxKeyLength },
                });
            }

            if (endpoint is { Conditional: true })
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = EntityTags.IfMatchHeader,
                    In = ParameterLocation.Header,
                    Description = "Apply only if the customer is at this version: the ETag of an earlier answer (\"7\"), or * for any.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status == "200" && response is OpenApiResponse ok && endpoint is { } described)
                {
                    if (OneCustomer(described.Response))
                    {
                        ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        ok.Headers["ETag"] = new OpenApiHeader
                        {
                            Description = "The customer's version as a strong entity tag (\"7\"), for If-Match.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        };
                    }

                    if (described is { Writes: true, Body: not null })
                    {
                        ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        ok.Headers[IdempotentRequests.ReplayedHeader] = new OpenApiHeader
                        {
                            Description = "true when this is the stored answer of an earlier request with the same Idempotency-Key (nothing was changed by this one).",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        };
                    }
                }

                if (int.TryParse(status, out var code) && ErrorDescriptions.TryGetValue(code, out var description) && response is OpenApiResponse concrete)
                {
                    concrete.Description = description;
                }
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>Whether an answer of this shape returns one customer (and so has an <c>ETag</c>).</summary>
    private static bool OneCustomer(Type shape) =>
        shape == typeof(CustomerResponse) || shape == typeof(GetOrCreateCustomerResponse) || shape == typeof(UserGroupResponse) || shape == typeof(GetOrCreateUserGroupResponse);

    private static string QueryDescription(string name) => name switch
    {
        "page" => "The page, from 1 (default 1).",
        "page_size" => "Customers per page, 1 to 1000 (default 20).",
        "pageSize" => "The same as page_size, as the hosted API's examples spell it.",
        "parent_provided_id" => "Only the children of this customer.",
        "cursor" => "The next_cursor of the page before, to read on from it (instead of page): every customer that exists for the whole walk comes exactly once.",
        "after" => "The next_cursor of an earlier read of the feed; absent to start at the first event.",
        "limit" => "Events per read, 1 to 1000 (default 100).",
        _ => "Only the customers at this hierarchy level.",
    };

    /// <summary>The schema of a value the contract's converters write.</summary>
    private static void Describe(OpenApiSchema schema, Type type)
    {
        if (type == typeof(OrderedMap<JsonElement>))
        {
            // Any JSON values, kept exactly and in order.
            Reset(schema, JsonSchemaType.Object);
            schema.AdditionalProperties = new OpenApiSchema();
            schema.AdditionalPropertiesAllowed = true;
        }
        else if (type == typeof(OrderedMap<string>))
        {
            Reset(schema, JsonSchemaType.Object);
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
            schema.AdditionalPropertiesAllowed = true;
        }
        else if (type == typeof(Optional<string?>))
        {
            Reset(schema, JsonSchemaType.String | JsonSchemaType.Null);
        }
        else if (type == typeof(bool))
        {
            Reset(schema, JsonSchemaType.Boolean);
        }
        else if (type == typeof(bool?))
        {
            Reset(schema, JsonSchemaType.Boolean | JsonSchemaType.Null);
        }
        else if (type == typeof(DateTimeOffset))
        {
            Reset(schema, JsonSchemaType.String);
            schema.Format = "date-time";
        }
    }

    private static void Reset(OpenApiSchema schema, JsonSchemaType type)
    {
        schema.Type = type;
        schema.Format = null;
        schema.Properties = null;
        schema.Items = null;
        schema.AdditionalProperties = null;
        schema.AnyOf = null;
        schema.OneOf = null;
        schema.Pattern = null;
    }
}
