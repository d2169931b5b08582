using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Listener;

/// <summary>What the running listener tells observers: the watch's rounds and its certificate.</summary>
public sealed partial class JournalListener
{
    private ListenerCertificateSource? _certificateSource;

    /// <summary>
    /// Raised after every round of the watch (every WatchInterval, with or without traffic), on a
    /// background thread. Handlers must be quick and must not throw.
    /// </summary>
    public event Action<ListenerWatchReport>? Watched;

    /// <summary>The latest round of the watch, or null before the first.</summary>
    public ListenerWatchReport? LastWatch { get; private set; }

    /// <summary>The certificate served to the next TLS handshake (a renewed file is picked up here).</summary>
    public X509Certificate2? CurrentCertificate => _certificateSource?.Current;

    /// <summary>The options the listener runs with.</summary>
    public ListenerOptions Options => _options;

    /// <summary>True from the moment StopAsync begins: new messages are answered 421.</summary>
    public bool IsStopping => _stopping;

    /// <summary>Raised once StopAsync has stopped the listener (observers release what they hold).</summary>
    public event Action? Stopped;

    private void OnStopped()
    {
        var handlers = Stopped;
        Stopped = null;
        RaiseEach<bool>(handlers is null ? null : _ => handlers(), true);
    }

    /// <summary>Where the certificate comes from, or null without one.</summary>
    public ListenerCertificateSource? CertificateSource => _certificateSource ?? _options.CertificateSource;

    private ListenerCertificateSource? CertificateSourceOf(ListenerOptions options)
    {
        _certificateSource = options.CertificateSource ?? (options.Certificate is { } certificate ? ListenerCertificateSource.Fixed(certificate) : null);
        return _certificateSource;
    }

    /// <summary>
    /// Raised for every finished SMTP transaction (accepted, refused, TLS failed, abandoned), on the
    /// session's thread: handlers must be quick (queue the record) and never throw.
    /// </summary>
    public event Action<SmtpTransactionRecord>? TransactionCompleted;

    /// <summary>Raised when reports of a definition have been archived, with their outcomes (on the spool processor's thread).</summary>
    public event Action<JournalDefinition, IReadOnlyList<JournalOutcome>>? Archived;

    private void OnTransactionCompleted(SmtpTransactionRecord record) => RaiseEach(TransactionCompleted, record);

    private void OnArchived(JournalDefinition definition, IReadOnlyList<JournalOutcome> outcomes)
    {
        var handlers = Archived;
        if (handlers is null)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Action<JournalDefinition, IReadOnlyList<JournalOutcome>>>())
        {
            try
            {
                handler(definition, outcomes);
            }
            catch (Exception)
            {
                // An observer's trouble never stops archiving.
            }
        }
    }

    private void OnWatched(ListenerWatchReport report)
    {
        LastWatch = report;
        RaiseEach(Watched, report);
    }

    /// <summary>Calls every handler; one handler's exception reaches neither the others nor the SMTP session.</summary>
    private static void RaiseEach<T>(Action<T>? handlers, T value)
    {
        if (handlers is null)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                handler(value);
            }
            catch (Exception)
            {
                // An observer's trouble never stops the listener.
            }
        }
    }
}
