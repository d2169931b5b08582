using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The listener's indexing, beside the archive and never on the SMTP path: after every archived
/// batch (a wake-up), at start (what an earlier run, or a killed one, left unindexed) and on a
/// timer, it indexes the items that have no entry yet. Store trouble is retried on the next round;
/// Get-JournalIndexStatus shows the lag meanwhile.
/// </summary>
internal sealed class SearchIndexLoop
{
    private readonly JournalIndexer _indexer;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public SearchIndexLoop(JournalIndexer indexer, TimeSpan interval)
    {
        _indexer = indexer;
        _interval = interval;
    }

    /// <summary>The last round's store trouble (null when the last round worked).</summary>
    public string? LastError { get; private set; }

    public void Start() => _loop = Task.Run(RunAsync);

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

    /// <summary>Stops after the batch in hand (the rest is indexed on the next start or by Update-JournalIndex).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                _indexer.CatchUp(_stop.Token);
                LastError = null;
            }
            catch (Exception e)
            {
                LastError = e.Message;
            }
            try
            {
                await _wake.WaitAsync(_interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
