using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// One SQLite file: pooled connections with the pragmas every store needs, IMMEDIATE write
/// transactions, and one translation of SQLite failures into the engine's error kinds (a busy or
/// full database is "unavailable", so the listener can answer 4xx; a unique clash is "exists").
/// </summary>
internal sealed class SqliteDatabase
{
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(15);

    private readonly string _connectionString;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> WriteTurns = new(StringComparer.Ordinal);
    private readonly object _writeTurn;

    private readonly string _synchronous;

    /// <param name="path">The database file.</param>
    /// <param name="syncAtCheckpointsOnly">
    /// True: commits are not fsync'd (SQLite's synchronous = NORMAL, which in WAL mode syncs at
    /// checkpoints), and the caller makes them durable with <see cref="SyncLog"/>, outside the
    /// write lock, so the next transaction can be written while the last one is synced.
    /// </param>
    public SqliteDatabase(string path, bool syncAtCheckpointsOnly = false)
    {
        _synchronous = syncAtCheckpointsOnly ? "NORMAL" : "FULL";
        Location = Path.GetFullPath(path);
        _writeTurn = WriteTurns.GetOrAdd(Location, _ => new object());
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string Location { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Pragmas belong to the native handle, which the pool keeps between opens: set them once
        // per handle instead of on every open (three statements prepared per query otherwise).
        var handle = connection.Handle!;
        if (!Configured.TryGetValue(handle, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = {_synchronous};";
            pragma.ExecuteNonQuery();
            Configured.AddOrUpdate(handle, Marker);
        }
        return connection;
    }

    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    /// <summary>
    /// Makes every transaction committed so far durable: one fsync of the write-ahead log. (A log
    /// that is gone was checkpointed into the database file, which SQLite synced then.)
    /// </summary>
    public void SyncLog() => Guard(() =>
    {
        try
        {
            using var log = File.OpenHandle(Location + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(log);
        }
        catch (FileNotFoundException)
        {
        }
        catch (IOException e)
        {
            throw new SqliteException($"The spool's log could not be synced to disk: {e.Message}", 10 /* SQLITE_IOERR */);
        }
    });

    /// <summary>
    /// A number-valued query asked very often (the listener's configuration version, at every
    /// RCPT): one connection and one prepared statement, used in turns, reopened after trouble.
    /// </summary>
    public sealed class FrequentScalar(SqliteDatabase database, string sql)
    {
        private readonly object _turn = new();
        private SqliteConnection? _connection;
        private SqliteCommand? _command;

        public long Read() => database.Guard(() =>
        {
            lock (_turn)
            {
                try
                {
                    if (_command is null)
                    {
                        _connection = database.Open();
                        _command = _connection.CreateCommand();
                        _command.CommandText = sql;
                        _command.Prepare();
                    }
                    return (long)_command.ExecuteScalar()!;
                }
                catch
                {
                    _command?.Dispose();
                    _connection?.Dispose();
                    _command = null;
                    _connection = null;
                    throw;
                }
            }
        });
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        Guard(() =>
        {
            using var connection = Open();
            return Query(connection, null, sql, read, parameters);
        });

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction: all of it is durable on return, or none of it.</summary>
    /// <remarks>
    /// Writers in this process take turns on a lock per file before they ask SQLite: a writer that
    /// finds the file locked by SQLite sleeps in its busy handler (1, 2, 5, 10 … ms) even when the
    /// holder commits a moment later, which starved the listener's group commit while the archive
    /// wrote. Other processes still meet the busy timeout.
    /// </remarks>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) =>
        Guard(() =>
        {
            lock (_writeTurn)
            {
                using var connection = Open();
                using var transaction = connection.BeginTransaction(deferred: false);
                var statements = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
                Statements.Add(transaction, statements);
                try
                {
                    var result = work(connection, transaction);
                    transaction.Commit();
                    return result;
                }
                catch
                {
                    EndAfterFailure(connection, transaction);
                    throw;
                }
                finally
                {
                    Statements.Remove(transaction);
                    foreach (var statement in statements.Values)
                    {
                        statement.Dispose();
                    }
                }
            }
        });

    /// <summary>
    /// Rolls back a write that failed. On a full disk or an I/O error SQLite may have rolled the
    /// transaction back itself; rolling back again would fail with "cannot rollback - no
    /// transaction is active" (from the disposal, hiding the real reason, and leaving the
    /// connection half closed). Then an empty transaction is opened for the rollback to end.
    /// </summary>
    private static void EndAfterFailure(SqliteConnection connection, SqliteTransaction transaction)
    {
        try
        {
            if (connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0)
            {
                using var begin = connection.CreateCommand();
                begin.CommandText = "BEGIN";
                begin.ExecuteNonQuery();
            }
            transaction.Rollback();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // The first failure is the one to tell.
        }
    }

    public static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> read,
        params (string Name, object? Value)[] parameters)
    {
        var command = CommandFor(connection, transaction, sql, parameters, out var owned);
        try
        {
            using var reader = command.ExecuteReader();
            var results = new List<T>();
            while (reader.Read())
            {
                results.Add(read(reader));
            }
            return results;
        }
        finally
        {
            if (owned)
            {
                command.Dispose();
            }
        }
    }

    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = CommandFor(connection, transaction, sql, parameters, out var owned);
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            if (owned)
            {
                command.Dispose();
            }
        }
    }

    public static long InsertReturningId(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        (long)Query(connection, transaction, sql + " RETURNING id", r => r.GetInt64(0), parameters).Single();

    // The statements of a Write transaction stay prepared until it ends: an archive batch runs the
    // same dozen statements for every report, and preparing them each time was a tenth of the
    // listener's CPU.
    private static readonly ConditionalWeakTable<SqliteTransaction, Dictionary<string, SqliteCommand>> Statements = new();

    private static SqliteCommand CommandFor(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        (string Name, object? Value)[] parameters, out bool owned)
    {
        SqliteCommand command;
        if (transaction is not null && Statements.TryGetValue(transaction, out var statements))
        {
            if (!statements.TryGetValue(sql, out command!))
            {
                command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                statements[sql] = command;
            }
            command.Parameters.Clear();
            owned = false;
        }
        else
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            owned = true;
        }
        Bind(command, parameters);
        return command;
    }

    private static void Bind(SqliteCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    public T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw new JournalConfigurationException("StoreConstraintViolation", JournalErrorKind.AlreadyExists,
                "The change clashes with an existing entry (another session may have made it first). Read the current state and try again.", Location, e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 /* BUSY, LOCKED */)
        {
            throw new JournalConfigurationException("StoreBusy", JournalErrorKind.ResourceUnavailable,
                $"The store '{Location}' stayed locked by another process for {BusyTimeout.TotalSeconds:0} seconds. Try again.", Location, e);
        }
        catch (SqliteException e)
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable,
                $"The store '{Location}' cannot be used: {e.Message}", Location, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable,
                $"The store '{Location}' cannot be opened: {e.Message}", Location, e);
        }
    }

    public void Guard(Action action) => Guard(() =>
    {
        action();
        return true;
    });

    /// <summary>Creates the folder (0700) and an empty file (0600) before SQLite does, so the file is never world-readable.</summary>
    public void CreateFilePrivately()
    {
        var directory = Path.GetDirectoryName(Location)!;
        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            if (!File.Exists(Location))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var _ = new FileStream(Location, options);
            }
        }
        catch (IOException) when (File.Exists(Location))
        {
            // Another process created it at the same moment: fine.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable,
                $"The store '{Location}' cannot be created: {e.Message}", Location, e);
        }
    }

    public static string Key(string value) => value.ToLowerInvariant();

    public static string? FormatTime(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : DateTimeOffset.Parse(r.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string? GetStringOrNull(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
