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
public sealed class SqliteDatabase
{
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(15);

    private readonly string _connectionString;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> WriteTurns = new(StringComparer.Ordinal);
    private readonly object _writeTurn;

    public SqliteDatabase(string path)
    {
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
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
            pragma.ExecuteNonQuery();
            Configured.AddOrUpdate(handle, Marker);
        }
        return connection;
    }

    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

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
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            }
        });

    public static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> read,
        params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        using var reader = command.ExecuteReader();
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }
        return results;
    }

    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        return command.ExecuteNonQuery();
    }

    public static long InsertReturningId(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql + " RETURNING id";
        Bind(command, parameters);
        return (long)command.ExecuteScalar()!;
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
