using System.Text.Json;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// A user as a directory sync reads it (from Microsoft Graph's /users/delta, mapped by the cmdlet).
/// In a delta round a property may be absent: <see cref="MailPresent"/> and a null
/// <see cref="ProxyAddresses"/> say so, and the stored addresses of the user are kept for it.
/// </summary>
/// <param name="Id">The directory object id (kept with each address as its SourceId).</param>
public sealed record DirectoryUser(string Id)
{
    /// <summary>The user was deleted: every address synced for it goes.</summary>
    public bool Removed { get; init; }
    public string? UserPrincipalName { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>True when <see cref="Mail"/> was sent (even as null).</summary>
    public bool MailPresent { get; init; }
    public string? Mail { get; init; }
    /// <summary>Proxy addresses with prefixes (SMTP:/smtp: are used, SIP:, X500: … ignored); null when not sent.</summary>
    public IReadOnlyList<string>? ProxyAddresses { get; init; }
}

/// <summary>
/// What the last directory sync left for the next one: the tenant and Graph endpoint it read, and
/// Graph's delta link (which lets the next run fetch only changes). Never shown: the link is not a
/// credential, but it is nobody's business either.
/// </summary>
public sealed record DirectorySyncState
{
    public required string Tenant { get; init; }
    public required string Endpoint { get; init; }
    public string? DeltaLink { get; init; }
    public DateTimeOffset LastSync { get; init; }
    public DateTimeOffset? LastFullSync { get; init; }

    public override string ToString() => $"Directory sync of {Tenant} at {LastSync:u}";
}

/// <summary>An address a sync did not import, and why.</summary>
public sealed record DirectorySyncSkip(string Address, string UserId, string Reason);

/// <summary>What a directory sync would change (read from the store; nothing written yet).</summary>
public sealed class DirectorySyncPlan
{
    internal DirectorySyncPlan(bool delta, int users, IReadOnlyList<JournalDomain> domains, IReadOnlyList<InternalAddress> add,
        IReadOnlyList<(InternalAddress Before, InternalAddress After)> update, IReadOnlyList<InternalAddress> remove, int unchanged,
        IReadOnlyList<DirectorySyncSkip> skipped, DirectorySyncState state)
    {
        Delta = delta;
        Users = users;
        DomainsToRegister = domains;
        ToAdd = add;
        ToUpdate = update;
        ToRemove = remove;
        Unchanged = unchanged;
        Skipped = skipped;
        State = state;
    }

    /// <summary>True when only the changes since the last sync were read.</summary>
    public bool Delta { get; }
    /// <summary>Users (or user changes) read.</summary>
    public int Users { get; }
    public IReadOnlyList<JournalDomain> DomainsToRegister { get; }
    public IReadOnlyList<InternalAddress> ToAdd { get; }
    public IReadOnlyList<(InternalAddress Before, InternalAddress After)> ToUpdate { get; }
    public IReadOnlyList<InternalAddress> ToRemove { get; }
    /// <summary>Addresses that are already there as read (hand-added ones included: a sync never touches those).</summary>
    public int Unchanged { get; }
    public IReadOnlyList<DirectorySyncSkip> Skipped { get; }
    /// <summary>The state saved with the last batch.</summary>
    public DirectorySyncState State { get; }

    /// <summary>The plan as one sentence (for -WhatIf and -Confirm).</summary>
    public string Describe() =>
        $"{(Delta ? "Delta" : "Full")} sync: register {DomainsToRegister.Count} domain(s); add {ToAdd.Count}, update {ToUpdate.Count}, " +
        $"remove {ToRemove.Count} address(es); {Unchanged} unchanged, {Skipped.Count} skipped";
}

/// <summary>What Sync-JournalDirectory did.</summary>
public sealed class DirectorySyncResult
{
    /// <summary>The tenant read.</summary>
    public string Tenant { get; init; } = "";
    /// <summary>True when only changes since the last sync were read (a delta round); false for a full read.</summary>
    public bool Delta { get; init; }
    /// <summary>How many domains were registered.</summary>
    public int DomainsAdded { get; init; }
    /// <summary>The domains registered.</summary>
    public IReadOnlyList<string> Domains { get; init; } = Array.Empty<string>();
    /// <summary>Users (or user changes) read from the directory.</summary>
    public int Users { get; init; }
    public int AddressesAdded { get; init; }
    /// <summary>Synced addresses whose mailbox, type or display name changed.</summary>
    public int AddressesUpdated { get; init; }
    public int AddressesRemoved { get; init; }
    /// <summary>Addresses already in the directory as read (those added by hand included).</summary>
    public int Unchanged { get; init; }
    /// <summary>Addresses not imported (outside the registered domains, a journal service address, invalid, or on two users).</summary>
    public int Skipped { get; init; }
    /// <summary>Each skipped address with the reason.</summary>
    public IReadOnlyList<DirectorySyncSkip> SkippedAddresses { get; init; } = Array.Empty<DirectorySyncSkip>();
    public DateTimeOffset Completed { get; init; }
}

public sealed partial class JournalConfiguration
{
    /// <summary>The Source of every address a directory sync adds; addresses with another source (Manual) are never changed or removed by a sync.</summary>
    public const string DirectorySource = "Graph";

