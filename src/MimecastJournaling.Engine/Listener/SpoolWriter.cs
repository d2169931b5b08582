using System.Threading.Channels;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Group commit: sessions hand their messages to one writer, which stores everything that is
/// waiting in one transaction; a second loop then makes the committed groups durable with one
/// fsync and completes each session's task. Concurrent DATA commands share one fsync instead of
/// queueing for one each, and the next group is written while the last one is synced.
/// </summary>
internal sealed class SpoolWriter
{
    private const int MaxBatchCount = 64;
    private const long MaxBatchBytes = 256L * 1024 * 1024;

    private readonly IMessageSpool _spool;
    private readonly SpoolLength _length;
    private readonly Action _committed;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(Pending Pending, long Id)> _unsynced = Channel.CreateUnbounded<(Pending, long)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _writeLoop;
    private readonly Task _syncLoop;

    public SpoolWriter(IMessageSpool spool, SpoolLength length, Action committed)
    {
        _spool = spool;
        _length = length;
        _committed = committed;
        _writeLoop = Task.Run(WriteAsync);
        _syncLoop = Task.Run(SyncAsync);
    }

    /// <summary>Completes with the spool id once the entry is durable; faults when it could not be stored.</summary>
    public Task<long> AppendAsync(SpoolEntry entry)
    {
        var pending = new Pending(entry);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The spool writer has stopped.");
        }
        return pending.Completion.Task;
    }

    /// <summary>Stores and syncs what is queued already, then stops.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _writeLoop.ConfigureAwait(false);
        await _syncLoop.ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var batch = new List<Pending>();
                long bytes = 0;
                while (batch.Count < MaxBatchCount && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    bytes += next.Entry.Size;
                }
                IReadOnlyList<long> ids;
                try
                {
                    ids = _spool.Append(batch.Select(p => p.Entry).ToList());
                }
                catch (Exception e)
                {
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(e);
                    }
                    continue;
                }
                _length.Add(ids.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    _unsynced.Writer.TryWrite((batch[i], ids[i]));
                }
            }
        }
        finally
        {
            _unsynced.Writer.TryComplete();
        }
    }

    private async Task SyncAsync()
    {
        var committed = new List<(Pending Pending, long Id)>();
        while (await _unsynced.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            committed.Clear();
            while (_unsynced.Reader.TryRead(out var next))
            {
                committed.Add(next);
            }
            try
            {
                // Every group committed before this call is on the disk when it returns.
                _spool.Sync();
            }
            catch (Exception e)
            {
                // Not answered 250: the sender retries, and the archive keeps one copy of a report
                // (the stored one comes round as a duplicate).
                foreach (var (pending, _) in committed)
                {
                    pending.Completion.TrySetException(e);
                }
                continue;
            }
            foreach (var (pending, id) in committed)
            {
                pending.Completion.TrySetResult(id);
            }
            _committed();
        }
    }

    private sealed class Pending(SpoolEntry entry)
    {
        public SpoolEntry Entry { get; } = entry;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
