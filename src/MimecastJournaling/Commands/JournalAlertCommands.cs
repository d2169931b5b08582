using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Monitoring;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Get, "JournalAlert")]
[OutputType(typeof(JournalAlertSettings))]
public sealed class GetJournalAlertCommand : JournalCmdlet
{
    protected override void ProcessRecord() => Try(() =>
    {
        if (JournalAlertStore.Read(OpenBackend().Store).Settings is { } settings)
        {
            WriteObject(settings);
        }
    });
}

[Cmdlet(VerbsCommon.Set, "JournalAlert", SupportsShouldProcess = true)]
[OutputType(typeof(JournalAlertSettings))]
public sealed class SetJournalAlertCommand : JournalCmdlet
{
    [Parameter]
    [AllowEmptyCollection]
    public string[]? EmailTo { get; set; }

    /// <summary>Also told from the EscalateAfter-th alert in a row on.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? EscalationEmailTo { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EmailFrom { get; set; }

    /// <summary>The SMTP relay that sends the alert email.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SmtpServer { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int SmtpPort { get; set; }

    [Parameter]
    public AlertSmtpSecurity SmtpSecurity { get; set; }

    /// <summary>The relay's login; the password is stored apart and never shown.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SmtpCredential { get; set; }

    [Parameter]
    public SwitchParameter RemoveSmtpCredential { get; set; }

    /// <summary>Pins the relay's certificate by thumbprint (a relay with a self-signed certificate).</summary>
    [Parameter]
    [AllowEmptyString]
    public string? SmtpCertificateThumbprint { get; set; }

    /// <summary>A Teams or Slack incoming-webhook URL; it carries its token, so it is stored apart and never shown.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WebhookUrl { get; set; }

    [Parameter]
    public SwitchParameter RemoveWebhook { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int QueueThreshold { get; set; }

    [Parameter]
    public TimeSpan RepeatInterval { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int EscalateAfter { get; set; }

    [Parameter]
    public bool Enabled { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var store = OpenBackend().Store;
        var (current, secrets) = JournalAlertStore.Read(store);
        var s = current ?? new JournalAlertSettings();
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(EmailTo))) s = s with { EmailTo = EmailTo ?? [] };
        if (bound.ContainsKey(nameof(EscalationEmailTo))) s = s with { EscalationEmailTo = EscalationEmailTo ?? [] };
        if (EmailFrom is not null) s = s with { EmailFrom = EmailFrom };
        if (SmtpServer is not null) s = s with { SmtpServer = SmtpServer };
        if (bound.ContainsKey(nameof(SmtpPort))) s = s with { SmtpPort = SmtpPort };
        if (bound.ContainsKey(nameof(SmtpSecurity))) s = s with { SmtpSecurity = SmtpSecurity };
        if (bound.ContainsKey(nameof(SmtpCertificateThumbprint))) s = s with { SmtpCertificateThumbprint = string.IsNullOrEmpty(SmtpCertificateThumbprint) ? null : SmtpCertificateThumbprint };
        if (bound.ContainsKey(nameof(QueueThreshold))) s = s with { QueueThreshold = QueueThreshold };
        if (bound.ContainsKey(nameof(RepeatInterval))) s = s with { RepeatInterval = RepeatInterval };
        if (bound.ContainsKey(nameof(EscalateAfter))) s = s with { EscalateAfter = EscalateAfter };
        if (bound.ContainsKey(nameof(Enabled))) s = s with { Enabled = Enabled };
        if (SmtpCredential is not null)
        {
            s = s with { SmtpUserName = SmtpCredential.UserName };
            secrets = secrets with { SmtpPassword = SmtpCredential.GetNetworkCredential().Password };
        }
        if (RemoveSmtpCredential)
        {
            s = s with { SmtpUserName = null };
            secrets = secrets with { SmtpPassword = null };
        }
        if (WebhookUrl is not null) secrets = secrets with { WebhookUrl = WebhookUrl };
        if (RemoveWebhook) secrets = secrets with { WebhookUrl = null };
        var changes = string.Join(", ", bound.Keys.Where(k => k is not (nameof(Store) or nameof(PassThru) or "WhatIf" or "Confirm" or "Verbose" or "Debug")));
        if (ShouldProcess("journal alerts", $"Set {changes}"))
        {
            var saved = JournalAlertStore.Save(store, s, secrets, Actor);
            if (saved.EmailTo.Count == 0 && saved.WebhookHost is null)
            {
                WriteWarning("No alert channel is set: give -EmailTo with -SmtpServer and -EmailFrom, or -WebhookUrl, so trouble reaches someone.");
            }
            if (PassThru)
            {
                WriteObject(saved);
            }
        }
    });
}

[Cmdlet(VerbsCommunications.Send, "JournalAlert", SupportsShouldProcess = true)]
[OutputType(typeof(AlertDelivery))]
public sealed class SendJournalAlertCommand : JournalCmdlet
{
    /// <summary>Sends a test alert on every configured channel now (email and webhook) and shows what each did.</summary>
    [Parameter(Mandatory = true)]
    public SwitchParameter Test { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var (settings, secrets) = JournalAlertStore.Read(OpenBackend().Store);
        if (settings is null || (!settings.HasEmail && secrets.WebhookUrl is null))
        {
            throw new JournalConfigurationException("AlertNotConfigured", JournalErrorKind.InvalidOperation,
                "No alert channel is set. Set one first, for example: Set-JournalAlert -EmailTo team@contoso.com -EmailFrom journal@contoso.com -SmtpServer smtp.contoso.com.");
        }
        if (!ShouldProcess(string.Join(", ", new[] { settings.HasEmail ? string.Join(", ", settings.EmailTo) : null, settings.WebhookHost }.OfType<string>()), "Send a test alert"))
        {
            return;
        }
        var alert = new JournalAlert(null, Environment.MachineName, $"Test alert from MimecastJournaling on {Environment.MachineName}, sent by {Actor}. If you read this, alerts reach you.",
            AlertState.Test, 1, false, DateTimeOffset.UtcNow);
        foreach (var delivery in AlertDispatcher.DeliverAsync(settings, secrets, alert, CancellationToken.None).GetAwaiter().GetResult())
        {
            if (!delivery.Succeeded)
            {
                WriteError(ToErrorRecord(new JournalConfigurationException("AlertDeliveryFailed", JournalErrorKind.ConnectionError,
                    $"The test alert could not be sent by {delivery.Channel} to {delivery.Target}: {delivery.Error}", delivery.Target)));
            }
            WriteObject(delivery);
        }
    });
}
