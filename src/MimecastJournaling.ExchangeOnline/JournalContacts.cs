namespace MimecastJournaling.ExchangeOnline;

/// <summary>What New-O365JournalContact did to the contact.</summary>
public enum JournalContactAction
{
    /// <summary>The contact did not exist and was created.</summary>
    Created,
    /// <summary>The contact existed with other settings; they were changed.</summary>
    Updated,
    /// <summary>The contact already had the wanted settings.</summary>
    Unchanged,
}

/// <summary>An Exchange Online mail contact, as the O365JournalContact cmdlets show it.</summary>
public sealed class O365JournalContact
{
    /// <summary>The contact's name (unique among recipients, ≤ 64 characters).</summary>
    public string Name { get; init; } = "";
    /// <summary>The journal service address the contact forwards to.</summary>
    public string? ExternalEmailAddress { get; init; }
    /// <summary>True when the contact is hidden from address lists (the GAL).</summary>
    public bool HiddenFromAddressListsEnabled { get; init; }
    /// <summary>What New-O365JournalContact did (null for Get-O365JournalContact).</summary>
    public JournalContactAction? Action { get; init; }
    /// <summary>The alias.</summary>
    public string? Alias { get; init; }
    /// <summary>The display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>The primary SMTP address.</summary>
    public string? PrimarySmtpAddress { get; init; }
    /// <summary>Exchange's identity of the contact (pipe it to Remove-O365JournalContact).</summary>
    public string Identity { get; init; } = "";
    /// <summary>The object's GUID, when Exchange reported it.</summary>
    public Guid? Guid { get; init; }

    internal static O365JournalContact From(MailContact c, JournalContactAction? action) => new()
    {
        Name = c.Name,
        ExternalEmailAddress = c.ExternalEmailAddress,
        HiddenFromAddressListsEnabled = c.HiddenFromAddressListsEnabled,
        Action = action,
        Alias = c.Alias,
        DisplayName = c.DisplayName,
        PrimarySmtpAddress = c.PrimarySmtpAddress,
        Identity = c.Identity,
        Guid = c.Guid,
    };
}

/// <summary>What New-O365JournalContact would do (read with Get-MailContact; nothing changed yet).</summary>
public sealed class JournalContactPlan
{
    internal JournalContactPlan(string name, string address, bool hidden, MailContact? existing, IReadOnlyList<string> changes)
    {
        Name = name;
        ExternalEmailAddress = address;
        Hidden = hidden;
        Existing = existing;
        Changes = changes;
    }

    /// <summary>The wanted name.</summary>
    public string Name { get; }
    /// <summary>The wanted external address.</summary>
    public string ExternalEmailAddress { get; }
    /// <summary>Whether the contact should be hidden from address lists.</summary>
    public bool Hidden { get; }
    /// <summary>The contact as it is now; null when it does not exist.</summary>
    public MailContact? Existing { get; }
    /// <summary>The differences, as text ("ExternalEmailAddress: a -> b"); empty when nothing changes.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>The contact must be created.</summary>
    public bool Create => Existing is null;
    /// <summary>Nothing to do.</summary>
    public bool IsUnchanged => Existing is not null && Changes.Count == 0;
}

/// <summary>
/// The journal contact: New-MailContact, then Set-MailContact -HiddenFromAddressListsEnabled
/// (New-MailContact cannot hide). Idempotent: an existing contact of that name is compared and
/// changed only where it differs.
/// </summary>
public static class JournalContacts
{
    /// <summary>Exchange's limit for a recipient name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>"Journal - {basis}", cut to 64 characters: the default name for a definition's contact.</summary>
    public static string DefaultName(string basis)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(basis);
        var name = "Journal - " + basis.Trim();
        return name.Length <= MaxNameLength ? name : name[..MaxNameLength].TrimEnd();
    }

    /// <summary>Reads the contact called <paramref name="name"/> and works out what must change.</summary>
    public static async Task<JournalContactPlan> PlanAsync(ExchangeJournalingCommands commands, string name, string externalEmailAddress, bool hidden, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalEmailAddress);
        var address = externalEmailAddress.StartsWith("SMTP:", StringComparison.OrdinalIgnoreCase) ? externalEmailAddress[5..] : externalEmailAddress;
        var existing = await commands.FindMailContactAsync(name, cancellationToken).ConfigureAwait(false);
        var changes = new List<string>();
        if (existing is not null)
        {
            if (!string.Equals(existing.ExternalEmailAddress, address, StringComparison.OrdinalIgnoreCase))
                changes.Add($"ExternalEmailAddress: {existing.ExternalEmailAddress} -> {address}");
            if (existing.HiddenFromAddressListsEnabled != hidden)
                changes.Add($"HiddenFromAddressListsEnabled: {existing.HiddenFromAddressListsEnabled} -> {hidden}");
        }
        return new JournalContactPlan(name, address, hidden, existing, changes);
    }

    /// <summary>Carries out a plan and returns the contact as Exchange has it afterwards.</summary>
    public static async Task<O365JournalContact> ApplyAsync(ExchangeJournalingCommands commands, JournalContactPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsUnchanged) return O365JournalContact.From(plan.Existing!, JournalContactAction.Unchanged);

        MailContact current;
        JournalContactAction action;
        if (plan.Create)
        {
            current = await commands.NewMailContactAsync(new NewMailContactRequest(plan.Name, plan.ExternalEmailAddress), cancellationToken).ConfigureAwait(false);
            action = JournalContactAction.Created;
            // New-MailContact's retry may have found an older contact of that name: converge it too.
            var address = string.Equals(current.ExternalEmailAddress, plan.ExternalEmailAddress, StringComparison.OrdinalIgnoreCase) ? null : plan.ExternalEmailAddress;
            if (current.HiddenFromAddressListsEnabled != plan.Hidden || address is not null)
            {
                await commands.SetMailContactAsync(new SetMailContactRequest(current.Identity)
                {
                    HiddenFromAddressListsEnabled = current.HiddenFromAddressListsEnabled != plan.Hidden ? plan.Hidden : null,
                    ExternalEmailAddress = address,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            current = plan.Existing!;
            action = JournalContactAction.Updated;
            await commands.SetMailContactAsync(new SetMailContactRequest(current.Identity)
            {
                HiddenFromAddressListsEnabled = current.HiddenFromAddressListsEnabled != plan.Hidden ? plan.Hidden : null,
                ExternalEmailAddress = string.Equals(current.ExternalEmailAddress, plan.ExternalEmailAddress, StringComparison.OrdinalIgnoreCase) ? null : plan.ExternalEmailAddress,
            }, cancellationToken).ConfigureAwait(false);
        }
        var after = await commands.FindMailContactAsync(current.Identity, cancellationToken).ConfigureAwait(false) ?? current;
        return O365JournalContact.From(after, action);
    }

    /// <summary>Get-MailContact [-Identity], as our own objects.</summary>
    public static async Task<IReadOnlyList<O365JournalContact>> GetAsync(ExchangeJournalingCommands commands, string? identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return (await commands.GetMailContactsAsync(identity, cancellationToken).ConfigureAwait(false)).Select(c => O365JournalContact.From(c, null)).ToArray();
    }
}
