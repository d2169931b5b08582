using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.ObjectStorage;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The listener's WORM sync, beside the archive and never on the SMTP path: at start and on a timer,
/// when an object store is set (Set-JournalObjectStore, read again every pass), one
/// <see cref="JournalObjectStores.SyncConfigured"/> pass copies new originals to the bucket and
/// brings retain-until and legal holds up to date. Trouble is recorded in the sync status
/// (Get-JournalObjectStore) and retried on the next pass.
/// </summary>
internal sealed class WormSyncLoop
{
    private readonly IJournalStore _store;
    private readonly IJournalArchive _archive;
    private readonly JournalLifecycle _lifecycle;
    private readonly string _node;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public WormSyncLoop(IJournalStore store, IJournalArchive archive, JournalLifecycle lifecycle, string node, TimeSpan interval)
    {
        _store = store;
        _archive = archive;
        _lifecycle = lifecycle;
        _node = node;
        _interval = interval;
    }

    /// <summary>The last pass's trouble (null when it worked or no object store is set).</summary>
    public string? LastError { get; private set; }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Stops after the object in hand (the next pass goes on where this one stopped).</summary>
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
                var result = JournalObjectStores.SyncConfigured(_store, _archive, _lifecycle, _node, _stop.Token);
                LastError = result is { Failures.Count: > 0 } ? result.Failures[0] : null;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                try
                {
                    JournalObjectStores.RecordSyncError(_store, _node, e.Message, _lifecycle.Clock.GetUtcNow());
                }
                catch (Exception)
                {
                    // The store itself is in trouble: the listener's status shows that already.
                }
            }
            try
            {
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