    private const string DirectorySyncSetting = "directory-sync";
    private const int DirectoryBatchSize = 500;

    /// <summary>The state of the last sync, or null before the first.</summary>
    public DirectorySyncState? GetDirectorySyncState() =>
        _store.GetSetting(DirectorySyncSetting) is { } json ? JsonSerializer.Deserialize<DirectorySyncState>(json) : null;

    /// <summary>
    /// The delta link to continue from, or null for a full read (first run, -Full, another Graph
    /// endpoint); <paramref name="reason"/> says which. A store synced from another tenant needs
    /// <paramref name="full"/>: a full read of the new tenant replaces the old tenant's synced addresses.
    /// </summary>
    public string? GetDirectoryDeltaLink(string tenant, string endpoint, bool full, out string reason)
    {
        var state = GetDirectorySyncState();
        if (state is not null && !string.Equals(state.Tenant, tenant, StringComparison.OrdinalIgnoreCase) && !full)
        {
            throw new JournalConfigurationException("DirectorySyncOtherTenant", JournalErrorKind.InvalidOperation,
                $"This store's internal directory was synced from the tenant '{state.Tenant}', not '{tenant}'. Connect to '{state.Tenant}' (as given then), " +
                $"or run Sync-JournalDirectory -Full to replace the addresses synced from '{state.Tenant}' with those of '{tenant}'.", tenant);
        }
        (var link, reason) = state switch
        {
            null => ((string?)null, "First sync of this store: reading every user."),
            _ when full => (null, "-Full: reading every user; synced addresses no longer in the directory will be removed."),
            { DeltaLink: null } => (null, "The last sync left no delta link: reading every user."),
            _ when !string.Equals(state.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase) =>
                (null, $"The last sync read another Microsoft Graph endpoint ({state.Endpoint}): reading every user."),
            _ => (state.DeltaLink, $"Reading only the changes since the last sync ({state.LastSync:u})."),
        };
        return link;
    }

    /// <summary>
    /// Works out what a sync changes. <paramref name="tenantDomains"/> are the tenant's verified mail
    /// domains: those not registered yet will be (unverified: DNS verification stays this module's
    /// own check). With <paramref name="delta"/> false the users are the whole directory and every
    /// synced address not among them goes; with true they are the changes since the last sync.
    /// </summary>
    public DirectorySyncPlan PlanDirectorySync(IEnumerable<string> tenantDomains, IEnumerable<DirectoryUser> users, bool delta, string tenant, string endpoint, string? deltaLink)
    {
        var now = _clock.GetUtcNow();
        var registered = _store.GetDomains().Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var newDomains = new List<JournalDomain>();
        foreach (var name in tenantDomains)
        {
            string normalized;
            try { normalized = Names.NormalizeDomain(name); }
            catch (JournalConfigurationException) { continue; }
            if (registered.Add(normalized)) newDomains.Add(NewDomainEntry(normalized));
        }
        var serviceAddresses = _store.GetDefinitions().Select(d => d.ServiceEmailAddress).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var existing = _store.GetInternalAddresses().ToDictionary(a => a.Address, StringComparer.OrdinalIgnoreCase);
        var syncedBySource = existing.Values.Where(a => a.Source == DirectorySource && a.SourceId is not null)
            .GroupBy(a => a.SourceId!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);

        // A user can appear more than once in a delta round: later properties win.
        var merged = new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users)
        {
            merged[user.Id] = merged.TryGetValue(user.Id, out var earlier) && !earlier.Removed && !user.Removed
                ? user with
                {
                    UserPrincipalName = user.UserPrincipalName ?? earlier.UserPrincipalName,
                    DisplayName = user.DisplayName ?? earlier.DisplayName,
                    MailPresent = user.MailPresent || earlier.MailPresent,
                    Mail = user.MailPresent ? user.Mail : earlier.Mail,
                    ProxyAddresses = user.ProxyAddresses ?? earlier.ProxyAddresses,
                }
                : user;
        }

