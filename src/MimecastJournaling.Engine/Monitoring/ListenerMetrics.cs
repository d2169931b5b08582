using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using Prometheus;

namespace MimecastJournaling.Engine.Monitoring;

/// <summary>
/// The listener's Prometheus metrics (prometheus-net, one registry per listener). The names and
/// labels are documented in README.md beside this file; they are a contract with the admin's
/// dashboards and alert rules, so they change only with a CHANGELOG entry.
/// </summary>
public sealed class ListenerMetrics : IDisposable
{
    private static readonly double[] CommitBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly JournalListener _listener;
    private readonly Counter _transactions;
    private readonly Counter _received;
    private readonly Counter _accepted;
    private readonly Counter _refused;
    private readonly Counter _archived;
    private readonly Counter _tlsFailures;
    private readonly Histogram _commit;
    private readonly Gauge _queueLength;
    private readonly Gauge _queueOldest;
    private readonly Gauge _connections;
    private readonly Gauge _certificateExpiry;
    private readonly Gauge _definitionStatus;
    private readonly Gauge _lastReceived;
    private readonly Gauge _up;
    private readonly Gauge _lastWatch;
    private readonly HashSet<string[]> _statusLabels = new(LabelsComparer.Instance);
    private readonly HashSet<string[]> _lastReceivedLabels = new(LabelsComparer.Instance);
    private readonly HashSet<string[]> _certificateLabels = new(LabelsComparer.Instance);

    public ListenerMetrics(JournalListener listener)
    {
        _listener = listener;
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        _transactions = f.CreateCounter("journal_smtp_transactions_total", "SMTP transactions by journal definition, final reply code and outcome (Accepted, Refused, TlsFailed, Abandoned).",
            new CounterConfiguration { LabelNames = ["definition", "code", "outcome"] });
        _received = f.CreateCounter("journal_reports_received_total", "Journal reports whose DATA arrived in full, by definition.", new CounterConfiguration { LabelNames = ["definition"] });
        _accepted = f.CreateCounter("journal_reports_accepted_total", "Journal reports made durable and answered 250, by definition.", new CounterConfiguration { LabelNames = ["definition"] });
        _refused = f.CreateCounter("journal_reports_refused_total", "Refusals (connections, recipients, messages) by definition, reply code and reason.",
            new CounterConfiguration { LabelNames = ["definition", "code", "reason"] });
        _archived = f.CreateCounter("journal_reports_archived_total", "Reports taken from the spool into the archive, by definition and outcome (Archived, Merged, Duplicate, Quarantined, Rejected).",
            new CounterConfiguration { LabelNames = ["definition", "outcome"] });
        _tlsFailures = f.CreateCounter("journal_tls_handshake_failures_total", "TLS handshakes (STARTTLS or implicit TLS) that failed.");
        _commit = f.CreateHistogram("journal_spool_commit_seconds", "Time from the end of DATA to the durable spool commit (the wait before each 250).",
            new HistogramConfiguration { Buckets = CommitBuckets });
        _queueLength = f.CreateGauge("journal_queue_length", "Reports in the spool waiting to be archived.");
        _queueOldest = f.CreateGauge("journal_queue_oldest_age_seconds", "Age of the oldest report waiting in the spool (0 when it is empty).");
        _connections = f.CreateGauge("journal_smtp_connections_open", "SMTP sessions open now.");
        _certificateExpiry = f.CreateGauge("journal_certificate_expiry_timestamp_seconds", "NotAfter of the TLS certificate served now, as Unix time.",
            new GaugeConfiguration { LabelNames = ["subject", "thumbprint"] });
        _definitionStatus = f.CreateGauge("journal_definition_status", "1 for the current Status of each journal definition (AwaitingInitialRun, OK, Error, Down), 0 otherwise.",
            new GaugeConfiguration { LabelNames = ["definition", "status"] });
        _lastReceived = f.CreateGauge("journal_definition_last_received_timestamp_seconds", "When the definition last received a report, as Unix time.",
            new GaugeConfiguration { LabelNames = ["definition"] });
        _up = f.CreateGauge("journal_listener_up", "1 while the listener serves SMTP.");
        _lastWatch = f.CreateGauge("journal_listener_last_watch_timestamp_seconds", "When the listener's watch (inactivity, certificate, queue) last ran, as Unix time.");

        listener.TransactionCompleted += OnTransaction;
        listener.Archived += OnArchived;
        Registry.AddBeforeCollectCallback(Refresh);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Writes the metrics in the Prometheus text format.</summary>
    public Task WriteAsync(Stream output, CancellationToken cancellationToken) => Registry.CollectAndExportAsTextAsync(output, cancellationToken);

    private void OnTransaction(SmtpTransactionRecord r)
    {
        var definition = r.Definition ?? string.Empty;
        var code = r.ReplyCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        _transactions.WithLabels(definition, code, r.Outcome.ToString()).Inc();
        if (r.Size is not null)
        {
            _received.WithLabels(definition).Inc();
        }
        switch (r.Outcome)
        {
            case SmtpTransactionOutcome.Accepted:
                _accepted.WithLabels(definition).Inc();
                if (r.CommitDuration is { } commit)
                {
                    _commit.Observe(commit.TotalSeconds);
                }
                break;
            case SmtpTransactionOutcome.Refused:
                _refused.WithLabels(definition, code, r.Refusal?.ToString() ?? string.Empty).Inc();
                break;
            case SmtpTransactionOutcome.TlsFailed:
                _tlsFailures.Inc();
                break;
        }
    }

    private void OnArchived(JournalDefinition definition, IReadOnlyList<JournalOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _archived.WithLabels(definition.Description, outcome.Outcome.ToString()).Inc();
        }
    }

