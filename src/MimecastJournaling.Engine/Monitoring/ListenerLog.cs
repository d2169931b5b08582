using Microsoft.Extensions.Logging;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Engine.Monitoring;

/// <summary>
/// Writes what a running listener does to an ILogger (Microsoft.Extensions.Logging): one
/// structured line per SMTP transaction (client address, definition, reply code, Message-ID,
/// size, duration; never a password or content), conditions as they start and end (definition
/// Error or Down, queue, certificate expiry), and certificate renewals. Where the lines go is
/// the host's choice (console, journald, the Windows event log, a file).
/// </summary>
public static partial class ListenerLog
{
    /// <summary>Logger category of the listener's lines.</summary>
    public const string Category = "MimecastJournaling.Listener";

    /// <summary>Starts logging the listener's transactions, conditions and renewals; dispose the result to stop.</summary>
    public static IDisposable Attach(JournalListener listener, ILogger logger)
    {
        var open = new HashSet<string>();
        void OnTransaction(SmtpTransactionRecord r)
        {
            var level = r.Outcome switch
            {
                SmtpTransactionOutcome.Accepted => LogLevel.Information,
                SmtpTransactionOutcome.Abandoned => LogLevel.Information,
                _ => LogLevel.Warning,
            };
            Transaction(logger, level, r.ClientAddress, r.Definition ?? r.Recipient ?? "-", r.ReplyCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                r.Outcome, r.MessageId ?? "-", r.Size ?? 0, (long)r.Duration.TotalMilliseconds, r.Refusal?.ToString() ?? "-", r.Tls, r.Reply ?? "-");
        }
        void OnWatched(ListenerWatchReport report)
        {
            var now = report.Conditions.ToDictionary(c => c.Key);
            lock (open)
            {
                foreach (var condition in report.Conditions.Where(c => open.Add(c.Key)))
                {
                    ConditionStarted(logger, condition.Kind, condition.Subject, condition.Message);
                }
                foreach (var ended in open.Where(k => !now.ContainsKey(k)).ToList())
                {
                    open.Remove(ended);
                    ConditionEnded(logger, ended);
                }
            }
        }
        void OnRenewed(System.Security.Cryptography.X509Certificates.X509Certificate2 old, System.Security.Cryptography.X509Certificates.X509Certificate2 renewed) =>
            CertificateRenewed(logger, old.Thumbprint, renewed.Thumbprint, renewed.Subject, renewed.NotAfter.ToUniversalTime());
        void OnRenewalFailed(string message) => CertificateRenewalFailed(logger, message);

        listener.TransactionCompleted += OnTransaction;
        listener.Watched += OnWatched;
        var source = listener.CertificateSource;
        if (source is not null)
        {
            source.Renewed += OnRenewed;
            source.RenewalFailed += OnRenewalFailed;
        }
        return new Detach(() =>
        {
            listener.TransactionCompleted -= OnTransaction;
            listener.Watched -= OnWatched;
            if (source is not null)
            {
                source.Renewed -= OnRenewed;
                source.RenewalFailed -= OnRenewalFailed;
            }
        });
    }

    [LoggerMessage(EventId = 1000, Message = "SMTP {ClientAddress} {Definition} {ReplyCode} {Outcome} Message-ID {MessageId} {Size} bytes {DurationMs} ms refusal {Refusal} tls {Tls}: {Reply}")]
    private static partial void Transaction(ILogger logger, LogLevel level, string clientAddress, string definition, string replyCode, SmtpTransactionOutcome outcome,
        string messageId, long size, long durationMs, string refusal, bool tls, string reply);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "{Kind} {Subject}: {Text}")]
    private static partial void ConditionStarted(ILogger logger, ListenerConditionKind kind, string subject, string text);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Condition ended: {Condition}")]
    private static partial void ConditionEnded(ILogger logger, string condition);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "TLS certificate renewed: {OldThumbprint} -> {NewThumbprint} ({Subject}, valid until {NotAfter:u}); new sessions get it")]
    private static partial void CertificateRenewed(ILogger logger, string oldThumbprint, string newThumbprint, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "{Text}")]
    private static partial void CertificateRenewalFailed(ILogger logger, string text);

    private sealed class Detach(Action detach) : IDisposable
    {
        private Action? _detach = detach;

        public void Dispose() => Interlocked.Exchange(ref _detach, null)?.Invoke();
    }
}
