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
/// (Get-JournalObjectStore) and retried on the next pass. Several hosts of one store take turns:
/// a round that finds another host's pass holding the lease does nothing.
/// </summary>
internal sealed class WormSyncLoop : ListenerBackgroundLoop
{
    private readonly IJournalStore _store;
    private readonly IJournalArchive _archive;
    private readonly JournalLifecycle _lifecycle;
    private readonly string _node;

    public WormSyncLoop(IJournalStore store, IJournalArchive archive, JournalLifecycle lifecycle, string node, TimeSpan interval) : base(interval)
    {
        _store = store;
        _archive = archive;
        _lifecycle = lifecycle;
        _node = node;
    }

    /// <summary>One sync pass; stopping ends it after the object in hand (the next pass goes on where this one stopped).</summary>
    protected override string? Round(CancellationToken cancel)
    {
        try
        {
            var result = JournalObjectStores.SyncConfigured(_store, _archive, _lifecycle, _node, cancel);
            return result is { Failures.Count: > 0 } ? result.Failures[0] : null;
        }
        catch (WormSyncBusyException)
        {
            // Another host's pass holds the store-wide lease: it does this round's work; this host tries again next round.
            return null;
        }
    }

    protected override void Failed(Exception error)
    {
        try
        {
            JournalObjectStores.RecordSyncError(_store, _node, error.Message, _lifecycle.Clock.GetUtcNow());
        }
        catch (Exception)
        {
            // The store itself is in trouble: the listener's status shows that already.
        }
    }
}
