using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// Lets a long-lived reader (a listener) answer "has the configuration or the directory moved?"
/// from memory instead of with a query for every SMTP command. Every change that moves a version
/// (<c>UPDATE store_versions</c>) also sends <see cref="Channel"/> in its transaction, which
/// PostgreSQL delivers at the commit to every host that LISTENs; this class LISTENs on one
/// connection of its own and forgets what it knows at each notification.
/// </summary>
/// <remarks>
/// A version is answered from memory only while the LISTEN connection is up, only if it was read
/// after the LISTEN began and after the last notification, and for at most <see cref="MaxAge"/>
/// (a writer that does not notify, or a connection that died without an error, costs at most that
/// much delay). A move committed through the same database object is known at once. Otherwise it is read from the database as before. A notification travels in about
/// a millisecond on a LAN; until it arrives a host answers from the version before the change, as
/// any host did that read the version just before the commit.
/// </remarks>
internal sealed class PostgresVersionWatch : IDisposable
{
    /// <summary>The notification channel of version moves (the payload is the version's name).</summary>
    public const string Channel = "mimecastjournaling_store_versions";

    /// <summary>The statement that sends the notification of version <c>@n</c> (inside the change's transaction).</summary>
    public const string NotifySql = "SELECT pg_notify('" + Channel + "', @n)";

    /// <summary>How long a version is answered from memory at most without reading it again.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(5);

    /// <summary><see cref="DefaultMaxAge"/> unless a test needs to tell a notification from the age limit.</summary>
    internal TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>How long to wait before listening again after the LISTEN connection broke.</summary>
    internal TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the LISTEN connection may be idle before it is checked with a round trip.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);

    private readonly PostgresDatabase _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private long _generation;
    private volatile bool _listening;
    private volatile NpgsqlConnection? _connection;

    public PostgresVersionWatch(PostgresDatabase database)
    {
        _db = database;
        _loop = Task.Run(ListenAsync);
    }

    /// <summary>True while notifications can arrive (for tests and diagnostics).</summary>
    public bool Listening => _listening;

    /// <summary>The PostgreSQL backend pid of the LISTEN connection, or null while there is none (tests break it on purpose).</summary>
    internal int? ListenerProcessId => _listening ? _connection?.ProcessID : null;

    /// <summary>The version <paramref name="name"/>: from memory when that is known to be current, otherwise from <paramref name="read"/>.</summary>
    public long Read(string name, Func<long> read)
    {
        var now = Environment.TickCount64;
        lock (_known)
        {
            if (_listening && _known.TryGetValue(name, out var known) && known.Generation == _generation && now - known.ReadAt < (long)MaxAge.TotalMilliseconds)
            {
                return known.Value;
            }
        }
        // Captured before the read: a notification that comes while it runs makes this value stale at once.
        var generation = Interlocked.Read(ref _generation);
        var listening = _listening;
        var value = read();
        if (listening)
        {
            lock (_known)
            {
                _known[name] = new Known(value, now, generation);
            }
        }
        return value;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends on the cancellation; nothing else is left to do.
        }
        _stop.Dispose();
    }

    /// <summary>A version moved (a notification came, or this process committed a move itself): read each again.</summary>
    public void Moved() => Interlocked.Increment(ref _generation);

    private async Task ListenAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = _db.OpenUnpooled();
                connection.Notification += (_, _) => Moved();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                }
                _connection = connection;
                // What was read before the LISTEN began may have missed a notification.
                Moved();
                _listening = true;
                while (!_stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(IdleCheck, _stop.Token).ConfigureAwait(false))
                    {
                        // Quiet for a while: a round trip finds a connection that died silently.
                        await using var check = new NpgsqlCommand("SELECT 1", connection);
                        await check.ExecuteScalarAsync(_stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The database is unreachable or the connection broke: read every version from
                // the database until the LISTEN is back.
            }
            finally
            {
                _listening = false;
                _connection = null;
                Moved();
            }
            try
            {
                await Task.Delay(ReconnectDelay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private readonly record struct Known(long Value, long ReadAt, long Generation);
}
