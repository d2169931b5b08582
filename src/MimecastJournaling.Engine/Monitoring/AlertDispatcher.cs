using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Monitoring;

/// <summary>Firing (new, repeated or escalated), Resolved when the condition ended, Test from Send-JournalAlert -Test.</summary>
public enum AlertState
{
    Firing,
    Resolved,
    Test,
}

/// <summary>One alert as sent: which condition, how many times in a row, and whether escalation recipients get it.</summary>
public sealed record JournalAlert(ListenerConditionKind? Kind, string Subject, string Message, AlertState State, int Number, bool Escalated, DateTimeOffset Time)
{
    public string Title => State switch
    {
        AlertState.Test => "[MimecastJournaling] Test alert",
        AlertState.Resolved => $"[MimecastJournaling] Resolved: {Kind} {Subject}",
        _ => $"[MimecastJournaling] {(Escalated ? "ESCALATED " : "")}{Kind} {Subject}{(Number > 1 ? $" (alert {Number})" : "")}",
    };
}

/// <summary>What happened to one alert on one channel (Send-JournalAlert's output).</summary>
public sealed record AlertDelivery(string Channel, string Target, bool Succeeded, string? Error);

/// <summary>Counts of the dispatcher since it started.</summary>
public sealed record AlertCounts(long Sent, long Suppressed, long Escalated, long Resolved, long Failed);

/// <summary>
/// Turns the listener's watch reports into alerts, as Mimecast's Service Monitor does: a condition
/// (definition Error or Down, queue at or above QueueThreshold, certificate near or past its end,
/// integrity check failed) is told when it starts; while it holds it is told again every
/// RepeatInterval and the rounds between are suppressed; from the EscalateAfter-th alert in a row
/// the escalation recipients are told too; its end is told once (Resolved). The Down alert needs
/// no traffic: the watch runs on its own timer. Settings are read from the store every round, so
/// Set-JournalAlert takes effect without a restart. Sending runs in the background; a failed
/// delivery is counted and reported, never thrown at the listener.
/// </summary>
public sealed class AlertDispatcher : IAsyncDisposable
{
    private readonly IJournalStore _store;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, (DateTimeOffset LastSent, int Number, ListenerCondition Condition)> _open = new();
    private readonly Channel<JournalAlert> _outbox = Channel.CreateUnbounded<JournalAlert>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _sender;
    private long _sent, _suppressed, _escalated, _resolved, _failed;

    public AlertDispatcher(IJournalStore store, TimeProvider? clock = null)
    {
        _store = store;
        _clock = clock ?? TimeProvider.System;
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>A delivery failed (the text names the channel and the reason, never a secret).</summary>
    public event Action<string>? DeliveryFailed;

    /// <summary>An alert went out on at least one channel.</summary>
    public event Action<JournalAlert>? AlertSent;

    public AlertCounts Counts => new(Interlocked.Read(ref _sent), Interlocked.Read(ref _suppressed), Interlocked.Read(ref _escalated), Interlocked.Read(ref _resolved), Interlocked.Read(ref _failed));

    /// <summary>Alerts for this listener's watch, until the listener stops.</summary>
    public static AlertDispatcher Attach(JournalListener listener, IJournalStore store, TimeProvider? clock = null)
    {
        var dispatcher = new AlertDispatcher(store, clock);
        listener.Watched += dispatcher.Evaluate;
        listener.Stopped += () =>
        {
            listener.Watched -= dispatcher.Evaluate;
            dispatcher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        };
        return dispatcher;
    }

    /// <summary>One round: which conditions start, repeat, escalate, stay suppressed or end.</summary>
    public void Evaluate(ListenerWatchReport report)
    {
        var (settings, _) = JournalAlertStore.Read(_store);
        if (settings is not { Enabled: true })
        {
            return;
        }
        var conditions = report.Conditions.ToList();
        if (report.QueueLength >= settings.QueueThreshold)
        {
            conditions.Add(new ListenerCondition(ListenerConditionKind.QueueAboveThreshold, "queue",
                $"{report.QueueLength} journal reports are waiting in the queue (threshold {settings.QueueThreshold}); the oldest for {report.OldestQueuedAge?.TotalMinutes:0} minutes."));
        }
        var now = _clock.GetUtcNow();
        lock (_open)
        {
            foreach (var c in conditions)
            {
                if (!_open.TryGetValue(c.Key, out var state))
                {
                    _open[c.Key] = (now, 1, c);
                    Queue(new JournalAlert(c.Kind, c.Subject, c.Message, AlertState.Firing, 1, settings.EscalateAfter <= 1, now));
                }
                else if (now - state.LastSent >= settings.RepeatInterval)
                {
                    var number = state.Number + 1;
                    _open[c.Key] = (now, number, c);
                    Queue(new JournalAlert(c.Kind, c.Subject, c.Message, AlertState.Firing, number, number >= settings.EscalateAfter, now));
                }
                else
                {
                    Interlocked.Increment(ref _suppressed);
                }
            }
            var holding = conditions.Select(c => c.Key).ToHashSet();
            foreach (var (key, state) in _open.Where(o => !holding.Contains(o.Key)).ToList())
            {
                _open.Remove(key);
                Interlocked.Increment(ref _resolved);
                Queue(new JournalAlert(state.Condition.Kind, state.Condition.Subject, $"Resolved: {state.Condition.Message}", AlertState.Resolved, state.Number, false, now));
            }
        }
    }

    private void Queue(JournalAlert alert)
    {
        if (alert.Escalated)
        {
            Interlocked.Increment(ref _escalated);
        }
        _outbox.Writer.TryWrite(alert);
    }

    private async Task SendLoopAsync()
    {
        await foreach (var alert in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var (settings, secrets) = JournalAlertStore.Read(_store);
                if (settings is null)
                {
                    continue;
                }
                var deliveries = await DeliverAsync(settings, secrets, alert, CancellationToken.None).ConfigureAwait(false);
                if (deliveries.Any(d => d.Succeeded) && alert.State != AlertState.Resolved)
                {
                    Interlocked.Increment(ref _sent);
                }
                if (deliveries.Any(d => d.Succeeded))
                {
                    AlertSent?.Invoke(alert);
                }
                foreach (var failed in deliveries.Where(d => !d.Succeeded))
                {
                    Interlocked.Increment(ref _failed);
                    DeliveryFailed?.Invoke($"The alert '{alert.Title}' could not be sent by {failed.Channel} to {failed.Target}: {failed.Error}");
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failed);
                DeliveryFailed?.Invoke($"The alert '{alert.Title}' could not be sent: {e.Message}");
            }
        }
    }

