using System.Data;
using System.Net.Sockets;
using MimecastJournaling.Engine.Configuration;
using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// One PostgreSQL database through one pooled Npgsql data source (no multiplexing): short
/// transactions at READ COMMITTED, row locks where two hosts could meet, and one translation of
/// failures into the engine's error kinds (unreachable or shutting down: "unavailable", so the
/// listener answers 4xx; a unique clash: "exists"; no privilege: "invalid operation").
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(PostgresLocation location)
    {
        Location = location.Display;
        _source = NpgsqlDataSource.Create(location.ConnectionString);
        _unpooled = new Lazy<NpgsqlDataSource>(() =>
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(location.ConnectionString) { Pooling = false }.ConnectionString));
    }

    private readonly Lazy<NpgsqlDataSource> _unpooled;

    /// <summary>A connection outside the pool, closed for good when disposed (a long-lived LISTEN must not hold a pooled one).</summary>
    public NpgsqlConnection OpenUnpooled() => _unpooled.Value.OpenConnection();

    /// <summary>For display: no password.</summary>
    public string Location { get; }

    public NpgsqlConnection Open() => _source.OpenConnection();

    private readonly object _watchLock = new();
    private PostgresVersionWatch? _versionWatch;
    private int _watchers;

    /// <summary>The LISTEN on version moves while a long-lived reader holds it (<see cref="WatchVersions"/>); null otherwise.</summary>
    public PostgresVersionWatch? VersionWatch => Volatile.Read(ref _versionWatch);

    /// <summary>
    /// Holds the one LISTEN of this database object on version moves (started by the first holder);
    /// disposing the last hold stops it and gives its connection back.
    /// </summary>
    public IDisposable WatchVersions()
    {
        lock (_watchLock)
        {
            if (_watchers++ == 0)
            {
                Volatile.Write(ref _versionWatch, new PostgresVersionWatch(this));
            }
        }
        return new WatchHold(this);
    }

    private void Release()
    {
        PostgresVersionWatch? stopped = null;
        lock (_watchLock)
        {
            if (--_watchers == 0)
            {
                stopped = _versionWatch;
                Volatile.Write(ref _versionWatch, null);
            }
        }
        stopped?.Dispose();
    }

    private sealed class WatchHold(PostgresDatabase database) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                database.Release();
            }
        }
    }

    public void Dispose()
    {
        lock (_watchLock)
        {
            _versionWatch?.Dispose();
            _versionWatch = null;
        }
        _source.Dispose();
        if (_unpooled.IsValueCreated)
        {
            _unpooled.Value.Dispose();
        }
    }

    public List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        Read(connection => Query(connection, null, sql, read, parameters));

    /// <summary>Reads on one connection (no transaction of its own).</summary>
    public T Read<T>(Func<NpgsqlConnection, T> read) =>
        Guard(() =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var connection = Open();
                    return read(connection);
                }
                catch (Exception e) when (attempt == 1 && IsBrokenConnection(e))
                {
                    // A pooled connection that died with the server (a restart, a failover): once more on a new one.
                    _source.Clear();
                }
            }
        });

    /// <summary>The connection broke (not an error PostgreSQL answered): a pooled connection from before a server restart.</summary>
    private static bool IsBrokenConnection(Exception e) => e is NpgsqlException and not PostgresException
        || e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow };

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is committed (and durable) on return, or none of it.</summary>
    /// <remarks>
    /// A deadlock or serialization failure between two hosts is retried a few times, as PostgreSQL
    /// advises; a pooled connection found broken before the commit is replaced once.
    /// </remarks>
    public T Write<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work) =>
        Guard(() =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var committing = false;
                try
                {
                    using var connection = Open();
                    using var transaction = connection.BeginTransaction();
                    var result = work(connection, transaction);
                    committing = true;
                    transaction.Commit();
                    return result;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
                {
                    Thread.Sleep(Random.Shared.Next(5, 50) * attempt);
                }
                catch (Exception e) when (attempt == 1 && !committing && IsBrokenConnection(e))
                {
                    // Broken before the commit was sent, so nothing was committed: once more on a new
                    // connection. A break during the commit is not retried (it may have committed).
                    _source.Clear();
                }
            }
        });

    public static List<T> Query<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read,
        params (string Name, object? Value)[] parameters) =>
        Query(connection, transaction, sql, read, CommandBehavior.Default, parameters);

    /// <summary>
    /// As <see cref="Query{T}(string, Func{NpgsqlDataReader, T}, ValueTuple{string, object?}[])"/>, for rows that
    /// carry a large bytea (a message): each row is read column by column as it arrives
    /// (<see cref="CommandBehavior.SequentialAccess"/>), so <paramref name="read"/> must read the columns in
    /// their order, each once. Read whole, Npgsql first takes a row larger than its read buffer into a buffer
    /// of its own (the row's size rounded up to a power of two), and the pooled connection keeps that buffer
    /// after the row is read: a 150 MB message left 256 MB behind on each connection that read it.
    /// </summary>
    public List<T> QuerySequential<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        Read(connection => Query(connection, null, sql, read, CommandBehavior.SequentialAccess, parameters));

    /// <summary>As <see cref="QuerySequential{T}(string, Func{NpgsqlDataReader, T}, ValueTuple{string, object?}[])"/>, on a connection (and transaction) of the caller's.</summary>
    public static List<T> QuerySequential<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read,
        params (string Name, object? Value)[] parameters) =>
        Query(connection, transaction, sql, read, CommandBehavior.SequentialAccess, parameters);

    private static List<T> Query<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read,
        CommandBehavior behavior, (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader(behavior);
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }
        return results;
    }

    public static int Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static T Scalar<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return (T)command.ExecuteScalar()!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Parameter(name, value));
        }
        return command;
    }

    /// <summary>One statement of an <see cref="NpgsqlBatch"/> (several statements in one round trip), its parameters as <see cref="Query{T}(NpgsqlConnection, NpgsqlTransaction?, string, Func{NpgsqlDataReader, T}, ValueTuple{string, object?}[])"/> takes them.</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Parameter(name, value));
        }
        return command;
    }

    private static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        null => new NpgsqlParameter(name, DBNull.Value),
        DateTimeOffset time => new NpgsqlParameter(name, time.ToUniversalTime()),
        _ => new NpgsqlParameter(name, value),
    };

    public T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new JournalConfigurationException("StoreConstraintViolation", JournalErrorKind.AlreadyExists,
                "The change clashes with an existing entry (another session may have made it first). Read the current state and try again.", Location, e);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            throw new JournalConfigurationException("StorePermissionDenied", JournalErrorKind.InvalidOperation,
                $"The PostgreSQL role cannot make this change in '{Location}': {e.MessageText}. Use a role with write access (README: what a PostgreSQL role needs).", Location, e);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("28", StringComparison.Ordinal))
        {
            throw new JournalConfigurationException("StoreAuthenticationFailed", JournalErrorKind.ConnectionError,
                $"PostgreSQL refused the sign-in to '{Location}': {e.MessageText}. Check the user name and the password (PGPASSWORD or .pgpass).", Location, e);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException or InvalidOperationException { Source: "Npgsql" })
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable,
                $"The store '{Location}' cannot be used: {PostgresLocation.Redact(e.Message)}", Location, e);
        }
    }

    public void Guard(Action action) => Guard(() =>
    {
        action();
        return true;
    });

    public static DateTimeOffset? GetTime(NpgsqlDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>The lower-case key the store compares names by (the same as the SQLite store's).</summary>
    public static string Key(string value) => SqliteDatabase.Key(value);

    public static string? GetStringOrNull(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
