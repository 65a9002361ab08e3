namespace Explo.Domain.LiteDb;

/// <summary>
/// The database file can't be used: its path can't be (empty, a folder, not writable, nor LiteDB's log file beside it),
/// it is held by another store, was written by a newer schema, or is not an Explo file. The message is one sentence
/// naming the file and the problem, fit to print as it is.
/// </summary>
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
