using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The listener's indexing, beside the archive and never on the SMTP path: after every archived
/// batch (a wake-up), at start (what an earlier run, or a killed one, left unindexed) and on a
/// timer, it indexes the items that have no entry yet. Store trouble is retried on the next round;
/// Get-JournalIndexStatus shows the lag meanwhile.
/// </summary>
internal sealed class SearchIndexLoop : ListenerBackgroundLoop
{
    private readonly JournalIndexer _indexer;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public SearchIndexLoop(JournalIndexer indexer, TimeSpan interval) : base(interval) => _indexer = indexer;

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is pending already.
        }
    }

    /// <summary>Indexes what has no entry yet; stopping ends it after the batch in hand (the rest is indexed on the next start or by Update-JournalIndex).</summary>
    protected override string? Round(CancellationToken cancel)
    {
        _indexer.CatchUp(cancel);
        return null;
    }

    protected override Task WaitAsync(TimeSpan interval, CancellationToken cancel) => _wake.WaitAsync(interval, cancel);
}
