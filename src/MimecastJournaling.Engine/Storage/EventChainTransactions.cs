using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Configuration;
using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>The chain's primitives on SQLite: the write transaction is IMMEDIATE, so it already holds the file's write lock.</summary>
internal sealed class SqliteEventChainTransaction(SqliteConnection connection, SqliteTransaction transaction) : IEventChainTransaction
{
    private const string Columns = "id, time, user_name, object_type, object_name, object_id, action, property, old_value, new_value";

    public EventChainHead LockHead() =>
        SqliteDatabase.Query(connection, transaction, "SELECT last_id, last_hash, count FROM event_chain_head WHERE name = 'events'",
            r => new EventChainHead(r.GetInt64(0), r.GetString(1), r.GetInt64(2))).Single();

    public IReadOnlyList<JournalEvent> ReadAfter(long id) =>
        SqliteDatabase.Query(connection, transaction, $"SELECT {Columns} FROM events WHERE id > $id ORDER BY id", ReadEvent, ("$id", id));

    public long Insert(JournalEvent e) =>
        SqliteDatabase.Query(connection, transaction,
            "INSERT INTO events (time, user_name, object_type, object_name, object_id, action, property, old_value, new_value) " +
            "VALUES ($time, $user, $type, $name, $oid, $action, $property, $old, $new) RETURNING id", r => r.GetInt64(0),
            ("$time", SqliteDatabase.FormatTime(e.Time)), ("$user", e.User), ("$type", e.ObjectType.ToString()), ("$name", e.ObjectName),
            ("$oid", e.ObjectId), ("$action", e.Action), ("$property", e.Property), ("$old", e.OldValue), ("$new", e.NewValue)).Single();

    public void SetHashes(long id, string previousHash, string hash) =>
        SqliteDatabase.Execute(connection, transaction, "UPDATE events SET prev_hash = $prev, hash = $hash WHERE id = $id",
            ("$prev", previousHash), ("$hash", hash), ("$id", id));

    public void SetHead(EventChainHead head) =>
        SqliteDatabase.Execute(connection, transaction, "UPDATE event_chain_head SET last_id = $id, last_hash = $hash, count = $count WHERE name = 'events'",
            ("$id", head.LastId), ("$hash", head.LastHash), ("$count", head.Count));

    internal static JournalEvent ReadEvent(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Time = SqliteDatabase.ParseTime(r, 1) ?? default,
        User = r.GetString(2),
        ObjectType = Enum.Parse<JournalObjectType>(r.GetString(3)),
        ObjectName = r.GetString(4),
        ObjectId = r.IsDBNull(5) ? null : r.GetString(5),
        Action = r.GetString(6),
        Property = r.IsDBNull(7) ? null : r.GetString(7),
        OldValue = r.IsDBNull(8) ? null : r.GetString(8),
        NewValue = r.IsDBNull(9) ? null : r.GetString(9),
    };
}

/// <summary>
/// The chain's primitives on PostgreSQL: the head row is locked FOR UPDATE, so writers on every
/// host append one after another and event ids are taken in chain order (every event insert goes
/// through <see cref="EventChain.Append"/>, after the lock).
/// </summary>
internal sealed class PostgresEventChainTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IEventChainTransaction
{
    private const string Columns = "id, time, user_name, object_type, object_name, object_id, action, property, old_value, new_value";

    public EventChainHead LockHead() =>
        PostgresDatabase.Query(connection, transaction, "SELECT last_id, last_hash, count FROM event_chain_head WHERE name = 'events' FOR UPDATE",
            r => new EventChainHead(r.GetInt64(0), r.GetString(1), r.GetInt64(2))).Single();

    public IReadOnlyList<JournalEvent> ReadAfter(long id) =>
        PostgresDatabase.Query(connection, transaction, $"SELECT {Columns} FROM events WHERE id > @id ORDER BY id", ReadEvent, ("@id", id));

    public long Insert(JournalEvent e) =>
        PostgresDatabase.Query(connection, transaction,
            "INSERT INTO events (time, user_name, object_type, object_name, object_id, action, property, old_value, new_value) " +
            "VALUES (@time, @user, @type, @name, @oid, @action, @property, @old, @new) RETURNING id", r => r.GetInt64(0),
            ("@time", e.Time), ("@user", e.User), ("@type", e.ObjectType.ToString()), ("@name", e.ObjectName),
            ("@oid", e.ObjectId), ("@action", e.Action), ("@property", e.Property), ("@old", e.OldValue), ("@new", e.NewValue)).Single();

    public void SetHashes(long id, string previousHash, string hash) =>
        PostgresDatabase.Execute(connection, transaction, "UPDATE events SET prev_hash = @prev, hash = @hash WHERE id = @id",
            ("@prev", previousHash), ("@hash", hash), ("@id", id));

    public void SetHead(EventChainHead head) =>
        PostgresDatabase.Execute(connection, transaction, "UPDATE event_chain_head SET last_id = @id, last_hash = @hash, count = @count WHERE name = 'events'",
            ("@id", head.LastId), ("@hash", head.LastHash), ("@count", head.Count));

    internal static JournalEvent ReadEvent(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Time = r.GetFieldValue<DateTimeOffset>(1),
        User = r.GetString(2),
        ObjectType = Enum.Parse<JournalObjectType>(r.GetString(3)),
        ObjectName = r.GetString(4),
        ObjectId = r.IsDBNull(5) ? null : r.GetString(5),
        Action = r.GetString(6),
        Property = r.IsDBNull(7) ? null : r.GetString(7),
        OldValue = r.IsDBNull(8) ? null : r.GetString(8),
        NewValue = r.IsDBNull(9) ? null : r.GetString(9),
    };
}
