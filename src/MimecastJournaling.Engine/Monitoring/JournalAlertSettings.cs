using System.Text.Json;
using System.Text.Json.Serialization;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Monitoring;

/// <summary>How the alert email reaches its relay.</summary>
public enum AlertSmtpSecurity
{
    /// <summary>STARTTLS required (port 587 or 25).</summary>
    StartTls,
    /// <summary>TLS from the start (port 465).</summary>
    Tls,
    /// <summary>No TLS at all: only for a relay on this host or a trusted segment.</summary>
    None,
}

/// <summary>
/// Who hears about trouble and when (Set-JournalAlert). Secrets (the relay's password, the
/// webhook URL, which carries its token) are not part of this record: they are kept apart in the
/// store, never shown; <see cref="HasSmtpPassword"/> and <see cref="WebhookHost"/> only say they are set.
/// </summary>
public sealed record JournalAlertSettings
{
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<string> EmailTo { get; init; } = [];
    /// <summary>Also told from the EscalateAfter-th alert in a row on (Mimecast's escalation subscribers).</summary>
    public IReadOnlyList<string> EscalationEmailTo { get; init; } = [];
    public string? EmailFrom { get; init; }
    public string? SmtpServer { get; init; }
    public int SmtpPort { get; init; } = 587;
    public AlertSmtpSecurity SmtpSecurity { get; init; } = AlertSmtpSecurity.StartTls;
    public string? SmtpUserName { get; init; }
    /// <summary>Pins the relay's certificate (a self-signed relay); otherwise the chain and name are validated.</summary>
    public string? SmtpCertificateThumbprint { get; init; }
    /// <summary>Queue length at or above which QueueAboveThreshold holds.</summary>
    public int QueueThreshold { get; init; } = 1000;
    /// <summary>While a condition holds, it is told again this often; the rounds between are suppressed.</summary>
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>The alert number (in a row, for one condition) from which escalation recipients are told too.</summary>
    public int EscalateAfter { get; init; } = 5;

    [JsonIgnore]
    public bool HasSmtpPassword { get; init; }

    /// <summary>The webhook's host (the URL itself holds its token and is never shown), or null without a webhook.</summary>
    [JsonIgnore]
    public string? WebhookHost { get; init; }

    [JsonIgnore]
    public bool HasEmail => EmailTo.Count > 0 && !string.IsNullOrEmpty(SmtpServer);
}

/// <summary>The secrets of the alert settings, stored apart from them; ToString never shows them.</summary>
public sealed record JournalAlertSecrets(string? SmtpPassword, string? WebhookUrl)
{
    public override string ToString() => $"JournalAlertSecrets {{ SmtpPassword = {(SmtpPassword is null ? "none" : "(hidden)")}, WebhookUrl = {(WebhookUrl is null ? "none" : "(hidden)")} }}";
}

/// <summary>
/// Reads and writes the alert settings in the store (two settings: the plain one, and the secrets).
/// The secrets are protected as the store file is (mode 0600 for SQLite); they are never returned by
/// Get-JournalAlert, written to the event log (changes show "(hidden)") or put in a message.
/// </summary>
public static class JournalAlertStore
{
    internal const string SettingName = "alerts";
    internal const string SecretsName = "alerts.secrets";

    public static (JournalAlertSettings? Settings, JournalAlertSecrets Secrets) Read(IJournalStore store)
    {
        var secrets = store.GetSetting(SecretsName) is { } s ? JsonSerializer.Deserialize<JournalAlertSecrets>(s) ?? new(null, null) : new JournalAlertSecrets(null, null);
        if (store.GetSetting(SettingName) is not { } json)
        {
            return (null, secrets);
        }
        var settings = JsonSerializer.Deserialize<JournalAlertSettings>(json) ?? new JournalAlertSettings();
        return (settings with
        {
            HasSmtpPassword = secrets.SmtpPassword is not null,
            WebhookHost = secrets.WebhookUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : null,
        }, secrets);
    }

