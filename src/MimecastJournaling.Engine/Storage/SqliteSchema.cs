using Microsoft.Data.Sqlite;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// Versioned schema. Each entry upgrades from the version before it; applied in order inside one
/// IMMEDIATE transaction, so two processes opening a fresh file cannot both migrate it.
/// Append new migrations; never edit a released one.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        // 1: configuration, directory and event log
        """
        CREATE TABLE definitions (
            id TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            description_key TEXT NOT NULL UNIQUE,
            transport_type TEXT NOT NULL,
            disabled INTEGER NOT NULL,
            service_address TEXT NOT NULL,
            service_address_key TEXT NOT NULL UNIQUE,
            source_ip_ranges TEXT NOT NULL,
            smtp_user TEXT NULL,
            smtp_password_hash TEXT NULL,
            initial_delay_seconds INTEGER NOT NULL,
            delivery_wait_attempts INTEGER NOT NULL,
            inactivity_seconds INTEGER NOT NULL,
            journal_type TEXT NOT NULL,
            encrypted INTEGER NOT NULL,
            prefer_clear_text INTEGER NOT NULL,
            journal_non_internal INTEGER NOT NULL,
            journal_unknown_internal INTEGER NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NULL,
            last_received TEXT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE TABLE domains (
            name TEXT PRIMARY KEY,
            verification_code TEXT NOT NULL,
            verified INTEGER NOT NULL,
            verified_at TEXT NULL,
            registered TEXT NOT NULL
        );
        CREATE TABLE internal_addresses (
            address TEXT NOT NULL,
            address_key TEXT PRIMARY KEY,
            domain TEXT NOT NULL REFERENCES domains(name),
            type TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            display_name TEXT NULL,
            source TEXT NOT NULL,
            added TEXT NOT NULL
        );
        CREATE INDEX internal_addresses_domain ON internal_addresses(domain);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            user_name TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_name TEXT NOT NULL,
            object_id TEXT NULL,
            action TEXT NOT NULL,
            property TEXT NULL,
            old_value TEXT NULL,
            new_value TEXT NULL
        );
        CREATE INDEX events_object ON events(object_type, object_id);
        """,
        // 2: the archive — content-addressed compressed blobs, items with their recipients and
        // mailboxes, and one outcome row per received report
        """
        CREATE TABLE blobs (
            hash TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            codec TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NULL,
            message_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            original_hash TEXT NOT NULL REFERENCES blobs(hash),
            clear_text_hash TEXT NULL REFERENCES blobs(hash),
            sender TEXT NULL,
            sender_key TEXT NULL,
            subject TEXT NULL,
            sent TEXT NULL,
            size INTEGER NOT NULL,
            definition_id TEXT NULL,
            definition TEXT NULL,
            state TEXT NOT NULL,
            process_after TEXT NULL,
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            attempt_interval_seconds INTEGER NOT NULL,
            first_received TEXT NOT NULL,
            updated TEXT NOT NULL,
            UNIQUE (message_key, fingerprint)
        );
        CREATE INDEX items_received ON items(first_received);
        CREATE INDEX items_pending ON items(state, process_after);
        CREATE TABLE item_recipients (
            item_id INTEGER NOT NULL REFERENCES items(id),
            address TEXT NOT NULL,
            address_key TEXT NOT NULL,
            type TEXT NOT NULL,
            expanded_from TEXT NULL,
            forwarded_from TEXT NULL,
            PRIMARY KEY (item_id, address_key)
        );
        CREATE INDEX item_recipients_address ON item_recipients(address_key);
        CREATE TABLE item_mailboxes (
            item_id INTEGER NOT NULL REFERENCES items(id),
            mailbox_key TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            PRIMARY KEY (item_id, mailbox_key)
        );
        CREATE INDEX item_mailboxes_mailbox ON item_mailboxes(mailbox_key);
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            received TEXT NOT NULL,
            source TEXT NOT NULL,
            definition_id TEXT NULL,
            definition TEXT NULL,
            raw_hash TEXT NOT NULL REFERENCES blobs(hash),
            size INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NULL,
            rule TEXT NULL,
            item_id INTEGER NULL REFERENCES items(id),
            format TEXT NULL,
            message_id TEXT NULL,
            sender TEXT NULL,
            subject TEXT NULL,
            defects TEXT NULL
        );
        CREATE INDEX reports_item ON reports(item_id);
        CREATE INDEX reports_received ON reports(received);
        """,
        // 3: the listener's spool — messages answered 250 and not yet archived. A report keeps
        // the spool id it came from (unique), and the archive deletes the spool row in the same
        // transaction that stores the report, so a spooled message is archived exactly once.
        """
        CREATE TABLE spool (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            received TEXT NOT NULL,
            source TEXT NOT NULL,
            definition_id TEXT NOT NULL,
            definition TEXT NOT NULL,
            mail_from TEXT NULL,
            recipients TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT NULL,
            last_error TEXT NULL
        );
        CREATE INDEX spool_definition ON spool(definition_id, id);
        ALTER TABLE reports ADD COLUMN spool_id INTEGER NULL;
        CREATE UNIQUE INDEX reports_spool_id ON reports(spool_id) WHERE spool_id IS NOT NULL;
        """,
        // 4: per-definition counters of outcomes are read with every definition
        """
        CREATE INDEX reports_definition_outcome ON reports(definition_id, outcome);
        """,
        // 5: settings of the whole installation (global authorized ranges, Exchange Online ranges)
        """
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        """,
        // 6: the directory version (newest domain or address event) is read before every ingest batch
        """
        CREATE INDEX events_type_id ON events(object_type, id);
        """,
        // 7: where a synced internal address came from (the directory object id, e.g. a Graph user),
        // so a directory sync changes and removes only what it added itself
        """
        ALTER TABLE internal_addresses ADD COLUMN source_id TEXT NULL;
        CREATE INDEX internal_addresses_source ON internal_addresses(source, source_id);
        """,
        // 8: which listener node received a report (several hosts share a PostgreSQL store; the
        // SQLite store records its one node the same way)
        """
        ALTER TABLE reports ADD COLUMN node TEXT NULL;
        """,
        // 9: running listeners, so every session on the store sees them (heartbeat, counters)
        """
        CREATE TABLE listeners (
            id TEXT PRIMARY KEY,
            node TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            endpoints TEXT NOT NULL,
            server_name TEXT NOT NULL,
            started TEXT NOT NULL,
            last_heartbeat TEXT NOT NULL,
            heartbeat_seconds REAL NOT NULL,
            connections_open INTEGER NOT NULL,
            received INTEGER NOT NULL,
            accepted INTEGER NOT NULL,
            refused TEXT NOT NULL
        );
        """,
        // 10: the Exchange Online tenants a definition takes reports from (JSON array of GUIDs)
        """
        ALTER TABLE definitions ADD COLUMN tenant_ids TEXT NOT NULL DEFAULT '[]';
        """,
        // 11: search — the full-text index (contentless FTS5, rowid = item id, over the engine's
        // tokens) and one row per indexed item (when, attachments, what could not be read). An
        // item removed from the archive takes its index entry with it.
        """
        CREATE VIRTUAL TABLE item_text USING fts5(subject, body, attachment_names, attachment_text,
            content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
        CREATE TABLE search_index (
            item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
            indexed TEXT NOT NULL,
            has_attachment INTEGER NOT NULL,
            failure TEXT NULL
        );
        CREATE INDEX search_index_failed ON search_index(item_id) WHERE failure IS NOT NULL;
        CREATE TRIGGER items_delete_text AFTER DELETE ON items BEGIN DELETE FROM item_text WHERE rowid = old.id; END;
        CREATE INDEX items_search_order ON items(COALESCE(sent, first_received), id);
        CREATE INDEX items_sender ON items(sender_key);
        """,
        // 12: retention policies, legal holds (kept when released, with their scope as a JSON
        // filter record), and each item's expiry fixed when it is archived
        """
        CREATE TABLE retention_policies (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            retain_ticks BIGINT NOT NULL,
            definition_id TEXT NULL,
            definition TEXT NULL,
            domain TEXT NULL,
            mailbox TEXT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE TABLE holds (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            reason TEXT NOT NULL,
            scope TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created TEXT NOT NULL,
            released_by TEXT NULL,
            released TEXT NULL,
            release_reason TEXT NULL
        );
        CREATE UNIQUE INDEX holds_active_name ON holds(name_key) WHERE released IS NULL;
        ALTER TABLE items ADD COLUMN expires_on TEXT NULL;
        ALTER TABLE items ADD COLUMN retention_policy TEXT NULL;
        CREATE INDEX items_expires ON items(expires_on) WHERE expires_on IS NOT NULL;
        """,
        // 13: the event log as a hash chain (EventChain): each event's hash and its predecessor's,
        // and the chain head in a row of its own; the events already written are chained by
        // Migrate in the same transaction
        """
        ALTER TABLE events ADD COLUMN prev_hash TEXT NULL;
        ALTER TABLE events ADD COLUMN hash TEXT NULL;
        CREATE TABLE event_chain_head (
            name TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            count INTEGER NOT NULL
        );
        INSERT INTO event_chain_head (name, last_id, last_hash, count) VALUES ('events', 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
        """,
        // 14: which items share an original, by its hash: the WORM store (ObjectStorage) looks up an
        // item's original and whether another item still refers to it before it deletes the object
        """
        CREATE INDEX IF NOT EXISTS items_original_hash ON items(original_hash);
        """,
        // 15: what each WORM sync pass last set on each original's object, per object store (its
        // endpoint, bucket and key prefix) and content hash (WormObjectState): a pass calls the
        // bucket only for the originals whose wanted lock differs from it, or that have none;
        // and store-wide leases (IStoreLeases: one WORM sync pass at a time across hosts)
        """
        CREATE TABLE IF NOT EXISTS worm_objects (
            store_key TEXT NOT NULL,
            hash TEXT NOT NULL,
            retain_until TEXT NULL,
            legal_hold INTEGER NOT NULL,
            written INTEGER NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (store_key, hash)
        );
        CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            until TEXT NOT NULL
        );
        """,
    ];

    /// <summary>The migration that starts the event chain (the events before it are chained when it runs).</summary>
    public const int EventChainVersion = 13;

    public static int LatestVersion => Migrations.Length;

    public static void Migrate(SqliteConnection connection)
    {
        // WAL lets a listener write while an admin reads; the mode is stored in the file.
        SqliteDatabase.Execute(connection, null, "PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        SqliteDatabase.Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT MAX(version) FROM schema_version";
        var current = read.ExecuteScalar() is long v ? (int)v : 0;
        if (current > LatestVersion)
        {
            throw new MimecastJournaling.Engine.Configuration.JournalConfigurationException("StoreSchemaTooNew", MimecastJournaling.Engine.Configuration.JournalErrorKind.InvalidOperation,
                $"The store was written by a newer MimecastJournaling (schema {current}; this version knows up to {LatestVersion}). Update the module.");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            SqliteDatabase.Execute(connection, transaction, Migrations[version - 1]);
            SqliteDatabase.Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES ($v)", ("$v", version));
            if (version == EventChainVersion)
            {
                EventChain.ChainExisting(new SqliteEventChainTransaction(connection, transaction));
            }
        }
        transaction.Commit();
    }
}
