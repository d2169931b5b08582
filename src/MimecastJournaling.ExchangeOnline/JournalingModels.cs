namespace MimecastJournaling.ExchangeOnline;

// Plain records of our own for what the journaling cmdlets read and write. Parameter names follow
// Microsoft's cmdlet reference (exo-admin-api.md §2); no JSON types appear in any signature.

/// <summary>New-OutboundConnector -ConnectorType (TenantConnectorType).</summary>
public enum TenantConnectorType
{
    /// <summary>Domains external to the organization (an archiver).</summary>
    Partner,
    /// <summary>The organization's own on-premises servers.</summary>
    OnPremises,
}

/// <summary>-TlsSettings (TlsAuthLevel).</summary>
public enum TlsAuthLevel
{
    /// <summary>TLS, any certificate.</summary>
    EncryptionOnly,
    /// <summary>TLS with a trusted certificate.</summary>
    CertificateValidation,
    /// <summary>TLS with a trusted certificate whose name matches -TlsDomain.</summary>
    DomainValidation,
}

/// <summary>New-JournalRule -Scope (JournalRuleScope).</summary>
public enum JournalRuleScope
{
    /// <summary>All messages (the default).</summary>
    Global,
    /// <summary>Messages between recipients inside the organization.</summary>
    Internal,
    /// <summary>Messages to or from outside the organization.</summary>
    External,
}

/// <summary>A mail contact (Get-MailContact).</summary>
public sealed record MailContact(
    string Identity, string Name, string? Alias, string? DisplayName, string? ExternalEmailAddress,
    string? PrimarySmtpAddress, bool HiddenFromAddressListsEnabled, Guid? Guid);

/// <summary>New-MailContact. Name ≤ 64 characters; ExternalEmailAddress becomes the primary address.</summary>
public sealed record NewMailContactRequest(string Name, string ExternalEmailAddress)
{
    /// <summary>-Alias (≤ 64).</summary>
    public string? Alias { get; init; }
    /// <summary>-DisplayName (≤ 256).</summary>
    public string? DisplayName { get; init; }
}

/// <summary>Set-MailContact; null properties are not sent.</summary>
public sealed record SetMailContactRequest(string Identity)
{
    /// <summary>-HiddenFromAddressListsEnabled (hide from the GAL; New-MailContact cannot).</summary>
    public bool? HiddenFromAddressListsEnabled { get; init; }
    /// <summary>-DisplayName.</summary>
    public string? DisplayName { get; init; }
    /// <summary>-ExternalEmailAddress.</summary>
    public string? ExternalEmailAddress { get; init; }
    /// <summary>-Name.</summary>
    public string? Name { get; init; }
}

/// <summary>An outbound connector (Get-OutboundConnector).</summary>
public sealed record OutboundConnector(
    string Identity, string Name, Guid? Guid, bool Enabled, string? ConnectorType,
    IReadOnlyList<string> RecipientDomains, IReadOnlyList<string> SmartHosts, bool UseMXRecord,
    string? TlsSettings, string? TlsDomain, bool IsTransportRuleScoped, string? Comment,
    bool IsValidated, DateTimeOffset? LastValidationTimestamp, IReadOnlyList<string> ValidationRecipients);

/// <summary>New-OutboundConnector. Null properties are not sent (the service default applies).</summary>
public sealed record NewOutboundConnectorRequest(string Name)
{
    /// <summary>-ConnectorType.</summary>
    public TenantConnectorType? ConnectorType { get; init; } = TenantConnectorType.Partner;
    /// <summary>-RecipientDomains (wildcard *.contoso.com allowed).</summary>
    public IReadOnlyList<string>? RecipientDomains { get; init; }
    /// <summary>-SmartHosts (FQDN, IP or CIDR; no ports). Required when UseMXRecord is false.</summary>
    public IReadOnlyList<string>? SmartHosts { get; init; }
    /// <summary>-UseMXRecord (service default true).</summary>
    public bool? UseMXRecord { get; init; }
    /// <summary>-TlsSettings.</summary>
    public TlsAuthLevel? TlsSettings { get; init; }
    /// <summary>-TlsDomain (only with DomainValidation).</summary>
    public string? TlsDomain { get; init; }
    /// <summary>-IsTransportRuleScoped; false for journaling (journal reports ignore transport rules).</summary>
    public bool? IsTransportRuleScoped { get; init; } = false;
    /// <summary>-Enabled.</summary>
    public bool? Enabled { get; init; } = true;
    /// <summary>-Comment.</summary>
    public string? Comment { get; init; }
}