    private void Refresh()
    {
        _up.Set(_listener.IsRunning ? 1 : 0);
        _connections.Set(_listener.Counters.ConnectionsOpen);
        // The certificate served now (a renewed file shows at the next scrape, not a watch round later).
        var certificates = new HashSet<string[]>(LabelsComparer.Instance);
        if (_listener.CurrentCertificate is { } certificate)
        {
            string[] labels = [certificate.Subject, certificate.Thumbprint];
            _certificateExpiry.WithLabels(labels).Set(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
            certificates.Add(labels);
        }
        ForgetStale(_certificateExpiry, _certificateLabels, certificates);
        if (_listener.LastWatch is not { } watch)
        {
            return;
        }
        _lastWatch.Set(watch.Time.ToUnixTimeMilliseconds() / 1000.0);
        _queueLength.Set(watch.QueueLength);
        _queueOldest.Set(watch.OldestQueuedAge?.TotalSeconds ?? 0);
        var statuses = new HashSet<string[]>(LabelsComparer.Instance);
        var received = new HashSet<string[]>(LabelsComparer.Instance);
        foreach (var d in watch.Definitions)
        {
            foreach (var status in Enum.GetValues<JournalStatus>())
            {
                string[] labels = [d.Description, status.ToString()];
                _definitionStatus.WithLabels(labels).Set(d.Status == status ? 1 : 0);
                statuses.Add(labels);
            }
            if (d.LastReceived is { } last)
            {
                string[] labels = [d.Description];
                _lastReceived.WithLabels(labels).Set(last.ToUnixTimeMilliseconds() / 1000.0);
                received.Add(labels);
            }
        }
        ForgetStale(_definitionStatus, _statusLabels, statuses);
        ForgetStale(_lastReceived, _lastReceivedLabels, received);
    }

    // A removed definition (or a renewed certificate) leaves no series behind.
    private static void ForgetStale(Gauge gauge, HashSet<string[]> known, HashSet<string[]> now)
    {
        foreach (var stale in known.Where(k => !now.Contains(k)).ToList())
        {
            gauge.RemoveLabelled(stale);
        }
        known.Clear();
        known.UnionWith(now);
    }

    public void Dispose()
    {
        _listener.TransactionCompleted -= OnTransaction;
        _listener.Archived -= OnArchived;
    }

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj)
        {
            var hash = new HashCode();
            foreach (var s in obj)
            {
                hash.Add(s);
            }
            return hash.ToHashCode();
        }
    }
}
