namespace MimecastJournaling.Engine;

/// <summary>
/// Parsing, hashing, compressing or indexing a large message leaves several copies of it on the
/// large object heap, and the GC, with memory to spare, keeps them for a long time. After a batch
/// that read at least <see cref="BatchBytes"/>, give that memory back at once, so a run of 25 MB
/// reports does not grow the process (the spool processor and the search indexer both do).
/// </summary>
internal static class LargeObjectRelease
{
    public const long BatchBytes = 8 * 1024 * 1024;

    public static void After(long bytesRead)
    {
        if (bytesRead >= BatchBytes)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }
}
