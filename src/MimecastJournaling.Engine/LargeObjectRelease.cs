namespace MimecastJournaling.Engine;

/// <summary>
/// Parsing, hashing, compressing or indexing a large message leaves several copies of it on the
/// large object heap, and the GC, with memory to spare, keeps them for a long time. After a batch
/// that read at least <see cref="BatchBytes"/>, give that memory back at once, so a run of 25 MB
/// reports does not grow the process (the spool processor and the search indexer both do).
/// Aggressive: the freed regions go back to the system now, not over the next minutes, so the
/// next large message (the indexer reads the original the processor just archived) reuses the
/// memory instead of adding to the peak.
/// </summary>
internal static class LargeObjectRelease
{
    public const long BatchBytes = 8 * 1024 * 1024;

    public static void After(long bytesRead)
    {
        if (bytesRead >= BatchBytes)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}
