namespace MimecastJournaling.Engine;

/// <summary>
/// A listener-wide budget for the bytes of messages held whole in memory at once after their 250:
/// the spool processor reserves a batch's size before it reads the batch from the spool, the search
/// indexer an original's size before it reads the original from the archive. A reservation that
/// does not fit waits until the others are given back (with their memory: each holder releases
/// only after <see cref="LargeObjectRelease"/>); one larger than the whole budget runs alone. A
/// message is never refused or dropped for the budget: it only waits, and it is in the spool (or
/// the archive) meanwhile.
/// </summary>
public sealed class MessageMemoryBudget
{
    /// <summary>The default: two 25 MB reports at once, one 150 MB report alone.</summary>
    public const long DefaultBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private long _inUse;
    private int _holders;

    public MessageMemoryBudget(long bytes = DefaultBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Limit = bytes;
    }

    /// <summary>The budget in bytes.</summary>
    public long Limit { get; }

    /// <summary>Bytes reserved now.</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>How many reservations had to wait for others to be given back (monitoring and tests).</summary>
    public long Waited => Interlocked.Read(ref _waited);

    private long _waited;

    /// <summary>
    /// Reserves <paramref name="bytes"/>, waiting while they do not fit beside what is reserved
    /// (alone, any size fits). Dispose the lease once the memory is given back.
    /// </summary>
    public IDisposable Reserve(long bytes, CancellationToken cancellationToken = default)
    {
        bytes = Math.Max(0, bytes);
        lock (_gate)
        {
            var counted = false;
            while (_holders > 0 && _inUse + bytes > Limit)
            {
                if (!counted)
                {
                    Interlocked.Increment(ref _waited);
                    counted = true;
                }
                cancellationToken.ThrowIfCancellationRequested();
                // Woken by a release; the timeout only lets cancellation be seen.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(200));
            }
            _inUse += bytes;
            _holders++;
        }
        return new Lease(this, bytes);
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _inUse -= bytes;
            _holders--;
            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Lease(MessageMemoryBudget budget, long bytes) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget.Release(bytes);
            }
        }
    }
}
