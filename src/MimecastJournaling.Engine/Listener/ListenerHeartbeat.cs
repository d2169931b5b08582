using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Keeps a running listener's record in the store: written at start, refreshed every interval
/// with its counters, removed at stop. Store trouble never stops the listener; a record that
/// cannot be refreshed turns stale, which is what readers should see.
/// </summary>
internal sealed class ListenerHeartbeat
{
    private readonly IJournalStore _store;
    private readonly Func<ListenerRecord> _describe;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Action? _onBeat;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private Guid _id;

    /// <param name="onBeat">Periodic work of a running listener (the inactivity check); its failures are ignored like the beat's.</param>
    public ListenerHeartbeat(IJournalStore store, Func<ListenerRecord> describe, TimeSpan interval, TimeProvider clock, Action? onBeat = null)
    {
        _onBeat = onBeat;
        _store = store;
        _describe = describe;
        _interval = interval;
        _clock = clock;
    }

    /// <summary>Writes the first record now (so other sessions see the listener at once), then beats in the background.</summary>
    public void Start()
    {
        var record = _describe();
        _id = record.Id;
        Beat(record);
        _loop = RunAsync();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        try
        {
            _store.RemoveListener(_id);
        }
        catch (Exception)
        {
            // The record stays and turns stale, which readers show as such.
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Beat(_describe());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Beat(ListenerRecord record)
    {
        try
        {
            _store.UpsertListener(record);
            _onBeat?.Invoke();
        }
        catch (Exception)
        {
            // Busy or unavailable store: the next beat tries again.
        }
    }
}
