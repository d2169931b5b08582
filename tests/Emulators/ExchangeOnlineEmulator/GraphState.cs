using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MimecastJournaling.Emulators.ExchangeOnline;

/// <summary>A user of the emulated directory.</summary>
public sealed class GraphUserRecord
{
    public required string Id { get; init; }
    public required string UserPrincipalName { get; set; }
    public string? DisplayName { get; set; }
    public string? Mail { get; set; }
    public List<string> ProxyAddresses { get; set; } = new();
    public bool AccountEnabled { get; set; } = true;
    /// <summary>The change serial of the last change (delta rounds return users changed after their token).</summary>
    internal long Version { get; set; }
    internal bool Deleted { get; set; }
}

/// <summary>A domain of the emulated tenant (GET /v1.0/domains).</summary>
public sealed record GraphDomainRecord(string Id, bool IsVerified, bool IsDefault, bool IsInitial, string[] SupportedServices);

/// <summary>
/// Microsoft Graph's directory behind the emulator: domains and users with change tracking for
/// /users/delta (paged with $skiptoken nextLinks, a $deltatoken deltaLink on the last page, deleted
/// users as <c>@removed</c>). Tests change it between syncs. Thread-safe.
/// </summary>
public sealed class GraphState
{
    private readonly object _lock = new();
    private readonly List<GraphUserRecord> _users = new();
    private long _serial;
    private long _oldestValidDeltaToken;

    /// <summary>The tenant's domains: contoso.com (default), the initial domain, one without Email, one unverified.</summary>
    public List<GraphDomainRecord> Domains { get; } = new()
    {
        new("contoso.onmicrosoft.com", true, false, true, new[] { "Email", "OfficeCommunicationsOnline" }),
        new("contoso.com", true, true, false, new[] { "Email", "OfficeCommunicationsOnline", "Intune" }),
        new("lync.contoso.com", true, false, false, new[] { "OfficeCommunicationsOnline" }),
        new("pending.contoso.net", false, false, false, new[] { "Email" }),
    };

    /// <summary>When true, every Graph call answers 403 Authorization_RequestDenied (an app without Graph permissions).</summary>
    public bool Forbidden { get; set; }

    /// <summary>How long each page of /users/delta takes to answer (zero: at once).</summary>
    public TimeSpan UserPageDelay { get; set; }

    /// <summary>Users per page when the request has no Prefer: odata.maxpagesize.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Creates the directory with an admin user.</summary>
    public GraphState()
    {
        AddUser("admin@contoso.onmicrosoft.com", "Admin", "admin@contoso.onmicrosoft.com", "SMTP:admin@contoso.onmicrosoft.com");
    }

