using LiteDB;
using LiteDB.Engine;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Opens the LiteDB database on the store's own streams of the file and its log (LiteDB never opens them by name: see
/// <see cref="DatabaseFiles"/>), after sniffing the file's header. LiteDB does not check that an existing file is one
/// of its own before it uses it: it overwrites a short file with a new database, and fails in whatever way another
/// program's file happens to make it fail. So a non-empty file must start with LiteDB 5's header (its signature, then
/// file format 8), or it is refused and left exactly as it was; errors past a valid header are reported as a file that
/// can't be read. A new (empty) file gets the binary collation; an existing one is opened as it is and checked by
/// <see cref="SchemaMigrations"/>.
/// </summary>
internal static class StoreHeader
{
    /// <summary>Where LiteDB 5's signature starts in the header page.</summary>
    private const int SignatureAt = 32;

    /// <summary>LiteDB 5's file format, the byte right after the signature.</summary>
    private const byte FileFormat = 8;

    private static ReadOnlySpan<byte> Signature => "** This is a LiteDB file **"u8;

    /// <summary>Opens LiteDB on the files: a new database in an empty file, else the existing one once its header checks.</summary>
    /// <param name="files">The store's open, locked files.</param>
    /// <returns>The database, and its engine.</returns>
    /// <exception cref="ExploStoreException">The file is not a LiteDB 5 database, or LiteDB can't read it.</exception>
    public static (LiteDatabase Database, LiteEngine Engine) Open(DatabaseFiles files)
    {
        var isNew = files.IsNew;
        if (!isNew && !IsLiteDb5(files.Data))
        {
            throw new ExploStoreException($"The database file '{files.Path}' is not a LiteDB 5 database; it was left as it is.");
        }

        try
        {
            var settings = new EngineSettings { DataStream = files.Data, LogStream = files.Log, Collation = isNew ? Collation.Binary : null };
            var engine = new LiteEngine(settings);
            return (new LiteDatabase(engine), engine);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IndexOutOfRangeException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new ExploStoreException($"The database file '{files.Path}' can't be read as a LiteDB database ({DatabaseFiles.OneLine(e.Message)}).", e);
        }
    }

    /// <summary>True when a file starts with LiteDB 5's header page: the signature at byte 32, the file format (8) right after it.</summary>
    /// <param name="data">The file, read from its start and left at its start.</param>
    /// <returns>Whether the header is LiteDB 5's.</returns>
    private static bool IsLiteDb5(Stream data)
    {
        Span<byte> header = stackalloc byte[SignatureAt + Signature.Length + 1];
        data.Position = 0;
        var read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        data.Position = 0;
        return read == header.Length
            && header.Slice(SignatureAt, Signature.Length).SequenceEqual(Signature)
            && header[SignatureAt + Signature.Length] == FileFormat;
    }
}