        var desired = new Dictionary<string, InternalAddress>(StringComparer.OrdinalIgnoreCase);
        var removalCandidates = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var skipped = new List<DirectorySyncSkip>();
        if (!delta)
        {
            removalCandidates.UnionWith(existing.Values.Where(a => a.Source == DirectorySource).Select(a => a.Address));
        }
        foreach (var user in merged.Values)
        {
            var old = syncedBySource.GetValueOrDefault(user.Id) ?? new List<InternalAddress>();
            removalCandidates.UnionWith(old.Select(a => a.Address));
            if (user.Removed)
            {
                continue;
            }
            foreach (var (address, primary) in AddressesOf(user, old))
            {
                string normalized;
                try { normalized = Names.NormalizeAddress(address); }
                catch (JournalConfigurationException) { skipped.Add(new(address, user.Id, "InvalidAddress")); continue; }
                var domain = Names.DomainOf(normalized);
                if (!registered.Contains(domain)) { skipped.Add(new(normalized, user.Id, "OutsideRegisteredDomains")); continue; }
                if (serviceAddresses.Contains(normalized)) { skipped.Add(new(normalized, user.Id, "JournalServiceAddress")); continue; }
                if (desired.ContainsKey(normalized)) { skipped.Add(new(normalized, user.Id, "OnAnotherUser")); continue; }
                var current = existing.GetValueOrDefault(normalized);
                var mailbox = primary is null ? normalized : SafeNormalize(primary) ?? normalized;
                desired[normalized] = new InternalAddress
                {
                    Address = current?.Address ?? normalized,
                    Domain = domain,
                    Type = string.Equals(mailbox, normalized, StringComparison.OrdinalIgnoreCase) ? InternalAddressType.Mailbox : InternalAddressType.Alias,
                    Mailbox = current is not null && string.Equals(current.Mailbox, mailbox, StringComparison.OrdinalIgnoreCase) ? current.Mailbox : mailbox,
                    DisplayName = string.IsNullOrWhiteSpace(user.DisplayName) ? current?.DisplayName : user.DisplayName.Trim(),
                    Source = DirectorySource,
                    SourceId = user.Id,
                    Added = current?.Added ?? now,
                };
            }
        }

        var add = new List<InternalAddress>();
        var update = new List<(InternalAddress, InternalAddress)>();
        var unchanged = 0;
        foreach (var entry in desired.Values)
        {
            if (!existing.TryGetValue(entry.Address, out var current)) { add.Add(entry); continue; }
            if (current.Source != DirectorySource) { unchanged++; continue; } // added by hand: a sync never touches it
            if (current.Type == entry.Type && current.Mailbox == entry.Mailbox && current.DisplayName == entry.DisplayName
                && string.Equals(current.SourceId, entry.SourceId, StringComparison.OrdinalIgnoreCase))
            {
                unchanged++;
                continue;
            }
            update.Add((current, entry));
        }
        var remove = removalCandidates.Where(a => !desired.ContainsKey(a)).Select(a => existing[a]).Where(a => a.Source == DirectorySource)
            .OrderBy(a => a.Address, StringComparer.OrdinalIgnoreCase).ToList();
        var previous = GetDirectorySyncState();
        var state = new DirectorySyncState
        {
            Tenant = tenant,
            Endpoint = endpoint,
            DeltaLink = deltaLink,
            LastSync = now,
            LastFullSync = delta ? previous?.LastFullSync : now,
        };
        return new DirectorySyncPlan(delta, merged.Count, newDomains, add.OrderBy(a => a.Address, StringComparer.OrdinalIgnoreCase).ToList(),
            update, remove, unchanged, skipped, state);
    }

    /// <summary>
    /// The SMTP addresses of a user with its primary one. With proxyAddresses sent, they (and mail)
    /// are the whole set; with only mail sent, mail joins the user's stored addresses; with neither
    /// (a delta that changed something else), the stored addresses stay.
    /// </summary>
    private static IEnumerable<(string Address, string? Primary)> AddressesOf(DirectoryUser user, List<InternalAddress> stored)
    {
        var list = new List<string>();
        string? primary = null;
        if (user.ProxyAddresses is { } proxies)
        {
            foreach (var proxy in proxies)
            {
                if (proxy is null || !proxy.StartsWith("smtp:", StringComparison.OrdinalIgnoreCase)) continue;
                var address = proxy[5..].Trim();
                if (address.Length == 0) continue;
                if (proxy.StartsWith("SMTP:", StringComparison.Ordinal)) primary ??= address;
                list.Add(address);
            }
        }
        else
        {
            list.AddRange(stored.Select(a => a.Address));
            primary = stored.FirstOrDefault(a => a.Type == InternalAddressType.Mailbox)?.Address ?? stored.FirstOrDefault()?.Mailbox;
        }
        if (user.MailPresent && !string.IsNullOrWhiteSpace(user.Mail))
        {
            var mail = user.Mail.Trim();
            if (user.ProxyAddresses is null || primary is null) primary = mail;
            list.Add(mail);
        }
        primary ??= list.FirstOrDefault();
        return list.Distinct(StringComparer.OrdinalIgnoreCase).Select(a => (a, primary));
    }