    /// <summary>Adds a user; <paramref name="mail"/> null makes a user without a mailbox.</summary>
    public GraphUserRecord AddUser(string userPrincipalName, string? displayName, string? mail, params string[] proxyAddresses)
    {
        lock (_lock)
        {
            var user = new GraphUserRecord
            {
                Id = Guid.NewGuid().ToString(),
                UserPrincipalName = userPrincipalName,
                DisplayName = displayName,
                Mail = mail,
                ProxyAddresses = proxyAddresses.ToList(),
                Version = ++_serial,
            };
            _users.Add(user);
            return user;
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> mailbox users (user00001@contoso.com …): each with its primary
    /// address, the onmicrosoft.com address, a SIP and an X500 entry; every 10th with an alias in
    /// contoso.com and one in lync.contoso.com (not a mail domain); every 50th disabled (a shared mailbox).
    /// </summary>
    public void SeedUsers(int count, int start = 1)
    {
        for (var i = start; i < start + count; i++)
        {
            var name = "user" + i.ToString("00000", CultureInfo.InvariantCulture);
            var proxies = new List<string> { $"SMTP:{name}@contoso.com", $"smtp:{name}@contoso.onmicrosoft.com", $"SIP:{name}@contoso.com", $"X500:/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn={name}" };
            if (i % 10 == 0)
            {
                proxies.Add($"smtp:alias.{name}@contoso.com");
                proxies.Add($"smtp:{name}@lync.contoso.com");
            }
            var user = AddUser($"{name}@contoso.com", "User " + i.ToString("00000", CultureInfo.InvariantCulture), $"{name}@contoso.com", proxies.ToArray());
            if (i % 50 == 0) lock (_lock) user.AccountEnabled = false;
        }
    }

    /// <summary>Replaces a user's proxy addresses (and mail, when given); a change for the next delta round.</summary>
    public void SetProxyAddresses(string userPrincipalName, string[] proxyAddresses, string? mail = null)
    {
        lock (_lock)
        {
            var user = Find(userPrincipalName);
            user.ProxyAddresses = proxyAddresses.ToList();
            if (mail is not null) user.Mail = mail;
            user.Version = ++_serial;
        }
    }

    /// <summary>Deletes a user; the next delta round reports it with @removed.</summary>
    public void RemoveUser(string userPrincipalName)
    {
        lock (_lock)
        {
            var user = Find(userPrincipalName);
            user.Deleted = true;
            user.Version = ++_serial;
        }
    }

    /// <summary>Makes every delta link issued so far invalid (410, as after Graph's retention).</summary>
    public void ExpireDeltaTokens()
    {
        lock (_lock) _oldestValidDeltaToken = _serial + 1;
    }

    /// <summary>The live users (copies).</summary>
    public IReadOnlyList<GraphUserRecord> Users
    {
        get
        {
            lock (_lock)
            {
                return _users.Where(u => !u.Deleted).Select(u => new GraphUserRecord
                {
                    Id = u.Id, UserPrincipalName = u.UserPrincipalName, DisplayName = u.DisplayName, Mail = u.Mail,
                    ProxyAddresses = u.ProxyAddresses.ToList(), AccountEnabled = u.AccountEnabled, Version = u.Version,
                }).ToList();
            }
        }
    }

    private GraphUserRecord Find(string upn) =>
        _users.FirstOrDefault(u => !u.Deleted && string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No user {upn}.", nameof(upn));

    /// <summary>
    /// A delta round: all live users (<paramref name="deltaToken"/> null) or the users changed after
    /// the token (deleted ones as @removed); null when the token is no longer valid. Returns the
    /// JSON objects (only the selected properties, plus id) and the token for the round's deltaLink.
    /// </summary>
    internal (List<JsonObject> Items, long NextToken)? DeltaRound(long? deltaToken, IReadOnlyCollection<string> select)
    {
        lock (_lock)
        {
            if (deltaToken is { } t && (t < _oldestValidDeltaToken || t > _serial)) return null;
            var items = new List<JsonObject>();
            foreach (var u in _users)
            {
                if (deltaToken is null ? u.Deleted : u.Version <= deltaToken.Value) continue;
                if (u.Deleted)
                {
                    items.Add(new JsonObject { ["id"] = u.Id, ["@removed"] = new JsonObject { ["reason"] = "changed" } });
                    continue;
                }
                var o = new JsonObject { ["id"] = u.Id };
                foreach (var property in select)
                {
                    switch (property)
                    {
                        case "mail": o["mail"] = u.Mail; break;
                        case "proxyAddresses": o["proxyAddresses"] = new JsonArray(u.ProxyAddresses.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()); break;
                        case "userPrincipalName": o["userPrincipalName"] = u.UserPrincipalName; break;
                        case "displayName": o["displayName"] = u.DisplayName; break;
                        case "accountEnabled": o["accountEnabled"] = u.AccountEnabled; break;
                    }
                }
                items.Add(o);
            }
            return (items, _serial);
        }
    }

    /// <summary>Default properties of a user when the first request has no $select (Graph's default set has no proxyAddresses).</summary>
    internal static readonly string[] DefaultSelect = { "displayName", "mail", "userPrincipalName" };

    internal static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
