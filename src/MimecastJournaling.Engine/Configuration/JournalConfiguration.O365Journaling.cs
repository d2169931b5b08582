using System.Text.Json;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// What Enable-O365Journaling set up in Exchange Online for a journal definition, kept with the
/// definition (an installation setting, <c>o365-journaling:&lt;definition id&gt;</c>), so that
/// Test-O365Journaling and a later Enable-O365Journaling need only the definition's name. The
/// names are the Exchange objects' (they do not follow a renamed definition). No secrets.
/// </summary>
public sealed record O365JournalingRecord
{
    /// <summary>The tenant as the connection named it (contoso.onmicrosoft.com or a GUID).</summary>
    public string? Tenant { get; init; }
    /// <summary>The tenant's directory id, when the connection knew it.</summary>
    public string? TenantId { get; init; }
    /// <summary>The service address the contact and the rule were set up for.</summary>
    public string ServiceEmailAddress { get; init; } = "";
    public IReadOnlyList<string> SmartHosts { get; init; } = [];
    public IReadOnlyList<string> RecipientDomains { get; init; } = [];
    /// <summary>The connector's TLS level (NoTls … DomainValidation, as Exchange names it).</summary>
    public string TlsSettings { get; init; } = "";
    public string? TlsDomain { get; init; }
    public string ContactName { get; init; } = "";
    public string ConnectorName { get; init; } = "";
    public string RuleName { get; init; } = "";
    /// <summary>The tenant's NDR recipient (JournalingReportNdrTo) as the setup left it.</summary>
    public string? NdrRecipient { get; init; }
    /// <summary>The journal rule's scope (Global, Internal, External).</summary>
    public string Scope { get; init; } = "";
    /// <summary>The one recipient journaled; null for everyone.</summary>
    public string? Recipient { get; init; }
    /// <summary>When Enable-O365Journaling last changed what is remembered.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"Contact '{ContactName}', connector '{ConnectorName}' to {string.Join(", ", SmartHosts)}, rule '{RuleName}'" + (Tenant is null ? "" : $" in {Tenant}");

    /// <summary>The remembered values without the time, for comparing two records and for the event.</summary>
    internal string Summary() => JsonSerializer.Serialize(this with { Updated = default }, SummaryOptions);

    private static readonly JsonSerializerOptions SummaryOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

public sealed partial class JournalConfiguration
{
    /// <summary>The installation setting that holds a definition's <see cref="O365JournalingRecord"/>.</summary>
    public static string O365JournalingSettingName(Guid definitionId) => "o365-journaling:" + definitionId.ToString("D");

    /// <summary>What Enable-O365Journaling remembered for this definition; null when it never ran for it (or the setting cannot be read).</summary>
    public O365JournalingRecord? GetO365Journaling(JournalDefinition definition)
    {
        var json = _store.GetSetting(O365JournalingSettingName(definition.Id));
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<O365JournalingRecord>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Remembers what Enable-O365Journaling set up for the definition, with a Changed event
    /// (property O365Journaling) when it differs from what was remembered; returns what is remembered now.
    /// </summary>
    public O365JournalingRecord RememberO365Journaling(string description, O365JournalingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var definition = GetDefinition(description);
        var before = GetO365Journaling(definition);
        var after = record with { Updated = _clock.GetUtcNow() };
        if (before is not null && before.Summary() == after.Summary())
        {
            return before;
        }
        _store.SetSetting(O365JournalingSettingName(definition.Id), JsonSerializer.Serialize(after), after.Updated,
            [Event(definition, "Changed", "O365Journaling", before?.Summary(), after.Summary())]);
        return after;
    }
}