/// <summary>Set-OutboundConnector. Null properties are not sent.</summary>
public sealed record SetOutboundConnectorRequest(string Identity)
{
    /// <summary>-Name.</summary>
    public string? Name { get; init; }
    /// <summary>-ConnectorType.</summary>
    public TenantConnectorType? ConnectorType { get; init; }
    /// <summary>-RecipientDomains.</summary>
    public IReadOnlyList<string>? RecipientDomains { get; init; }
    /// <summary>-SmartHosts.</summary>
    public IReadOnlyList<string>? SmartHosts { get; init; }
    /// <summary>-UseMXRecord.</summary>
    public bool? UseMXRecord { get; init; }
    /// <summary>-TlsSettings.</summary>
    public TlsAuthLevel? TlsSettings { get; init; }
    /// <summary>-TlsDomain.</summary>
    public string? TlsDomain { get; init; }
    /// <summary>Sends -TlsDomain $null (a connector leaving DomainValidation must drop its TlsDomain).</summary>
    public bool ClearTlsDomain { get; init; }
    /// <summary>-IsTransportRuleScoped.</summary>
    public bool? IsTransportRuleScoped { get; init; }
    /// <summary>-Enabled.</summary>
    public bool? Enabled { get; init; }
    /// <summary>-Comment.</summary>
    public string? Comment { get; init; }
    /// <summary>-IsValidated (Validate-OutboundConnector does not set it).</summary>
    public bool? IsValidated { get; init; }
    /// <summary>-LastValidationTimestamp (UTC).</summary>
    public DateTimeOffset? LastValidationTimestamp { get; init; }
    /// <summary>-ValidationRecipients.</summary>
    public IReadOnlyList<string>? ValidationRecipients { get; init; }
}

/// <summary>One task of Validate-OutboundConnector's output (TaskName, IsTaskSuccessful; the rest as text).</summary>
public sealed record ConnectorValidationResult(string? TaskName, bool? IsTaskSuccessful, IReadOnlyDictionary<string, string?> Properties);

/// <summary>The journaling part of Get-TransportConfig.</summary>
/// <param name="JournalingReportNdrTo">The alternate journaling (NDR) address; null when unset (the service says "&lt;&gt;").</param>
/// <param name="JournalMessageExpirationDays">0–7.</param>
/// <param name="PreventDuplicateJournalingEnabled">Hybrid de-duplication, when reported.</param>
public sealed record TransportConfig(string? JournalingReportNdrTo, int? JournalMessageExpirationDays, bool? PreventDuplicateJournalingEnabled);

/// <summary>Set-TransportConfig (journaling parameters only). Null properties are not sent.</summary>
public sealed record SetTransportConfigRequest
{
    /// <summary>-JournalingReportNdrTo: an external address, never an Exchange Online mailbox.</summary>
    public string? JournalingReportNdrTo { get; init; }
    /// <summary>-JournalMessageExpirationDays (0–7).</summary>
    public int? JournalMessageExpirationDays { get; init; }
    /// <summary>-PreventDuplicateJournalingEnabled.</summary>
    public bool? PreventDuplicateJournalingEnabled { get; init; }
}

/// <summary>A journal rule (Get-JournalRule).</summary>
public sealed record JournalRule(
    string Identity, string Name, Guid? Guid, string? JournalEmailAddress, string? Recipient, string? Scope, bool Enabled);

/// <summary>New-JournalRule. Enabled defaults to true here (the service default is false).</summary>
public sealed record NewJournalRuleRequest(string Name, string JournalEmailAddress)
{
    /// <summary>-Scope.</summary>
    public JournalRuleScope Scope { get; init; } = JournalRuleScope.Global;
    /// <summary>-Recipient (no wildcards); null journals everyone.</summary>
    public string? Recipient { get; init; }
    /// <summary>-Enabled.</summary>
    public bool Enabled { get; init; } = true;
}

/// <summary>Set-JournalRule (which has no -Enabled: use Enable-/Disable-JournalRule). Null properties are not sent.</summary>
public sealed record SetJournalRuleRequest(string Identity)
{
    /// <summary>-Name.</summary>
    public string? Name { get; init; }
    /// <summary>-JournalEmailAddress.</summary>
    public string? JournalEmailAddress { get; init; }
    /// <summary>-Recipient.</summary>
    public string? Recipient { get; init; }
    /// <summary>Sends -Recipient $null: the rule journals every recipient again.</summary>
    public bool ClearRecipient { get; init; }
    /// <summary>-Scope.</summary>
    public JournalRuleScope? Scope { get; init; }
}

/// <summary>An accepted domain (Get-AcceptedDomain).</summary>
public sealed record AcceptedDomain(string Identity, string Name, string DomainName, string? DomainType, bool Default)
{
    /// <summary>The tenant's initial *.onmicrosoft.com domain (Exchange's InitialDomain), when reported.</summary>
    public bool InitialDomain { get; init; }
}

/// <summary>A recipient (Get-Recipient).</summary>
public sealed record ExchangeRecipient(
    string Identity, string Name, string? Alias, string? DisplayName, string? PrimarySmtpAddress,
    string? RecipientType, string? RecipientTypeDetails, IReadOnlyList<string> EmailAddresses)
{
    /// <summary>
    /// True for recipients a journal rule or the NDR address may target: mail contacts, mail users
    /// (not Exchange Online mailboxes or groups).
    /// </summary>
    public bool CanReceiveJournalReports =>
        RecipientType is "MailContact" or "MailUser" || RecipientTypeDetails is "MailContact" or "MailUser" or "GuestMailUser";
}
