namespace Explo.Client;

/// <summary>The server answered in a way the client can't turn into a result (a 5xx, an unexpected status or body).</summary>
public sealed class ExploClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="statusCode">The HTTP status, if any.</param>
    /// <param name="inner">The underlying error.</param>
    public ExploClientException(string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner) => StatusCode = statusCode;

    /// <summary>The HTTP status the server answered, if any.</summary>
    public int? StatusCode { get; }
}
