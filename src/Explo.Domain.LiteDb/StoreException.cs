namespace Explo.Domain.LiteDb;

/// <summary>The database file can't be used: held by another process, written by a newer schema, or not an Explo file.</summary>
public sealed class ExploStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ExploStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
