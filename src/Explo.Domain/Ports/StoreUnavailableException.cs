namespace Explo.Domain.Ports;

/// <summary>
/// The store can't be reached or used right now (a database server that is down or restarting, a lost connection,
/// a refused login): nothing of the request was applied, and the same request may succeed later. The message is one
/// sentence naming the store, for its operator; an HTTP adapter answers 503 without it.
/// </summary>
public class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the store.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public StoreUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