    /// <summary>Validates and stores the settings; the event log names what changed, never a secret's value.</summary>
    public static JournalAlertSettings Save(IJournalStore store, JournalAlertSettings settings, JournalAlertSecrets secrets, string user, TimeProvider? clock = null)
    {
        Validate(settings, secrets);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var (old, oldSecrets) = Read(store);
        var changes = new SettingChanges(now, user, JournalObjectType.Alert, "alerts", created: old is null);
        var plain = JsonSerializer.Serialize(settings);
        foreach (var property in typeof(JournalAlertSettings).GetProperties().Where(p => p.GetCustomAttributes(typeof(JsonIgnoreAttribute), false).Length == 0))
        {
            changes.Record(property.Name, old is null ? null : Show(property.GetValue(old)), Show(property.GetValue(settings)));
        }
        changes.Record("SmtpPassword", oldSecrets.SmtpPassword is null ? null : "(hidden)", secrets.SmtpPassword is null ? null : (oldSecrets.SmtpPassword == secrets.SmtpPassword ? "(hidden)" : "(hidden, changed)"));
        changes.Record("WebhookUrl", oldSecrets.WebhookUrl is null ? null : "(hidden)", secrets.WebhookUrl is null ? null : (oldSecrets.WebhookUrl == secrets.WebhookUrl ? "(hidden)" : "(hidden, changed)"));
        store.SetSetting(SecretsName, JsonSerializer.Serialize(secrets), now, []);
        store.SetSetting(SettingName, plain, now, changes.Events);
        return Read(store).Settings!;
    }

    private static string? Show(object? value) => value switch
    {
        null => null,
        IEnumerable<string> list => string.Join(", ", list),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void Validate(JournalAlertSettings s, JournalAlertSecrets secrets)
    {
        foreach (var address in s.EmailTo.Concat(s.EscalationEmailTo).Append(s.EmailFrom).OfType<string>())
        {
            if (!MimeKit.MailboxAddress.TryParse(address, out _) || !address.Contains('@'))
            {
                throw new JournalConfigurationException("InvalidAlertAddress", JournalErrorKind.InvalidArgument,
                    $"'{address}' is not an email address. Give addresses such as journaling-team@contoso.com.", address);
            }
        }
        if (s.EmailTo.Count > 0 && (string.IsNullOrWhiteSpace(s.SmtpServer) || s.EmailFrom is null))
        {
            throw new JournalConfigurationException("AlertSmtpServerRequired", JournalErrorKind.InvalidArgument,
                "Email alerts need -SmtpServer (the relay) and -EmailFrom as well as -EmailTo.");
        }
        if (s.SmtpPort is < 1 or > 65535 || s.QueueThreshold < 1 || s.EscalateAfter < 1 || s.RepeatInterval < TimeSpan.FromSeconds(1))
        {
            throw new JournalConfigurationException("InvalidAlertSetting", JournalErrorKind.InvalidArgument,
                "SmtpPort must be 1-65535, QueueThreshold and EscalateAfter at least 1, RepeatInterval at least one second.");
        }
        if (secrets.SmtpPassword is not null && s.SmtpUserName is null)
        {
            throw new JournalConfigurationException("InvalidAlertSetting", JournalErrorKind.InvalidArgument, "An SMTP password needs its user name (-SmtpCredential).");
        }
        if (secrets.SmtpPassword is not null && s.SmtpSecurity == AlertSmtpSecurity.None)
        {
            throw new JournalConfigurationException("AlertCredentialNeedsTls", JournalErrorKind.InvalidArgument,
                "The relay's password would travel in clear text. Use -SmtpSecurity StartTls or Tls with -SmtpCredential.");
        }
        if (secrets.WebhookUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)))
        {
            throw new JournalConfigurationException("InvalidWebhookUrl", JournalErrorKind.InvalidArgument,
                "The webhook must be an https:// URL (Teams or Slack incoming webhook); plain http is accepted only on this host (loopback).");
        }
    }
}
