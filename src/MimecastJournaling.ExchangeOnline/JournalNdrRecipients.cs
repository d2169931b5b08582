namespace MimecastJournaling.ExchangeOnline;

/// <summary>
/// The alternate journaling (NDR) recipient of the tenant: Set-TransportConfig
/// -JournalingReportNdrTo, where undeliverable journal reports go.
/// </summary>
public sealed class O365JournalNdrRecipient
{
    /// <summary>The address; null when it is not set (Exchange shows "&lt;&gt;").</summary>
    public string? Address { get; init; }
    /// <summary>False when no NDR recipient is set (no journal rule can be created then).</summary>
    public bool IsSet { get; init; }
    /// <summary>The Exchange recipient type of the address (MailContact, MailUser, UserMailbox …); null for an external address Exchange does not know.</summary>
    public string? RecipientTypeDetails { get; init; }
    /// <summary>True when the address is an Exchange Online mailbox, which cannot receive undeliverable journal reports.</summary>
    public bool IsMailbox { get; init; }
    /// <summary>What Set-O365JournalNdrRecipient did (null for Get-O365JournalNdrRecipient).</summary>
    public O365JournalingAction? Action { get; init; }
}

/// <summary>What Set-O365JournalNdrRecipient would do.</summary>
public sealed class JournalNdrRecipientPlan
{
    internal JournalNdrRecipientPlan(string address, string? current, ExchangeRecipient? recipient)
    {
        Address = address;
        Current = current;
        Recipient = recipient;
    }

    /// <summary>The wanted address.</summary>
    public string Address { get; }
    /// <summary>The address set now; null when unset.</summary>
    public string? Current { get; }
    /// <summary>The recipient Exchange resolves the address to, when it knows it.</summary>
    public ExchangeRecipient? Recipient { get; }
    /// <summary>Nothing to do.</summary>
    public bool IsUnchanged => string.Equals(Current, Address, StringComparison.OrdinalIgnoreCase);
    /// <summary>One line for -WhatIf.</summary>
    public string Description => $"Set the alternate journaling (NDR) recipient (Set-TransportConfig -JournalingReportNdrTo) from {Current ?? "<not set>"} to {Address}";
}

/// <summary>Get-TransportConfig / Set-TransportConfig -JournalingReportNdrTo, refusing Exchange Online mailboxes.</summary>
public static class JournalNdrRecipients
{
    /// <summary>The NDR recipient as it is now, with the recipient type of the address.</summary>
    public static async Task<O365JournalNdrRecipient> GetAsync(ExchangeJournalingCommands commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var config = await commands.GetTransportConfigAsync(cancellationToken).ConfigureAwait(false);
        var recipient = config.JournalingReportNdrTo is { } a ? await commands.FindRecipientAsync(a, cancellationToken).ConfigureAwait(false) : null;
        return From(config.JournalingReportNdrTo, recipient, null);
    }

    /// <summary>
    /// Reads the transport configuration and the recipient behind <paramref name="address"/>;
    /// refuses (NdrRecipientIsMailbox) an Exchange Online mailbox before anything is changed.
    /// </summary>
    public static async Task<JournalNdrRecipientPlan> PlanAsync(ExchangeJournalingCommands commands, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        address = JournalingChecks.CheckAddress(address, "NDR recipient");
        var recipient = await commands.FindRecipientAsync(address, cancellationToken).ConfigureAwait(false);
        if (recipient is not null && JournalingChecks.IsMailbox(recipient))
            throw MailboxRefused(address, recipient);
        var config = await commands.GetTransportConfigAsync(cancellationToken).ConfigureAwait(false);
        return new JournalNdrRecipientPlan(address, config.JournalingReportNdrTo, recipient);
    }

    /// <summary>Carries out a plan.</summary>
    public static async Task<O365JournalNdrRecipient> ApplyAsync(ExchangeJournalingCommands commands, JournalNdrRecipientPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsUnchanged) return From(plan.Current, plan.Recipient, O365JournalingAction.Unchanged);
        await commands.SetTransportConfigAsync(new SetTransportConfigRequest { JournalingReportNdrTo = plan.Address }, cancellationToken).ConfigureAwait(false);
        var config = await commands.GetTransportConfigAsync(cancellationToken).ConfigureAwait(false);
        return From(config.JournalingReportNdrTo, plan.Recipient, plan.Current is null ? O365JournalingAction.Created : O365JournalingAction.Updated);
    }

    internal static O365JournalingException MailboxRefused(string address, ExchangeRecipient recipient) => new(
        "NdrRecipientIsMailbox", O365JournalingErrorKind.InvalidArgument,
        $"'{address}' is an Exchange Online mailbox ({recipient.RecipientTypeDetails ?? recipient.RecipientType}). Exchange Online cannot deliver undeliverable journal reports to a mailbox it journals: the alternate journaling (NDR) recipient must be an external address or a mail contact, for example an address at your archive or on-premises.",
        address);

    private static O365JournalNdrRecipient From(string? address, ExchangeRecipient? recipient, O365JournalingAction? action) => new()
    {
        Address = address,
        IsSet = address is not null,
        RecipientTypeDetails = recipient?.RecipientTypeDetails ?? recipient?.RecipientType,
        IsMailbox = recipient is not null && JournalingChecks.IsMailbox(recipient),
        Action = action,
    };
}
