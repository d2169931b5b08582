using System.Threading.Channels;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Group commit: sessions hand their messages to one writer, which stores everything that is
/// waiting in one durable transaction and then completes each session's task. Concurrent DATA
/// commands therefore share one fsync instead of queueing for one each.
/// </summary>
internal sealed class SpoolWriter
{
    private const int MaxBatchCount = 64;
    private const long MaxBatchBytes = 256L * 1024 * 1024;

    private readonly IMessageSpool _spool;
    private readonly SpoolLength _length;
    private readonly Action _committed;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public SpoolWriter(IMessageSpool spool, SpoolLength length, Action committed)
    {
        _spool = spool;
        _length = length;
        _committed = committed;
        _loop = Task.Run(RunAsync);
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

    /// <summary>Stores what is queued already, then stops.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
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
            try
            {
                var ids = _spool.Append(batch.Select(p => p.Entry).ToList());
                _length.Add(ids.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(ids[i]);
                }
                _committed();
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private sealed class Pending(SpoolEntry entry)
    {
        public SpoolEntry Entry { get; } = entry;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