    private static string? SafeNormalize(string address)
    {
        try { return Names.NormalizeAddress(address); }
        catch (JournalConfigurationException) { return null; }
    }

    /// <summary>
    /// Writes a plan in batches (each one transaction with its events); the new state (delta link)
    /// goes with the last batch, so an interrupted sync is read again next time and converges.
    /// <paramref name="progress"/> hears (done, total) after each batch.
    /// </summary>
    public DirectorySyncResult ApplyDirectorySync(DirectorySyncPlan plan, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var total = plan.DomainsToRegister.Count + plan.ToRemove.Count + plan.ToUpdate.Count + plan.ToAdd.Count;
        var operations = new List<(JournalDomain? Domain, InternalAddress? Remove, (InternalAddress Before, InternalAddress After)? Update, InternalAddress? Add)>(total);
        operations.AddRange(plan.DomainsToRegister.Select(d => ((JournalDomain?)d, (InternalAddress?)null, ((InternalAddress, InternalAddress)?)null, (InternalAddress?)null)));
        operations.AddRange(plan.ToRemove.Select(a => ((JournalDomain?)null, (InternalAddress?)a, ((InternalAddress, InternalAddress)?)null, (InternalAddress?)null)));
        operations.AddRange(plan.ToUpdate.Select(u => ((JournalDomain?)null, (InternalAddress?)null, ((InternalAddress, InternalAddress)?)u, (InternalAddress?)null)));
        operations.AddRange(plan.ToAdd.Select(a => ((JournalDomain?)null, (InternalAddress?)null, ((InternalAddress, InternalAddress)?)null, (InternalAddress?)a)));
        var done = 0;
        do
        {
            var batch = operations.Skip(done).Take(DirectoryBatchSize).ToList();
            var last = done + batch.Count >= operations.Count;
            var events = new List<JournalEvent>();
            var domains = new List<JournalDomain>();
            var deletes = new List<string>();
            var saves = new List<InternalAddress>();
            foreach (var (domain, removed, updated, added) in batch)
            {
                if (domain is not null)
                {
                    domains.Add(domain);
                    events.Add(DomainEvent(domain.Name, "Created", "Source", null, DirectorySource));
                }
                else if (removed is not null)
                {
                    deletes.Add(removed.Address);
                    events.Add(AddressEvent(removed.Address, "Removed", "Source", DirectorySource, null));
                }
                else if (updated is { } u)
                {
                    saves.Add(u.After);
                    void Compare(string property, object? o, object? n)
                    {
                        if (!string.Equals(Show(o), Show(n), StringComparison.Ordinal)) events.Add(AddressEvent(u.Before.Address, "Changed", property, Show(o), Show(n)));
                    }
                    Compare(nameof(InternalAddress.Type), u.Before.Type, u.After.Type);
                    Compare(nameof(InternalAddress.Mailbox), u.Before.Mailbox, u.After.Mailbox);
                    Compare(nameof(InternalAddress.DisplayName), u.Before.DisplayName, u.After.DisplayName);
                    Compare(nameof(InternalAddress.SourceId), u.Before.SourceId, u.After.SourceId);
                }
                else if (added is not null)
                {
                    saves.Add(added);
                    events.Add(AddressEvent(added.Address, "Created", "Source", null, DirectorySource));
                }
            }
            if (last)
            {
                events.Add(new JournalEvent
                {
                    Time = _clock.GetUtcNow(),
                    User = _actor,
                    ObjectType = JournalObjectType.DirectorySync,
                    ObjectName = plan.State.Tenant,
                    ObjectId = DirectorySyncSetting,
                    Action = "Synchronized",
                    Property = plan.Delta ? "Delta" : "Full",
                    NewValue = plan.Describe(),
                });
            }
            _store.ApplyDirectoryChanges(new DirectoryChanges
            {
                NewDomains = domains,
                DeleteAddresses = deletes,
                SaveAddresses = saves,
                SettingName = last ? DirectorySyncSetting : null,
                SettingValue = last ? JsonSerializer.Serialize(plan.State) : null,
                Updated = _clock.GetUtcNow(),
            }, events);
            done += batch.Count;
            progress?.Invoke(done, operations.Count);
        }
        while (done < operations.Count);

        return new DirectorySyncResult
        {
            Tenant = plan.State.Tenant,
            Delta = plan.Delta,
            DomainsAdded = plan.DomainsToRegister.Count,
            Domains = plan.DomainsToRegister.Select(d => d.Name).ToArray(),
            Users = plan.Users,
            AddressesAdded = plan.ToAdd.Count,
            AddressesUpdated = plan.ToUpdate.Count,
            AddressesRemoved = plan.ToRemove.Count,
            Unchanged = plan.Unchanged,
            Skipped = plan.Skipped.Count,
            SkippedAddresses = plan.Skipped,
            Completed = plan.State.LastSync,
        };
    }
}
