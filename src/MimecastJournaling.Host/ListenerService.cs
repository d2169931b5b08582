using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Monitoring;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Host;

/// <summary>
/// Runs the engine's <see cref="JournalListener"/> over the store for the host's lifetime. Start
/// completes once every endpoint is bound (only then does systemd hear READY=1); a stop request
/// (SIGTERM, the service manager) lets sessions finish for StopTimeout, stores what is queued and
/// stops the spool processor. Reports that got their 250 and are not archived yet stay in the
/// spool and are archived first thing at the next start. As with Start-JournalListener: a renewed
/// certificate file is served without a restart, alerts follow Set-JournalAlert in the store, one
/// log record per SMTP transaction goes to the host's log (journald under systemd), and
/// --metrics-prefix serves /metrics, /health and /ready.
/// </summary>
internal sealed class ListenerService(ListenerHostSettings settings, ILogger<ListenerService> logger, ILoggerFactory loggerFactory) : IHostedService
{
    private JournalBackend? _backend;
    private JournalListener? _listener;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!JournalBackend.Exists(settings.Store))
        {
            throw new JournalConfigurationException("StoreNotFound", JournalErrorKind.NotFound,
                $"The store '{settings.Store}' does not exist. Create the journal definitions in it first (New-JournalDefinition -Store '{settings.Store}').", settings.Store);
        }
        _backend = JournalBackend.Open(settings.Store);
        var certificate = HostCertificate.Load(settings);
        if (certificate is null && new JournalConfiguration(_backend.Store, settings.Name).GetDefinitions().Any(d => d.Encrypted && !d.Disabled))
        {
            logger.LogWarning("No certificate was given, so STARTTLS is not offered: definitions with Encrypted (TLS required) will refuse every report with 530. Give --certificate.");
        }
        var options = new ListenerOptions
        {
            Endpoints = settings.Endpoints,
            CertificateSource = certificate,
            ServerName = settings.ServerName ?? Dns.GetHostName(),
            MaxConnections = settings.MaxConnections,
            MaxConnectionsPerSource = settings.MaxConnectionsPerSource,
        };
        _listener = _backend.CreateListener(options);
        var observers = new List<IAsyncDisposable>();
        try
        {
            var alerts = AlertDispatcher.Attach(_listener, _backend.Store);
            alerts.DeliveryFailed += message => logger.LogWarning(1300, "{Text}", message);
            alerts.AlertSent += alert => logger.LogInformation(1301, "Alert sent: {Title}", alert.Title);
            var transactions = ListenerLog.Attach(_listener, loggerFactory.CreateLogger(ListenerLog.Category));
            _listener.Stopped += transactions.Dispose;
            if (settings.MetricsPrefix is { } prefix)
            {
                observers.Add(ListenerMonitorEndpoint.Start(_listener, prefix));
            }
            await _listener.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var observer in observers)
            {
                await observer.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        _listener.Stopped += () =>
        {
            foreach (var observer in observers)
            {
                observer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        };
        logger.LogInformation("Journal listener {Name} listening on {Endpoints} with the store {Store}{Certificate}{Metrics}.",
            settings.Name, string.Join(", ", _listener.BoundEndpoints), _backend.Location,
            certificate is null ? " (no certificate: no STARTTLS)" : $", certificate {certificate.Current.Subject} ({certificate.Current.Thumbprint}) from {certificate.Description}",
            settings.MetricsPrefix is null ? string.Empty : $", metrics at {settings.MetricsPrefix}metrics");
        if (certificate is not null && CertificateExpiryStatus.Of(certificate.Current, DateTimeOffset.UtcNow) is { State: not CertificateExpiryState.Valid } expiry)
        {
            logger.LogWarning("{Text}", expiry.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            logger.LogInformation("Stopping: letting sessions finish for up to {Seconds} s and storing what is queued.", (int)settings.StopTimeout.TotalSeconds);
            await _listener.StopAsync(settings.StopTimeout).ConfigureAwait(false);
            var counters = _listener.Counters.Snapshot();
            // The JIT figures show whether the ReadyToRun images were used (build.ps1 -ReadyToRun).
            logger.LogInformation("Stopped: {Received} received, {Accepted} accepted since the start ({JitMethods} methods JIT-compiled, {JitMilliseconds} ms in the JIT).",
                counters.Received, counters.Accepted, System.Runtime.JitInfo.GetCompiledMethodCount(), (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
        }
        // The backend is shared by the process (JournalBackend.Open caches it); it ends with the process.
    }
}
