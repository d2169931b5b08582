using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Archive;

/// <summary>A snapshot of the registered domains and the internal directory, for assigning many reports.</summary>
public sealed class InternalDirectory
{
    private readonly HashSet<string> _domains;
    private readonly Dictionary<string, string> _mailboxByAddress;

    public InternalDirectory(IEnumerable<string> domains, IEnumerable<InternalAddress> addresses)
    {
        _domains = new HashSet<string>(domains.Select(d => d.ToLowerInvariant()), StringComparer.Ordinal);
        _mailboxByAddress = addresses.ToDictionary(a => a.EmailAddress.ToLowerInvariant(), a => a.Mailbox, StringComparer.Ordinal);
    }

    public static InternalDirectory Load(IJournalStore store) =>
        new(store.GetDomains().Select(d => d.Name), store.GetInternalAddresses());

    /// <summary>The mailbox of a known internal address, or null.</summary>
    public string? MailboxOf(string address) => _mailboxByAddress.GetValueOrDefault(address.ToLowerInvariant());

    /// <summary>True when the address is in a registered (internal) domain.</summary>
    public bool IsInternalDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && _domains.Contains(address[(at + 1)..].TrimEnd('.').ToLowerInvariant());
    }
}

/// <summary>The mailboxes an item belongs to, or the rule that refuses it.</summary>
public sealed record AssignmentResult(IReadOnlyList<string> Mailboxes, string? RejectedByRule, string? Reason)
{
    public bool Rejected => RejectedByRule is not null;
}

/// <summary>
/// Which internal mailboxes a message belongs to. Known internal addresses (directory entries;
/// aliases resolve to their mailbox) are always assigned. Addresses in a registered domain that
/// the directory does not know are assigned only with JournalUnknownInternalAddresses. An item
/// left with no mailbox is archived without owner only with JournalNonInternalAddresses;
/// otherwise it is rejected, naming the setting that refused it.
/// </summary>
public static class MailboxAssignment
{
    public static AssignmentResult Assign(string? sender, IEnumerable<string> recipients, InternalDirectory directory, JournalDefinition definition)
    {
        var mailboxes = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unknownInternal = new List<string>();
        foreach (var address in recipients.Prepend(sender).OfType<string>().Where(a => a.Contains('@')))
        {
            if (directory.MailboxOf(address) is { } mailbox)
            {
                if (seen.Add(mailbox))
                {
                    mailboxes.Add(mailbox);
                }
            }
            else if (directory.IsInternalDomain(address))
            {
                if (definition.JournalUnknownInternalAddresses)
                {
                    if (seen.Add(address))
                    {
                        mailboxes.Add(address.ToLowerInvariant());
                    }
                }
                else
                {
                    unknownInternal.Add(address);
                }
            }
        }
        if (mailboxes.Count > 0 || definition.JournalNonInternalAddresses)
        {
            return new AssignmentResult(mailboxes, null, null);
        }
        return unknownInternal.Count > 0
            ? new AssignmentResult(mailboxes, nameof(JournalDefinition.JournalUnknownInternalAddresses),
                $"Only addresses in internal domains that are not in the internal directory ({string.Join(", ", unknownInternal.Take(5))}); " +
                "JournalUnknownInternalAddresses is off, so nothing internal remains. Add the addresses with Add-JournalInternalAddress, or turn the switch on.")
            : new AssignmentResult(mailboxes, nameof(JournalDefinition.JournalNonInternalAddresses),
                "No sender or recipient is in a registered domain, and JournalNonInternalAddresses is off. Register the organisation's domains, or turn the switch on.");
    }
}
