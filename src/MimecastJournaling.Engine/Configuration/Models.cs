namespace MimecastJournaling.Engine.Configuration;

/// <summary>How reports reach the listener. Only SMTP push exists today.</summary>
public enum JournalTransportType
{
    Smtp,
}

/// <summary>What the sender delivers: Exchange envelope journal reports or plain EML copies.</summary>
public enum JournalType
{
    ExchangeEnvelope,
    StandardEml,
}

/// <summary>Health of a journal definition, as the listener sees it.</summary>
public enum JournalStatus
{
    AwaitingInitialRun,
    OK,
    Error,
    Down,
}

/// <summary>A journal definition: one inbound journaling service (one service address).</summary>
public sealed record JournalDefinition
{
    public Guid Id { get; init; }
    public required string Description { get; init; }
    public JournalTransportType TransportType { get; init; } = JournalTransportType.Smtp;
    public bool Disabled { get; init; }
    public required string ServiceEmailAddress { get; init; }
    public IReadOnlyList<string> SourceIpRange { get; init; } = Array.Empty<string>();
    public bool SmtpAuthentication { get; init; }
    public string? SmtpUserName { get; init; }
    public TimeSpan InitialProcessDelay { get; init; } = TimeSpan.Zero;
    public int DeliveryWaitAttempts { get; init; } = 3;
    public TimeSpan InactivityPeriod { get; init; } = TimeSpan.FromMinutes(180);
    public JournalType JournalType { get; init; } = JournalType.ExchangeEnvelope;
    public bool Encrypted { get; init; } = true;
    public bool PreferClearText { get; init; }
    public bool JournalNonInternalAddresses { get; init; }
    public bool JournalUnknownInternalAddresses { get; init; }
    /// <summary>
    /// Exchange Online tenants (directory ids, GUIDs) whose reports this definition takes; empty
    /// takes any sender in its source ranges. See <see cref="Archive.TenantBinding"/>.
    /// </summary>
    public IReadOnlyList<string> TenantId { get; init; } = Array.Empty<string>();
    public JournalStatus Status { get; init; } = JournalStatus.AwaitingInitialRun;
    public string? StatusReason { get; init; }
    public DateTimeOffset? LastReceived { get; init; }
    /// <summary>Reports received and not archived yet (in the listener's spool).</summary>
    public int QueueLength { get; init; }
    /// <summary>Reports that ended in each outcome, over the definition's life.</summary>
    public long ArchivedCount { get; init; }
    public long MergedCount { get; init; }
    public long DuplicateCount { get; init; }
    public long QuarantinedCount { get; init; }
    public long RejectedCount { get; init; }
    /// <summary>All reports received (every outcome, plus those still queued).</summary>
    public long ReceivedCount => ArchivedCount + MergedCount + DuplicateCount + QuarantinedCount + RejectedCount + QueueLength;
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Modified { get; init; }

    public override string ToString() => Description;
}

/// <summary>A registered domain: the journal sub-domain or an internal mail domain.</summary>
public sealed record JournalDomain
{
    public required string Name { get; init; }
    /// <summary>The exact text to publish as a DNS TXT record at <see cref="Name"/>.</summary>
    public required string VerificationCode { get; init; }
    public bool Verified { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset Registered { get; init; }

    public override string ToString() => Name;
}

public enum InternalAddressType
{
    Mailbox,
    Alias,
}

/// <summary>An address of the internal directory: a mailbox, or an alias of one.</summary>
public sealed record InternalAddress
{
    /// <summary>
    /// The address. Not called Address: PowerShell arrays have an Address() method, so
    /// (Get-JournalInternalAddress).Address would give that method instead of the addresses.
    /// </summary>
    public required string EmailAddress { get; init; }
    public required string Domain { get; init; }
    public InternalAddressType Type { get; init; } = InternalAddressType.Mailbox;
    /// <summary>For an alias, the mailbox it delivers to; for a mailbox, its own address.</summary>
    public required string Mailbox { get; init; }
    public string? DisplayName { get; init; }
    public string Source { get; init; } = "Manual";
    /// <summary>For an address a directory sync added: the directory object it belongs to (a Graph user id).</summary>
    public string? SourceId { get; init; }
    public DateTimeOffset Added { get; init; }

    public override string ToString() => EmailAddress;
}

public enum JournalObjectType
{
    Definition,
    Domain,
    InternalAddress,
    ListenerSetting,
    DirectorySync,
    Certificate,
    Alert,
    /// <summary>The archive as a whole: an integrity check, a retention run.</summary>
    Archive,
    Search,
    Export,
    RetentionPolicy,
    Hold,
    /// <summary>The WORM object store setting (Set-JournalObjectStore).</summary>
    ObjectStore,
}

/// <summary>
/// Settings of the whole installation: source ranges allowed for every definition, and the opt-in
/// list of Microsoft's published Exchange Online ranges (refreshed from the endpoints JSON).
/// </summary>
public sealed record JournalListenerSettings
{
    public IReadOnlyList<string> AuthorizedIpRange { get; init; } = Array.Empty<string>();
    public bool UseExchangeOnlineRanges { get; init; }
    public IReadOnlyList<string> ExchangeOnlineRange { get; init; } = Array.Empty<string>();
    public DateTimeOffset? ExchangeOnlineRangeUpdated { get; init; }
    public string? ExchangeOnlineRangeSource { get; init; }

    /// <summary>
    /// The header fields that carry the Exchange Online tenant a report left (checked for a
    /// definition with a TenantId). A setting because Microsoft documents no header as one a
    /// sender cannot forge; Exchange Online stamps X-MS-Exchange-CrossTenant-Id on mail leaving a tenant.
    /// </summary>
    public IReadOnlyList<string> TenantStampHeader { get; init; } = DefaultTenantStampHeader;

    public static IReadOnlyList<string> DefaultTenantStampHeader { get; } = ["X-MS-Exchange-CrossTenant-Id"];

    /// <summary>The ranges every definition accepts in addition to its own SourceIpRange.</summary>
    public IEnumerable<string> RangesForEveryDefinition() =>
        UseExchangeOnlineRanges ? AuthorizedIpRange.Concat(ExchangeOnlineRange) : AuthorizedIpRange;
}

/// <summary>One entry of the event log: who changed what, when, from what to what.</summary>
public sealed record JournalEvent
{
    public long Id { get; init; }
    public DateTimeOffset Time { get; init; }
    public required string User { get; init; }
    public JournalObjectType ObjectType { get; init; }
    public required string ObjectName { get; init; }
    public string? ObjectId { get; init; }
    /// <summary>Created, Changed, Removed, Enabled, Disabled, Verified, StatusChanged.</summary>
    public required string Action { get; init; }
    public string? Property { get; init; }
    public string? OldValue { get; init; }
    public string? NewValue { get; init; }
}
