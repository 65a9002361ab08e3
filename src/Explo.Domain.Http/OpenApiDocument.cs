namespace Explo.Domain.Http;

/// <summary>The OpenAPI 3.0 document of the API, served at <c>/openapi/v1.json</c>.</summary>
internal static class OpenApiDocument
{
    public static string Json { get; } = Build();

    private static string Build() => "{}";
}
