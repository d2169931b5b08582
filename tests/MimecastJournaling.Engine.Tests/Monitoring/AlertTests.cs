using System.Security.Cryptography.X509Certificates;
using System.Net;
using System.Text.Json;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Monitoring;
using MimecastJournaling.Engine.Tests.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Monitoring;

/// <summary>
/// Alerts at a real local SMTP relay (STARTTLS, AUTH) and a loopback webhook: the Down alert with
/// no traffic at all (the listener's own watch timer), suppression of repeats, escalation after N.
/// </summary>
public sealed class AlertTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private const string RelayUser = "alerts";
    private const string RelayPassword = "relay-S3cret!";
    private readonly ListenerHarness _h = new();
    private readonly WebhookReceiver _webhook = new();
    private SmtpSink? _sink;
    private JournalListener? _listener;

    public Task InitializeAsync()
    {
        _sink = new SmtpSink(_h.Certificate, RelayUser, RelayPassword);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.StopAsync(TimeSpan.FromSeconds(5));
        }
        await _sink!.DisposeAsync();
        _webhook.Dispose();
        await _h.DisposeAsync();
    }

    private JournalAlertSettings Configure(Func<JournalAlertSettings, JournalAlertSettings>? change = null, string password = RelayPassword, bool webhook = true) =>
        JournalAlertStore.Save(_h.Temp.Store, (change ?? (s => s))(new JournalAlertSettings
        {
            EmailTo = ["journaling-team@contoso.com"],
            EscalationEmailTo = ["it-manager@contoso.com"],
            EmailFrom = "journal-listener@contoso.com",
            SmtpServer = "127.0.0.1",
            SmtpPort = _sink!.Port,
            SmtpUserName = RelayUser,
            SmtpCertificateThumbprint = _h.Certificate.Thumbprint,
        }), new JournalAlertSecrets(password, webhook ? _webhook.Url : null), "admin");

    [Fact]
    public async Task A_definition_that_receives_nothing_goes_Down_and_the_alert_email_and_webhook_arrive_without_any_traffic()
    {
        var definition = _h.Define("Contoso EXO", Service, s => s with { InactivityPeriod = TimeSpan.FromMinutes(1) });
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        _h.Temp.Store.RecordDefinitionHealth(definition.Id, JournalStatus.OK, null, clock.GetUtcNow(), []);
        Configure();
        // A certificate valid for 90 days, so the only condition is the one under test.
        using var issued = TestCertificates.Issue();
        using var listenerCertificate = RSACertificateExtensions.CopyWithPrivateKey(issued.Server, issued.Key);
        _listener = new JournalListener(_h.Temp.Store, _h.Archive, _h.Spool, new ListenerOptions
        {
            Endpoints = [new ListenerEndpoint(IPAddress.Loopback, 0)],
            Certificate = listenerCertificate,
            ServerName = ListenerHarness.ServerName,
            TemporaryDirectory = _h.Temp.Store.IncomingLocation,
            WatchInterval = TimeSpan.FromMilliseconds(200),
        }, clock);
        await _listener.StartAsync();
        var dispatcher = AlertDispatcher.Attach(_listener, _h.Temp.Store, clock);
        var failures = new List<string>();
        dispatcher.DeliveryFailed += failures.Add;

        await Task.Delay(600);
        Assert.Empty(_sink!.Messages);
        clock.Advance(TimeSpan.FromMinutes(2)); // the inactivity period runs out; nobody sends or reads anything

        await ListenerHarness.WaitUntilAsync(() => !_sink.Messages.IsEmpty && !_webhook.Bodies.IsEmpty, $"the Down alert arrives ({string.Join("; ", failures)})");
        Assert.Equal(JournalStatus.Down, _h.Temp.Configuration.GetDefinition("Contoso EXO").Status);
        var down = Assert.Single(_h.Temp.Configuration.GetEvents("Contoso EXO"), e => e.NewValue == "Down");
        Assert.Equal(JournalConfiguration.InactivityCheckActor, down.User);
        var email = _sink.Messages.First();
        Assert.Contains("DefinitionDown Contoso EXO", email.Subject);
        Assert.Equal(["journaling-team@contoso.com"], email.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("No journal report since", email.TextBody);
        Assert.Equal(RelayUser, Assert.Single(_sink.Logins));
        using var json = JsonDocument.Parse(_webhook.Bodies.First());
        Assert.Equal(("DefinitionDown", "Contoso EXO", "Firing"), (json.RootElement.GetProperty("condition").GetString(), json.RootElement.GetProperty("subject").GetString(), json.RootElement.GetProperty("state").GetString()));
        Assert.Contains("Down", json.RootElement.GetProperty("text").GetString());
        Assert.DoesNotContain(RelayPassword, email.ToString() + _webhook.Bodies.First());
    }

    [Fact]
    public async Task Repeats_are_suppressed_until_RepeatInterval_escalation_starts_at_the_Nth_alert_and_the_end_is_told_once()
    {
        Configure(s => s with { RepeatInterval = TimeSpan.FromMinutes(10), EscalateAfter = 3 });
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var dispatcher = new AlertDispatcher(_h.Temp.Store, clock);
        var error = new ListenerCondition(ListenerConditionKind.DefinitionError, "Contoso EXO", "Journal definition 'Contoso EXO' is in Error: TLS failures");
        ListenerWatchReport Round(params ListenerCondition[] conditions) => new(clock.GetUtcNow(), conditions, [], 0, null, null);

        for (var minute = 0; minute <= 20; minute++) // one round a minute for 21 minutes
        {
            dispatcher.Evaluate(Round(error));
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        dispatcher.Evaluate(Round()); // the condition ended

        await ListenerHarness.WaitUntilAsync(() => _sink!.Messages.Count == 4, "three alerts and the resolution are delivered");
        var subjects = _sink!.Messages.Select(m => m.Subject).ToList();
        Assert.Equal("[MimecastJournaling] DefinitionError Contoso EXO", subjects[0]);
        Assert.Equal("[MimecastJournaling] DefinitionError Contoso EXO (alert 2)", subjects[1]);
        Assert.Equal("[MimecastJournaling] ESCALATED DefinitionError Contoso EXO (alert 3)", subjects[2]);
        Assert.Equal("[MimecastJournaling] Resolved: DefinitionError Contoso EXO", subjects[3]);
        var messages = _sink.Messages.ToList();
        Assert.DoesNotContain(messages[1].To.Mailboxes, m => m.Address == "it-manager@contoso.com");
        Assert.Contains(messages[2].To.Mailboxes, m => m.Address == "it-manager@contoso.com");
        // Rounds 0, 10 and 20 sent; the 18 rounds between were suppressed.
        Assert.Equal(new AlertCounts(Sent: 3, Suppressed: 18, Escalated: 1, Resolved: 1, Failed: 0), dispatcher.Counts);
        await ListenerHarness.WaitUntilAsync(() => _webhook.Bodies.Count == 4, "the webhook got the same four");
        Assert.Contains("\"escalated\":true", _webhook.Bodies.ElementAt(2));
    }

    [Fact]
    public async Task A_queue_at_its_threshold_is_an_alert()
    {
        Configure(s => s with { QueueThreshold = 5 });
        await using var dispatcher = new AlertDispatcher(_h.Temp.Store);
        dispatcher.Evaluate(new ListenerWatchReport(DateTimeOffset.UtcNow, [], [], 4, TimeSpan.FromMinutes(3), null));
        dispatcher.Evaluate(new ListenerWatchReport(DateTimeOffset.UtcNow, [], [], 5, TimeSpan.FromMinutes(4), null));

        await ListenerHarness.WaitUntilAsync(() => _sink!.Messages.Count == 1, "the queue alert arrives");
        var email = _sink!.Messages.Single();
        Assert.Contains("QueueAboveThreshold", email.Subject);
        Assert.Contains("5 journal reports are waiting", email.TextBody);
    }

    [Fact]
    public async Task A_relay_that_refuses_the_login_is_a_failed_delivery_whose_error_never_holds_the_password()
    {
        Configure(password: "wrong-Passw0rd", webhook: false);
        var (settings, secrets) = JournalAlertStore.Read(_h.Temp.Store);

        var deliveries = await AlertDispatcher.DeliverAsync(settings!, secrets, new JournalAlert(null, "test", "Test", AlertState.Test, 1, false, DateTimeOffset.UtcNow), CancellationToken.None);

        var email = Assert.Single(deliveries);
        Assert.False(email.Succeeded);
        Assert.Contains("535", email.Error);
        Assert.DoesNotContain("wrong-Passw0rd", email.Error + email.Target);
    }

    [Fact]
    public void Settings_keep_secrets_apart_and_the_event_log_never_shows_them()
    {
        var saved = Configure();
        Assert.True(saved.HasSmtpPassword);
        Assert.Equal("127.0.0.1", saved.WebhookHost);
        Assert.DoesNotContain(RelayPassword, JsonSerializer.Serialize(saved));
        Assert.DoesNotContain("secret-token-123", JsonSerializer.Serialize(saved) + saved);
        var events = _h.Temp.Configuration.GetEvents().Where(e => e.ObjectType == JournalObjectType.Alert).ToList();
        Assert.Contains(events, e => e.Property == "SmtpPassword" && e.NewValue!.StartsWith("(hidden", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Property == "EmailTo" && e.NewValue == "journaling-team@contoso.com");
        Assert.DoesNotContain(events, e => (e.NewValue + e.OldValue).Contains(RelayPassword) || (e.NewValue + e.OldValue).Contains("secret-token-123"));

        var plainTextPassword = Assert.Throws<JournalConfigurationException>(() =>
            JournalAlertStore.Save(_h.Temp.Store, saved with { SmtpSecurity = AlertSmtpSecurity.None }, new JournalAlertSecrets(RelayPassword, null), "admin"));
        Assert.Equal("AlertCredentialNeedsTls", plainTextPassword.ErrorId);
        var httpWebhook = Assert.Throws<JournalConfigurationException>(() =>
            JournalAlertStore.Save(_h.Temp.Store, saved, new JournalAlertSecrets(null, "http://hooks.example.com/T0/secret"), "admin"));
        Assert.Equal("InvalidWebhookUrl", httpWebhook.ErrorId);
        Assert.DoesNotContain("secret", httpWebhook.Message);
    }
}
