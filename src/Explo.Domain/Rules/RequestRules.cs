namespace Explo.Domain.Rules;

/// <summary>The subject of the request-envelope limits, which transports (the HTTP adapter) check before parsing further.</summary>
/// <param name="BodyBytes">The request body's size in bytes.</param>
/// <param name="JsonDepth">The deepest nesting of the body's JSON (0 when not measured).</param>
/// <param name="Limits">The limits in force.</param>
public sealed record RequestEnvelope(long BodyBytes, int JsonDepth, ExploLimits Limits);

/// <summary>Limit: a request body is at most 1 MiB (by default).</summary>
internal sealed class BodySizeWithinLimit : Rule<RequestEnvelope>
{
    public override string Code => "request_body_too_large";

    public override IEnumerable<Violation> Check(RequestEnvelope subject)
    {
        if (subject.BodyBytes > subject.Limits.MaxRequestBodyBytes)
        {
            yield return Broken("body", $"The request body is {subject.BodyBytes} bytes; the maximum is {subject.Limits.MaxRequestBodyBytes} bytes.");
        }
    }
}

/// <summary>Limit: JSON nesting is at most 64 levels (by default).</summary>
internal sealed class JsonDepthWithinLimit : Rule<RequestEnvelope>
{
    public override string Code => "json_too_deep";

    public override IEnumerable<Violation> Check(RequestEnvelope subject)
    {
        if (subject.JsonDepth > subject.Limits.MaxJsonDepth)
        {
            yield return Broken("body", $"The request body's JSON is nested {subject.JsonDepth} levels deep; the maximum is {subject.Limits.MaxJsonDepth}.");
        }
    }
}
