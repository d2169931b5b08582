using MimecastJournaling.Engine.Configuration;
using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// The PostgreSQL schema, versioned like SqliteSchema and entry for entry the same: migration N
/// here makes what SQLite's migration N makes, in PostgreSQL's types (timestamptz, boolean,
/// bigint, bytea), plus what several writers need (counter rows for the configuration and
/// directory versions, the spool's node and lease). Applied under an advisory lock inside one
/// transaction, so two hosts starting at once apply each migration exactly once.
/// Append new migrations; never edit a released one.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_xact_lock key of schema changes ("MJschema").</summary>
    private const long MigrationLock = 0x4D4A_7363_6865_6D61;

    private static readonly string[] Migrations =
    [
        // 1: configuration, directory and event log; the versions readers cache by
        """
        CREATE TABLE definitions (
            id TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            description_key TEXT NOT NULL UNIQUE,
            transport_type TEXT NOT NULL,
            disabled BOOLEAN NOT NULL,
            service_address TEXT NOT NULL,
            service_address_key TEXT NOT NULL UNIQUE,
            source_ip_ranges TEXT NOT NULL,
            smtp_user TEXT NULL,
            smtp_password_hash TEXT NULL,
            initial_delay_seconds BIGINT NOT NULL,
            delivery_wait_attempts INTEGER NOT NULL,
            inactivity_seconds BIGINT NOT NULL,
            journal_type TEXT NOT NULL,
            encrypted BOOLEAN NOT NULL,
            prefer_clear_text BOOLEAN NOT NULL,
            journal_non_internal BOOLEAN NOT NULL,
            journal_unknown_internal BOOLEAN NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NULL,
            last_received TIMESTAMPTZ NULL,
            created TIMESTAMPTZ NOT NULL,
            modified TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE domains (
            name TEXT PRIMARY KEY,
            verification_code TEXT NOT NULL,
            verified BOOLEAN NOT NULL,
            verified_at TIMESTAMPTZ NULL,
            registered TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE internal_addresses (
            address TEXT NOT NULL,
            address_key TEXT PRIMARY KEY,
            domain TEXT NOT NULL REFERENCES domains(name),
            type TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            display_name TEXT NULL,
            source TEXT NOT NULL,
            added TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX internal_addresses_domain ON internal_addresses(domain);
        CREATE TABLE events (
            id BIGSERIAL PRIMARY KEY,
            time TIMESTAMPTZ NOT NULL,
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
        -- A MAX(events.id) is not commit-ordered in PostgreSQL (ids are taken before commit), so
        -- every change bumps its counter row in its own transaction: the row lock orders writers.
        CREATE TABLE store_versions (
            name TEXT PRIMARY KEY,
            value BIGINT NOT NULL
        );
        INSERT INTO store_versions (name, value) VALUES ('configuration', 0), ('directory', 0);
        """,
        // 2: the archive
        """
        CREATE TABLE blobs (
            hash TEXT PRIMARY KEY,
            size BIGINT NOT NULL,
            codec TEXT NOT NULL,
            data BYTEA NOT NULL
        );
        CREATE TABLE items (
            id BIGSERIAL PRIMARY KEY,
            message_id TEXT NULL,
            message_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            original_hash TEXT NOT NULL REFERENCES blobs(hash),
            clear_text_hash TEXT NULL REFERENCES blobs(hash),
            sender TEXT NULL,
            sender_key TEXT NULL,
            subject TEXT NULL,
            sent TIMESTAMPTZ NULL,
            size BIGINT NOT NULL,
            definition_id TEXT NULL,
            definition TEXT NULL,
            state TEXT NOT NULL,
            process_after TIMESTAMPTZ NULL,
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            attempt_interval_seconds BIGINT NOT NULL,
            first_received TIMESTAMPTZ NOT NULL,
            updated TIMESTAMPTZ NOT NULL,
            UNIQUE (message_key, fingerprint)
        );
        CREATE INDEX items_received ON items(first_received);
        CREATE INDEX items_pending ON items(state, process_after);
        CREATE TABLE item_recipients (
            item_id BIGINT NOT NULL REFERENCES items(id),
            ordinal BIGSERIAL,
            address TEXT NOT NULL,
            address_key TEXT NOT NULL,
            type TEXT NOT NULL,
            expanded_from TEXT NULL,
            forwarded_from TEXT NULL,
            PRIMARY KEY (item_id, address_key)
        );
        CREATE INDEX item_recipients_address ON item_recipients(address_key);
        CREATE TABLE item_mailboxes (
            item_id BIGINT NOT NULL REFERENCES items(id),
            mailbox_key TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            PRIMARY KEY (item_id, mailbox_key)
        );
        CREATE INDEX item_mailboxes_mailbox ON item_mailboxes(mailbox_key);
        CREATE TABLE reports (
            id BIGSERIAL PRIMARY KEY,
            received TIMESTAMPTZ NOT NULL,
            source TEXT NOT NULL,
            definition_id TEXT NULL,
            definition TEXT NULL,
            raw_hash TEXT NOT NULL REFERENCES blobs(hash),
            size BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NULL,
            rule TEXT NULL,
            item_id BIGINT NULL REFERENCES items(id),
            format TEXT NULL,
            message_id TEXT NULL,
            sender TEXT NULL,
            subject TEXT NULL,
            defects TEXT NULL
        );
        CREATE INDEX reports_item ON reports(item_id);
        CREATE INDEX reports_received ON reports(received);
        """,
        // 3: the spool, shared by every listener host: a sequence makes ids unique across hosts,
        // the node that took an entry and until when (its lease) let another host take over the
        // entries of a host that died
        """
        CREATE TABLE spool (
            id BIGSERIAL PRIMARY KEY,
            received TIMESTAMPTZ NOT NULL,
            source TEXT NOT NULL,
            definition_id TEXT NOT NULL,
            definition TEXT NOT NULL,
            mail_from TEXT NULL,
            recipients TEXT NOT NULL,
            size BIGINT NOT NULL,
            data BYTEA NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TIMESTAMPTZ NULL,
            last_error TEXT NULL,
            node TEXT NULL,
            lease_owner TEXT NULL,
            lease_until TIMESTAMPTZ NULL
        );
        CREATE INDEX spool_definition ON spool(definition_id, id);
        ALTER TABLE reports ADD COLUMN spool_id BIGINT NULL;
        CREATE UNIQUE INDEX reports_spool_id ON reports(spool_id) WHERE spool_id IS NOT NULL;
        """,
        // 4
        """
        CREATE INDEX reports_definition_outcome ON reports(definition_id, outcome);
        """,
        // 5
        """
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated TIMESTAMPTZ NOT NULL
        );
        """,
        // 6
        """
        CREATE INDEX events_type_id ON events(object_type, id);
        """,
        // 7
        """
        ALTER TABLE internal_addresses ADD COLUMN source_id TEXT NULL;
        CREATE INDEX internal_addresses_source ON internal_addresses(source, source_id);
        """,
        // 8
        """
        ALTER TABLE reports ADD COLUMN node TEXT NULL;
        """,
        // 9: running listeners, so every session and host on the store sees them (heartbeat, counters)
        """
        CREATE TABLE listeners (
            id UUID PRIMARY KEY,
            node TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            endpoints TEXT NOT NULL,
            server_name TEXT NOT NULL,
            started TIMESTAMPTZ NOT NULL,
            last_heartbeat TIMESTAMPTZ NOT NULL,
            heartbeat_seconds DOUBLE PRECISION NOT NULL,
            connections_open BIGINT NOT NULL,
            received BIGINT NOT NULL,
            accepted BIGINT NOT NULL,
            refused TEXT NOT NULL
        );
        """,
        // 10: the Exchange Online tenants a definition takes reports from (JSON array of GUIDs)
        """
        ALTER TABLE definitions ADD COLUMN tenant_ids TEXT NOT NULL DEFAULT '[]';
        """,
        // 11: search — one tsvector per searchable field and one over all of them (GIN each),
        // built from the engine's tokens with the 'simple' configuration, and one row per indexed
        // item as in SQLite. An item removed from the archive takes its index entry with it.
        """
        CREATE TABLE item_text (
            item_id BIGINT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
            subject_tsv TSVECTOR NOT NULL,
            body_tsv TSVECTOR NOT NULL,
            names_tsv TSVECTOR NOT NULL,
            all_tsv TSVECTOR NOT NULL
        );
        CREATE INDEX item_text_subject ON item_text USING GIN (subject_tsv);
        CREATE INDEX item_text_body ON item_text USING GIN (body_tsv);
        CREATE INDEX item_text_names ON item_text USING GIN (names_tsv);
        CREATE INDEX item_text_all ON item_text USING GIN (all_tsv);
        CREATE TABLE search_index (
            item_id BIGINT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
            indexed TIMESTAMPTZ NOT NULL,
            has_attachment BOOLEAN NOT NULL,
            failure TEXT NULL
        );
        CREATE INDEX search_index_failed ON search_index(item_id) WHERE failure IS NOT NULL;
        CREATE INDEX items_search_order ON items ((COALESCE(sent, first_received)), id);
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
            created TIMESTAMPTZ NOT NULL,
            modified TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE holds (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            reason TEXT NOT NULL,
            scope TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created TIMESTAMPTZ NOT NULL,
            released_by TEXT NULL,
            released TIMESTAMPTZ NULL,
            release_reason TEXT NULL
        );
        CREATE UNIQUE INDEX holds_active_name ON holds(name_key) WHERE released IS NULL;
        ALTER TABLE items ADD COLUMN expires_on TIMESTAMPTZ NULL;
        ALTER TABLE items ADD COLUMN retention_policy TEXT NULL;
        CREATE INDEX items_expires ON items(expires_on) WHERE expires_on IS NOT NULL;
        """,
        // 13: the event log as a hash chain (EventChain): each event's hash and its predecessor's,
        // and the chain head in a row of its own (writers lock it: appends are serialised across
        // hosts); the events already written are chained by Migrate in the same transaction
        """
        ALTER TABLE events ADD COLUMN prev_hash TEXT NULL;
        ALTER TABLE events ADD COLUMN hash TEXT NULL;
        CREATE TABLE event_chain_head (
            name TEXT PRIMARY KEY,
            last_id BIGINT NOT NULL,
            last_hash TEXT NOT NULL,
            count BIGINT NOT NULL
        );
        INSERT INTO event_chain_head (name, last_id, last_hash, count) VALUES ('events', 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
        """,
        // 14: which items share an original, by its hash: the WORM store (ObjectStorage) looks up an
        // item's original and whether another item still refers to it before it deletes the object
        """
        CREATE INDEX IF NOT EXISTS items_original_hash ON items(original_hash);
        """,
        // 15: adjacent word pairs for phrase search (PhrasePairs). NULL: the item was indexed before
        // this migration, or has too many pairs; its phrases are checked as before (every item with
        // the phrase's words), until Update-JournalIndex -Rebuild writes its pairs.
        """
        ALTER TABLE item_text ADD COLUMN IF NOT EXISTS pairs_tsv TSVECTOR NULL;
        CREATE INDEX IF NOT EXISTS item_text_pairs ON item_text USING GIN (pairs_tsv);
        CREATE INDEX IF NOT EXISTS item_text_unpaired ON item_text (item_id) WHERE pairs_tsv IS NULL;
        """,
        // 16: what each WORM sync pass last set on each original's object, per object store (its
        // endpoint, bucket and key prefix) and content hash (WormObjectState): a pass calls the
        // bucket only for the originals whose wanted lock differs from it, or that have none;
        // and store-wide leases (IStoreLeases: one WORM sync pass at a time across hosts)
        """
        CREATE TABLE IF NOT EXISTS worm_objects (
            store_key TEXT NOT NULL,
            hash TEXT NOT NULL,
            retain_until TIMESTAMPTZ NULL,
            legal_hold BOOLEAN NOT NULL,
            written BOOLEAN NOT NULL,
            updated TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (store_key, hash)
        );
        CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            until TIMESTAMPTZ NOT NULL
        );
        """,
    ];

    /// <summary>The migration that starts the event chain (the events before it are chained when it runs).</summary>
    public const int EventChainVersion = 13;

    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Brings the schema up to date. A database at the latest version is only read (a read-only
    /// role can open it); otherwise the migrations run under the advisory lock.
    /// </summary>
    public static void Migrate(PostgresDatabase database) => database.Guard(() =>
    {
        using var connection = database.Open();
        if (CurrentVersion(connection, null) is var current && current == LatestVersion)
        {
            return;
        }
        // The lock is taken before the transaction begins: a transaction that starts after the
        // other host's commit sees its tables (one that waited inside could miss them).
        PostgresDatabase.Execute(connection, null, "SELECT pg_advisory_lock(@k)", ("k", MigrationLock));
        try
        {
            using var transaction = connection.BeginTransaction();
            current = CurrentVersion(connection, transaction);
            if (current < 0)
            {
                PostgresDatabase.Execute(connection, transaction, "CREATE TABLE schema_version (version INTEGER NOT NULL)");
                current = 0;
            }
            for (var version = current + 1; version <= LatestVersion; version++)
            {
                PostgresDatabase.Execute(connection, transaction, Migrations[version - 1]);
                PostgresDatabase.Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v)", ("v", version));
                if (version == EventChainVersion)
                {
                    EventChain.ChainExisting(new PostgresEventChainTransaction(connection, transaction));
                }
            }
            transaction.Commit();
        }
        finally
        {
            PostgresDatabase.Execute(connection, null, "SELECT pg_advisory_unlock(@k)", ("k", MigrationLock));
        }
    });

    /// <summary>The schema version; -1 when the database has no schema yet.</summary>
    private static int CurrentVersion(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (PostgresDatabase.Scalar<object>(connection, transaction, "SELECT to_regclass('schema_version') IS NOT NULL") is not true)
        {
            return -1;
        }
        var current = PostgresDatabase.Query(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version", r => r.GetInt32(0)).Single();
        if (current > LatestVersion)
        {
            throw new JournalConfigurationException("StoreSchemaTooNew", JournalErrorKind.InvalidOperation,
                $"The store was written by a newer MimecastJournaling (schema {current}; this version knows up to {LatestVersion}). Update the module.");
        }
        return current;
    }
}
