using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>Something an admin must hear about while the listener runs.</summary>
public enum ListenerConditionKind
{
    DefinitionError,
    DefinitionDown,
    QueueAboveThreshold,
    CertificateExpiring,
    CertificateExpired,
    CertificateRenewalFailed,
    IntegrityCheckFailed,
}

/// <summary>One condition that holds now; <see cref="Key"/> stays the same while it lasts (for suppression).</summary>
public sealed record ListenerCondition(ListenerConditionKind Kind, string Subject, string Message)
{
    public string Key => $"{Kind}:{Subject}";
}

/// <summary>What one round of the listener's watch saw.</summary>
public sealed record ListenerWatchReport(
    DateTimeOffset Time,
    IReadOnlyList<ListenerCondition> Conditions,
    IReadOnlyList<JournalDefinition> Definitions,
    int QueueLength,
    TimeSpan? OldestQueuedAge,
    CertificateExpiryStatus? Certificate);

/// <summary>
/// The listener's dead-man timer: every WatchInterval, with or without traffic, it turns
/// definitions silent beyond their InactivityPeriod Down (stamped by the listener when the
/// period runs out, not when someone next reads the status), checks the certificate's expiry,
/// reads the queue, and reports the conditions that hold (definitions in Error or Down, the
/// certificate near or past its end, a renewal that could not be used).
/// </summary>
internal sealed class ListenerWatch
{
    private readonly IJournalStore _store;
    private readonly IMessageSpool _spool;
    private readonly ListenerCertificateSource? _certificate;
    private readonly CertificateExpiryNotices _expiry;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Action<ListenerWatchReport> _report;
    private readonly CancellationTokenSource _stop = new();
    private string? _renewalFailure;
    private Task? _loop;
    private Task? _retention;
    private DateTimeOffset? _retentionStarted;

    /// <summary>Runs retention at the first round and then every <see cref="RetentionInterval"/> (null: never).</summary>
    public JournalLifecycle? Retention { get; init; }
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The latest retention run started by the watch (tests await it).</summary>
    internal Task? RetentionRun => _retention;

    /// <summary>The summary of the latest retention run that finished.</summary>
    public JournalRetentionResult? LastRetention { get; private set; }

    public ListenerWatch(IJournalStore store, IMessageSpool spool, ListenerCertificateSource? certificate, TimeSpan interval, TimeProvider clock, Action<ListenerWatchReport> report)
    {
        _store = store;
        _spool = spool;
        _certificate = certificate;
        _expiry = new CertificateExpiryNotices(store, clock);
        _interval = interval;
        _clock = clock;
        _report = report;
        if (certificate is not null)
        {
            certificate.RenewalFailed += message => _renewalFailure = message;
            certificate.Renewed += (_, _) => _renewalFailure = null;
        }
    }

    /// <summary>The daily integrity check, when the listener has an archive to check.</summary>
    public ArchiveIntegrityWatch? Integrity { get; init; }

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        if (_retention is not null)
        {
            await _retention.ConfigureAwait(false);
        }
        if (Integrity?.Running is { } integrity)
        {
            await integrity.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                _report(Check());
            }
            catch (Exception)
            {
                // Store trouble: the next round tries again.
            }
            try
            {
                await Task.Delay(_interval, _clock, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round (also run by tests directly).</summary>
    internal ListenerWatchReport Check()
    {
        var now = _clock.GetUtcNow();
        var conditions = new List<ListenerCondition>();
        new JournalConfiguration(_store, DefinitionHealth.Actor, _clock).MarkInactiveDefinitions();
        StartRetentionIfDue(now);
        CertificateExpiryStatus? certificate = null;
        if (_certificate is not null)
        {
            certificate = _expiry.Check(_certificate.Current);
            if (certificate.Message is { } message)
            {
                conditions.Add(new ListenerCondition(
                    certificate.State == CertificateExpiryState.Expired ? ListenerConditionKind.CertificateExpired : ListenerConditionKind.CertificateExpiring,
                    certificate.Thumbprint, message));
            }
            if (_renewalFailure is { } failure)
            {
                conditions.Add(new ListenerCondition(ListenerConditionKind.CertificateRenewalFailed, _certificate.Description, failure));
            }
        }
        if (Integrity?.CheckBeside(_stop.Token) is { } damage)
        {
            conditions.Add(damage);
        }
        var definitions = _store.GetDefinitions();
        foreach (var d in definitions.Where(d => !d.Disabled))
        {
            if (d.Status == JournalStatus.Error)
            {
                conditions.Add(new ListenerCondition(ListenerConditionKind.DefinitionError, d.Description,
                    $"Journal definition '{d.Description}' is in Error: {d.StatusReason}"));
            }
            else if (d.Status == JournalStatus.Down)
            {
                conditions.Add(new ListenerCondition(ListenerConditionKind.DefinitionDown, d.Description,
                    $"Journal definition '{d.Description}' is Down: {d.StatusReason}"));
            }
        }
        var length = _spool.Count();
        // Not from the queue's list: that parses the oldest report whole (it may be 150 MB, outside the memory budget).
        TimeSpan? oldest = length == 0 ? null : _spool.OldestReceived() is { } received ? now - received : null;
        return new ListenerWatchReport(now, conditions, definitions, length, oldest, certificate);
    }

    /// <summary>
    /// Starts a retention run beside the watch (a long run must not hold up the dead-man checks)
    /// when none is running and the interval has passed since the last one started. A run that
    /// fails (store trouble) is tried again at the next round; one stopped with the listener keeps
    /// what it committed.
    /// </summary>
    private void StartRetentionIfDue(DateTimeOffset now)
    {
        if (Retention is not { } lifecycle || _retention is { IsCompleted: false }
            || (_retentionStarted is { } last && now - last < RetentionInterval))
        {
            return;
        }
        _retentionStarted = now;
        var token = _stop.Token;
        _retention = Task.Run(() =>
        {
            try
            {
                LastRetention = lifecycle.RunRetention(whatIf: false, cancellation: token);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception)
            {
                _retentionStarted = null;
            }
        }, CancellationToken.None);
    }
}
