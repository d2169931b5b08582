using System.Net;
using MimecastJournaling.Engine.Security;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Slows password guessing per source address: every failed AUTH is answered after a delay that
/// doubles with the address's recent failures (0.25 s, 0.5 s, … at most 8 s); after
/// <see cref="ListenerOptions.AuthenticationFailuresBeforeLockout"/> failures the address is
/// locked out (every AUTH answered 454 4.7.0) for <see cref="ListenerOptions.AuthenticationLockout"/>.
/// Also bounds the PBKDF2 work: at most <see cref="ConcurrentHashes"/> checks run at once, so a
/// flood of AUTH attempts queues instead of taking every core from the listener.
/// </summary>
internal sealed class AuthenticationThrottle
{
    internal static readonly int ConcurrentHashes = Math.Max(1, Environment.ProcessorCount / 2);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);
    private const int MaxTrackedSources = 10_000;

    // A hash of a random password: checking a wrong user name against it costs what a real check costs.
    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString("n")));

    private readonly int _failuresBeforeLockout;
    private readonly TimeSpan _lockout;
    private readonly TimeProvider _clock;
    private readonly Dictionary<IPAddress, Failures> _sources = new();
    private readonly SemaphoreSlim _hashing = new(ConcurrentHashes, ConcurrentHashes);

    public AuthenticationThrottle(int failuresBeforeLockout, TimeSpan lockout, TimeProvider clock)
    {
        _failuresBeforeLockout = failuresBeforeLockout;
        _lockout = lockout;
        _clock = clock;
    }

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset Last;
        public DateTimeOffset? LockedUntil;
    }

    /// <summary>True while the address is locked out.</summary>
    public bool IsLockedOut(IPAddress source)
    {
        lock (_sources)
        {
            return _sources.TryGetValue(source, out var failures) && failures.LockedUntil is { } until && until > _clock.GetUtcNow();
        }
    }

    /// <summary>Counts a failure; returns how long to wait before answering, and whether this failure started a lockout.</summary>
    public (TimeSpan Delay, bool LockedOut, int Count) Failed(IPAddress source)
    {
        var now = _clock.GetUtcNow();
        lock (_sources)
        {
            if (!_sources.TryGetValue(source, out var failures))
            {
                if (_sources.Count >= MaxTrackedSources)
                {
                    Forget(now);
                }
                failures = new Failures();
                _sources[source] = failures;
            }
            if (now - failures.Last > _lockout && failures.LockedUntil is null)
            {
                // Failures long ago no longer count.
                failures.Count = 0;
            }
            if (failures.LockedUntil is { } until && until <= now)
            {
                failures.Count = 0;
                failures.LockedUntil = null;
            }
            failures.Count++;
            failures.Last = now;
            var lockedOut = false;
            if (failures.Count >= _failuresBeforeLockout && failures.LockedUntil is null)
            {
                failures.LockedUntil = now + _lockout;
                lockedOut = true;
            }
            var delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(failures.Count - 1, 16)));
            return (delay, lockedOut, failures.Count);
        }
    }

    /// <summary>A success clears the address's failures.</summary>
    public void Succeeded(IPAddress source)
    {
        lock (_sources)
        {
            _sources.Remove(source);
        }
    }

    /// <summary>Runs a password check with at most <see cref="ConcurrentHashes"/> at once.</summary>
    public async Task<T> HashAsync<T>(Func<T> check, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(check, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _hashing.Release();
        }
    }

    /// <summary>The cost of one real check, for a user name no definition expects.</summary>
    public static void SpendOneCheck(string password) => PasswordHasher.Verify(password, DummyHash.Value);

    private void Forget(DateTimeOffset now)
    {
        foreach (var (address, failures) in _sources.ToList())
        {
            if (failures.LockedUntil is null || failures.LockedUntil <= now)
            {
                _sources.Remove(address);
            }
        }
    }
}