    /// <summary>Sends one alert on every configured channel (email, webhook); never throws for a channel's failure.</summary>
    public static async Task<IReadOnlyList<AlertDelivery>> DeliverAsync(JournalAlertSettings settings, JournalAlertSecrets secrets, JournalAlert alert, CancellationToken cancellationToken)
    {
        var deliveries = new List<AlertDelivery>();
        if (settings.HasEmail)
        {
            var to = alert.Escalated ? settings.EmailTo.Concat(settings.EscalationEmailTo).Distinct(StringComparer.OrdinalIgnoreCase).ToList() : settings.EmailTo.ToList();
            var target = $"{string.Join(", ", to)} via {settings.SmtpServer}:{settings.SmtpPort}";
            try
            {
                await SendEmailAsync(settings, secrets, alert, to, cancellationToken).ConfigureAwait(false);
                deliveries.Add(new AlertDelivery("Email", target, true, null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                deliveries.Add(new AlertDelivery("Email", target, false, Redact(e.Message, secrets)));
            }
        }
        if (secrets.WebhookUrl is { } url)
        {
            var target = settings.WebhookHost ?? "webhook";
            try
            {
                await PostWebhookAsync(url, alert, cancellationToken).ConfigureAwait(false);
                deliveries.Add(new AlertDelivery("Webhook", target, true, null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                deliveries.Add(new AlertDelivery("Webhook", target, false, Redact(e.Message, secrets)));
            }
        }
        return deliveries;
    }

    private static string Redact(string text, JournalAlertSecrets secrets)
    {
        foreach (var secret in new[] { secrets.SmtpPassword, secrets.WebhookUrl }.OfType<string>().Where(s => s.Length > 0))
        {
            text = text.Replace(secret, "(hidden)", StringComparison.Ordinal);
        }
        return text;
    }

    private static async Task SendEmailAsync(JournalAlertSettings settings, JournalAlertSecrets secrets, JournalAlert alert, IReadOnlyList<string> to, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.EmailFrom!));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }
        message.Subject = alert.Title;
        message.Headers.Add("X-MimecastJournaling-Alert", $"{alert.State} {alert.Kind} {alert.Number}{(alert.Escalated ? " escalated" : "")}");
        message.Body = new TextPart("plain") { Text = Body(alert) };
        using var client = new SmtpClient { Timeout = 60_000 };
        if (settings.SmtpCertificateThumbprint is { } pinned)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(new X509Certificate2(certificate).Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
        }
        var security = settings.SmtpSecurity switch
        {
            AlertSmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            AlertSmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(settings.SmtpServer!, settings.SmtpPort, security, cancellationToken).ConfigureAwait(false);
        if (settings.SmtpUserName is { } user && secrets.SmtpPassword is { } password)
        {
            await client.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }

    private static string Body(JournalAlert alert) =>
        $"{alert.Message}\r\n\r\n" +
        $"Condition: {alert.Kind?.ToString() ?? "Test"} {alert.Subject}\r\n" +
        $"State: {alert.State}{(alert.State == AlertState.Firing ? $" (alert {alert.Number} in a row{(alert.Escalated ? ", escalated" : "")})" : "")}\r\n" +
        $"Host: {Environment.MachineName}\r\n" +
        $"Time: {alert.Time:u}\r\n";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Teams/Slack-style JSON: both show "text"; the other fields are for automation.</summary>
    private static async Task PostWebhookAsync(string url, JournalAlert alert, CancellationToken cancellationToken)
    {
        var body = new
        {
            title = alert.Title,
            text = $"{alert.Title}\n{alert.Message}",
            condition = alert.Kind?.ToString() ?? "Test",
            subject = alert.Subject,
            state = alert.State.ToString(),
            number = alert.Number,
            escalated = alert.Escalated,
            host = Environment.MachineName,
            time = alert.Time,
        };
        using var response = await Http.PostAsJsonAsync(url, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the webhook answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>Sends what is queued, then stops; a second call does nothing more.</summary>
    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _sender.ConfigureAwait(false);
    }
}
