namespace Explo.Domain.Postgres;

/// <summary>
/// The PostgreSQL database can't be used: the connection string is malformed, the server can't be reached, the login
/// or a permission is refused, the search path names no schema, or the database holds a newer Explo schema. The message
/// is one sentence naming the database and the problem, fit to print as it is.
/// </summary>
public sealed class PostgresStoreException : Explo.Domain.Ports.StoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the database.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public PostgresStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
