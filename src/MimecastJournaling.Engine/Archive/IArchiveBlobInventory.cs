namespace MimecastJournaling.Engine.Archive;

/// <summary>Which stored bytes a reference names.</summary>
public enum ArchiveBlobKind
{
    Original,
    ClearTextCopy,
    Report,
}

/// <summary>One stored message or report: the item or report that names it and the SHA-256 recorded at ingest (the blob's key).</summary>
public sealed record ArchiveBlobReference(ArchiveBlobKind Kind, long Id, string Hash);

/// <summary>What the integrity check reads from an archive: every reference, and the stored bytes of one hash.</summary>
public interface IArchiveBlobInventory
{
    /// <summary>Every original, clear-text copy and report the archive holds, in a stable order.</summary>
    IReadOnlyList<ArchiveBlobReference> GetBlobReferences();

    /// <summary>
    /// The originals of <paramref name="itemIds"/> and of every other item that shares one of them
    /// (the same content archived twice), in item order: what the WORM lock and the object removal
    /// need without reading the whole inventory.
    /// </summary>
    IReadOnlyList<ArchiveBlobReference> GetOriginalReferences(IReadOnlyCollection<long> itemIds);

    /// <summary>The stored bytes of <paramref name="hash"/>, decoded (null when the archive has no such blob); throws InvalidDataException when they cannot be decoded.</summary>
    byte[]? ReadBlob(string hash);
}
