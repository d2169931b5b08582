using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace MimecastJournaling.Engine.Listener;

/// <summary>One address and port to listen on. With <see cref="ImplicitTls"/> TLS starts before the greeting (SMTPS).</summary>
public sealed record ListenerEndpoint(IPAddress Address, int Port, bool ImplicitTls = false)
{
    public override string ToString() => $"{Address}:{Port}{(ImplicitTls ? " (implicit TLS)" : string.Empty)}";
}

/// <summary>How the journal listener runs. The defaults suit 150 MB reports on a slow link.</summary>
public sealed record ListenerOptions
{
    public required IReadOnlyList<ListenerEndpoint> Endpoints { get; init; }

    /// <summary>Offered with STARTTLS and used on implicit-TLS endpoints; must carry its private key.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// Where the certificate comes from when it can be renewed while the listener runs (a PFX file,
    /// a PEM pair, the Windows certificate store); takes the place of <see cref="Certificate"/>.
    /// </summary>
    public ListenerCertificateSource? CertificateSource { get; init; }

    /// <summary>How often the watch runs with or without traffic (inactivity → Down, certificate expiry, queue).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the watch runs retention (removes expired items no hold covers): at the first
    /// round, then once per interval. Zero turns it off for this listener.
    /// </summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromDays(1);
    /// <summary>How often a running listener checks the archive's integrity (a sample of the stored messages, the whole event chain), counted from the store's newest check.</summary>
    public TimeSpan IntegrityCheckInterval { get; init; } = TimeSpan.FromDays(1);
    /// <summary>How often the WORM sync copies new originals to the object store and brings locks and legal holds up to date (when one is set; zero: never).</summary>
    public TimeSpan ObjectStoreSyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The share of stored messages and reports the daily check re-hashes, in percent.</summary>
    public double IntegrityCheckSample { get; init; } = 1;

    /// <summary>The name in the greeting and in EHLO. The greeting never shows a library version.</summary>
    public string ServerName { get; init; } = Dns.GetHostName();

    /// <summary>Bytes of DATA allowed per message, enforced while DATA arrives (the session is closed beyond it).</summary>
    public int MaxMessageSize { get; init; } = 165 * 1024 * 1024;

    /// <summary>A whole session, DATA included: 150 MB at 1 Mbit/s takes about 20 minutes.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Connections served at once; more are answered 421 and closed.</summary>
    public int MaxConnections { get; init; } = 100;

    /// <summary>Connections served at once from one address; more are answered 421 4.7.0 and closed, so one sender cannot take every slot.</summary>
    public int MaxConnectionsPerSource { get; init; } = 20;

    /// <summary>How long one command line may take to arrive, idle or trickling; then 421 4.4.2 and the connection is closed (RFC 5321 4.5.3.2.7).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The slowest DATA allowed (bytes per second, averaged from its start, after the first minute); slower is 421 4.4.2 and closed.</summary>
    public int MinimumDataRate { get; init; } = 1024;

    /// <summary>How long DATA may run before <see cref="MinimumDataRate"/> applies (a slow start is not a slow sender).</summary>
    public TimeSpan MinimumDataRateGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Failed AUTH attempts from one address (within <see cref="AuthenticationLockout"/>) before its AUTH is answered 454 4.7.0 for that long.</summary>
    public int AuthenticationFailuresBeforeLockout { get; init; } = 10;

    /// <summary>How long an address that failed AUTH too often is answered 454 4.7.0.</summary>
    public TimeSpan AuthenticationLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Accepted RCPT TO per message; more are answered 452 4.5.3 (the sender sends them in another transaction).</summary>
    public int MaxRecipientsPerMessage { get; init; } = 10;

    /// <summary>Messages waiting in the spool; above it, DATA is answered 452 4.3.1 so the sender queues.</summary>
    public int MaxSpoolLength { get; init; } = 10_000;

    /// <summary>How long a successful SMTP AUTH check is remembered (PBKDF2 costs about a second of CPU).</summary>
    public TimeSpan CredentialCacheDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Consecutive failed archive attempts of a definition's reports before its Status becomes Error.</summary>
    public int FailuresBeforeError { get; init; } = 3;

    /// <summary>How long one report may take to parse; a report that takes longer is quarantined with that reason (kept, not retried), and the spool goes on.</summary>
    public TimeSpan ParseTimeBudget { get; init; } = Archive.JournalIngest.DefaultParseTimeBudget;

    /// <summary>
    /// Bytes of messages the listener holds whole in memory at once after their 250 (the spool
    /// processor's batch and the search indexer's original share it): more waits, never refused
    /// (<see cref="Engine.MessageMemoryBudget"/>). A message larger than this is processed alone.
    /// </summary>
    public long MessageMemoryBudget { get; init; } = Engine.MessageMemoryBudget.DefaultBytes;

    /// <summary>How long the spool processor waits before retrying after a failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where DATA content beyond 1 MB waits (0600 files in a 0700 folder) until it is in the spool.
    /// Null: beside the store for a SQLite store, else a per-user folder in the system temp folder.
    /// </summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>This listener's node name, recorded with every report it receives (default: the host name).</summary>
    public string NodeName { get; init; } = Dns.GetHostName();

    /// <summary>
    /// With a shared (PostgreSQL) spool: how long a node holds reports it is archiving before
    /// another node may take them over (the node died). Longer than any one archive batch takes.
    /// </summary>
    public TimeSpan SpoolLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the listener refreshes its record (counters, last heartbeat) in the store.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
}
