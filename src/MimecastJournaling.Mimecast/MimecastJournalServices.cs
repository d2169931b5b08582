using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Mimecast;

/// <summary>A journal service's health, as the Mimecast console names it.</summary>
public enum MimecastServiceStatus
{
    /// <summary>A status name the client does not know (see ApiStatus).</summary>
    Unknown,
    /// <summary>API "not_active" (mapping unconfirmed: no source ties it to the console's "Awaiting Initial Run").</summary>
    AwaitingInitialRun,
    /// <summary>API "ok".</summary>
    OK,
    /// <summary>API "error" (documented: set after the period of inactivity).</summary>
    Error,
}

/// <summary>A local check failed before any call; nothing was sent.</summary>
public sealed class MimecastCheckException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public MimecastCheckException(string errorId, string message) : base(message) => ErrorId = errorId;

    /// <summary>A stable id (the cmdlet's error id is Mimecast + this).</summary>
    public string ErrorId { get; }
}

/// <summary>A Mimecast journal service definition as read from the API (never its password).</summary>
public sealed class MimecastJournalService
{
    /// <summary>Mimecast's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The description (the module converges by it).</summary>
    public string Description { get; init; } = "";
    /// <summary>The journal service address (smtpJournalingConnection.emailAddress).</summary>
    public string ServiceEmailAddress { get; init; } = "";
    /// <summary>Not enabled.</summary>
    public bool Disabled { get; init; }
    /// <summary>Console status, mapped from <see cref="ApiStatus"/>.</summary>
    public MimecastServiceStatus Status { get; init; }
    /// <summary>The API's own status name (statusInfo.status).</summary>
    public string? ApiStatus { get; init; }
    /// <summary>Journal items queued (queueSize).</summary>
    public int? QueueLength { get; init; }
    /// <summary>When the last journal item arrived.</summary>
    public DateTimeOffset? LastReceived { get; init; }
    /// <summary>The journal smart hosts Mimecast gives (smtpJournalingConnection.hostnames).</summary>
    public IReadOnlyList<string> Hostnames { get; init; } = Array.Empty<string>();
    /// <summary>Additional source IP ranges.</summary>
    public IReadOnlyList<string> SourceIpRange { get; init; } = Array.Empty<string>();
    /// <summary>SMTP authentication is on (the password is write-only).</summary>
    public bool SmtpAuthentication { get; init; }
    /// <summary>Minutes before the first run.</summary>
    public TimeSpan InitialProcessDelay { get; init; }
    /// <summary>Delivery wait attempts.</summary>
    public int DeliveryWaitAttempts { get; init; } = 3;
    /// <summary>Period of inactivity before the status becomes Error.</summary>
    public TimeSpan InactivityPeriod { get; init; } = TimeSpan.FromMinutes(180);
    /// <summary>Envelope or EML.</summary>
    public JournalType JournalType { get; init; } = JournalType.ExchangeEnvelope;
    /// <summary>TLS (usesTls).</summary>
    public bool Encrypted { get; init; } = true;
    /// <summary>Prefer clear text (prefersClearText).</summary>
    public bool PreferClearText { get; init; }
    /// <summary>Journal non-internal addresses.</summary>
    public bool JournalNonInternalAddresses { get; init; }
    /// <summary>Journal unknown internal addresses.</summary>
    public bool JournalUnknownInternalAddresses { get; init; }
    /// <summary>Strip the X-MS-Exchange-Organization-BCC and -CrossPremises-BCC headers.</summary>
    public bool RemoveJournalHeaders { get; init; }
    /// <summary>Wait 10 minutes for the gateway copy before deduplicating.</summary>
    public bool ExtendedDeduplication { get; init; }
    /// <summary>smtp or pop3.</summary>
    public string TransportProtocol { get; init; } = "smtp";

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>
/// The seed's fields of a journal service, as given (null: not given). The same names as
/// New-JournalDefinition's, plus Mimecast's two extras.
/// </summary>
public sealed record MimecastJournalServiceSettings
{
    /// <summary>The description.</summary>
    public string? Description { get; init; }
    /// <summary>The service address.</summary>
    public string? ServiceEmailAddress { get; init; }
    /// <summary>Additional source IP ranges (IPv4 CIDR).</summary>
    public IReadOnlyList<string>? SourceIpRange { get; init; }
    /// <summary>On or off.</summary>
    public bool? SmtpAuthentication { get; init; }
    /// <summary>The SMTP password (sent, never read back or logged).</summary>
    public string? SmtpPassword { get; init; }
    /// <summary>Whole minutes ≥ 0.</summary>
    public TimeSpan? InitialProcessDelay { get; init; }
    /// <summary>≥ 0.</summary>
    public int? DeliveryWaitAttempts { get; init; }
    /// <summary>Whole minutes, 180–960.</summary>
    public TimeSpan? InactivityPeriod { get; init; }
    /// <summary>Envelope or EML.</summary>
    public JournalType? JournalType { get; init; }
    /// <summary>TLS.</summary>
    public bool? Encrypted { get; init; }
    /// <summary>Prefer clear text.</summary>
    public bool? PreferClearText { get; init; }
    /// <summary>Journal non-internal addresses.</summary>
    public bool? JournalNonInternalAddresses { get; init; }
    /// <summary>Journal unknown internal addresses.</summary>
    public bool? JournalUnknownInternalAddresses { get; init; }
    /// <summary>Disabled.</summary>
    public bool? Disabled { get; init; }
    /// <summary>Remove journal headers.</summary>
    public bool? RemoveJournalHeaders { get; init; }
    /// <summary>Extended deduplication.</summary>
    public bool? ExtendedDeduplication { get; init; }
}

/// <summary>One field that differs between Mimecast and the wanted settings.</summary>
/// <param name="Name">The parameter name (as New-MimecastJournalService has it).</param>
/// <param name="Current">Mimecast's value, as text.</param>
/// <param name="Wanted">The wanted value, as text ("***" for the password).</param>
public sealed record MimecastSettingChange(string Name, string Current, string Wanted)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Current} -> {Wanted}";
}

/// <summary>
/// Journal services over <see cref="MimecastClient"/>: the local checks, the create and update
/// bodies (update names differ from create names), reading every list shape, and convergence by
/// description.
/// </summary>
public sealed class MimecastJournalServices
{
    /// <summary>The documented bounds of inactivityTimeout (minutes).</summary>
    public const int MinInactivityMinutes = 180, MaxInactivityMinutes = 960;

    private readonly MimecastClient _client;

    /// <summary>Creates the wrapper.</summary>
    public MimecastJournalServices(MimecastClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    private MimecastClientOptions O => _client.Options;

    /// <summary>Every journal service (the list is read under any key the sources show).</summary>
    public async Task<IReadOnlyList<MimecastJournalService>> ListAsync(CancellationToken ct = default)
    {
        var items = await _client.GetListAsync(O.JournalServicesPath, O.JournalServiceListKeys, paged: false, ct).ConfigureAwait(false);
        return items.Select(Read).ToArray();
    }

    /// <summary>One journal service by id.</summary>
    public async Task<MimecastJournalService> GetAsync(string id, CancellationToken ct = default)
    {
        var root = await _client.SendAsync(HttpMethod.Get, O.JournalServicesPath + "/" + Uri.EscapeDataString(id), null, ct).ConfigureAwait(false);
        return Read(Unwrap(root));
    }

    /// <summary>The services whose description is <paramref name="description"/> (case-insensitive).</summary>
    public async Task<IReadOnlyList<MimecastJournalService>> FindAsync(string description, CancellationToken ct = default) =>
        (await ListAsync(ct).ConfigureAwait(false)).Where(s => string.Equals(s.Description.Trim(), description.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();

    /// <summary>Creates a service; <paramref name="settings"/> must have been checked (<see cref="Check"/>). Returns it as read back.</summary>
    public async Task<MimecastJournalService> CreateAsync(MimecastJournalServiceSettings settings, CancellationToken ct = default)
    {
        var root = await _client.SendAsync(HttpMethod.Post, O.JournalServicesPath, CreateBody(settings), ct).ConfigureAwait(false);
        // The create answer is undocumented ({"id"} in one client, hostnames in the docs' words):
        // take the id from it when there is one, else find the new service by description.
        var id = IdOf(Unwrap(root));
        if (id is not null) return await GetAsync(id, ct).ConfigureAwait(false);
        var found = await FindAsync(settings.Description!, ct).ConfigureAwait(false);
        return found.Count == 1 ? found[0]
            : throw new MimecastApiException(MimecastErrorKind.InvalidResponse, $"Created the journal service '{settings.Description}', but the answer has no id and {found.Count} services have that description.");
    }

    /// <summary>Sends only <paramref name="changes"/> (PATCH, the update names) and returns the service as read back.</summary>
    public async Task<MimecastJournalService> UpdateAsync(string id, IReadOnlyDictionary<string, object?> changes, CancellationToken ct = default)
    {
        await _client.SendAsync(HttpMethod.Patch, O.JournalServicesPath + "/" + Uri.EscapeDataString(id), changes, ct).ConfigureAwait(false);
        return await GetAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes a service.</summary>
    public Task DeleteAsync(string id, CancellationToken ct = default) =>
        _client.SendAsync(HttpMethod.Delete, O.JournalServicesPath + "/" + Uri.EscapeDataString(id), null, ct);

    // ---- local checks ---------------------------------------------------------------------------

    /// <summary>Checks settings before any call (for a create when <paramref name="creating"/>); the error says what to give instead.</summary>
    public void Check(MimecastJournalServiceSettings s, bool creating)
    {
        if (creating && string.IsNullOrWhiteSpace(s.Description))
            throw new MimecastCheckException("DescriptionRequired", "Give -Description: Mimecast requires one, and the module finds the service again by it.");
        if (s.Description is { } d && d.Trim().Length == 0)
            throw new MimecastCheckException("DescriptionRequired", "-Description may not be empty.");
        if (creating && string.IsNullOrWhiteSpace(s.ServiceEmailAddress))
            throw new MimecastCheckException("ServiceEmailAddressRequired", "Give -ServiceEmailAddress, for example journal@journal.contoso.com.");
        if (s.ServiceEmailAddress is { } a && !IsAddress(a))
            throw new MimecastCheckException("InvalidServiceEmailAddress", $"'{a}' is not an email address. Give the journal service address, for example journal@journal.contoso.com.");
        foreach (var range in s.SourceIpRange ?? Array.Empty<string>())
        {
            if (!IpRange.TryParse(range, out var parsed, out var error))
                throw new MimecastCheckException("InvalidSourceIpRange", error);
            if (parsed.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !O.AllowIPv6SourceRanges)
                throw new MimecastCheckException("IPv6SourceIpRange", $"'{range}' is an IPv6 range; Mimecast documents IPv4 CIDR ranges only for a journal service. Give IPv4 ranges (Exchange Online's outbound IPv4 ranges, for example 40.92.0.0/15).");
        }
        if (s.InitialProcessDelay is { } delay)
        {
            WholeMinutes(delay, "InitialProcessDelay");
            if (delay < TimeSpan.Zero) throw new MimecastCheckException("InitialProcessDelayOutOfRange", "-InitialProcessDelay may not be negative.");
        }
        if (s.InactivityPeriod is { } inactivity)
        {
            WholeMinutes(inactivity, "InactivityPeriod");
            if (inactivity.TotalMinutes is < MinInactivityMinutes or > MaxInactivityMinutes)
                throw new MimecastCheckException("InactivityPeriodOutOfRange",
                    $"-InactivityPeriod is {inactivity.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes; Mimecast takes {MinInactivityMinutes} to {MaxInactivityMinutes} minutes (3 to 16 hours).");
        }
        if (s.DeliveryWaitAttempts is < 0)
            throw new MimecastCheckException("DeliveryWaitAttemptsOutOfRange", "-DeliveryWaitAttempts may not be negative.");
        if (creating && s.SmtpAuthentication == true && string.IsNullOrEmpty(s.SmtpPassword))
            throw new MimecastCheckException("SmtpPasswordRequired",
                "SMTP authentication needs a password: give -SmtpCredential. (A local journal definition keeps only a salted hash, so a copy to Mimecast needs the password again.)");
    }

    private static void WholeMinutes(TimeSpan value, string name)
    {
        if (value.Ticks % TimeSpan.TicksPerMinute != 0)
            throw new MimecastCheckException("MinutesNotWhole", $"-{name} is {value}; Mimecast takes whole minutes. Give a number of minutes, for example 180.");
    }

    private static bool IsAddress(string text)
    {
        try
        {
            var m = new MailAddress(text.Trim());
            return string.Equals(m.Address, text.Trim(), StringComparison.OrdinalIgnoreCase) && m.Host.Contains('.', StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // ---- bodies ---------------------------------------------------------------------------------

    /// <summary>The create body: every field, Mimecast's documented defaults where not given.</summary>
    public Dictionary<string, object?> CreateBody(MimecastJournalServiceSettings s)
    {
        var auth = s.SmtpAuthentication ?? !string.IsNullOrEmpty(s.SmtpPassword);
        var connection = new Dictionary<string, object?>
        {
            ["emailAddress"] = s.ServiceEmailAddress!.Trim(),
            ["ipRanges"] = Normalize(s.SourceIpRange ?? Array.Empty<string>()),
            ["usesAuthentication"] = auth,
            ["usesTls"] = s.Encrypted ?? true,
            ["prefersClearText"] = s.PreferClearText ?? false,
            ["extendedDeduplication"] = s.ExtendedDeduplication ?? false,
            ["deliveryWaitAttempts"] = s.DeliveryWaitAttempts ?? 3,
            ["inactivityTimeout"] = (int)(s.InactivityPeriod ?? TimeSpan.FromMinutes(MinInactivityMinutes)).TotalMinutes,
            ["processInitialDelay"] = (int)(s.InitialProcessDelay ?? TimeSpan.Zero).TotalMinutes,
        };
        if (auth && s.SmtpPassword is { } password) connection["password"] = password;
        return new Dictionary<string, object?>
        {
            ["description"] = s.Description!.Trim(),
            ["enabled"] = !(s.Disabled ?? false),
            ["messageFormat"] = Format(s.JournalType ?? JournalType.ExchangeEnvelope),
            ["removeJournalHeaders"] = s.RemoveJournalHeaders ?? false,
            ["journalNonInternalAddresses"] = s.JournalNonInternalAddresses ?? false,
            ["journalUnknownInternalAddresses"] = s.JournalUnknownInternalAddresses ?? false,
            ["smtpJournalingConnection"] = connection,
        };
    }

    /// <summary>
    /// What differs between <paramref name="current"/> and the given settings, and the PATCH body
    /// with only those fields under the update names. The password is sent when authentication
    /// is switched on, or when <paramref name="sendPassword"/> (it can never be compared).
    /// </summary>
    public (IReadOnlyList<MimecastSettingChange> Changes, Dictionary<string, object?> Body) Diff(
        MimecastJournalService current, MimecastJournalServiceSettings s, bool sendPassword)
    {
        var changes = new List<MimecastSettingChange>();
        var top = new Dictionary<string, object?>();
        var smtp = new Dictionary<string, object?>();
        void Top<T>(string name, string field, T have, T? want, Func<T, object?>? json = null) where T : struct
        {
            if (want is { } w && !EqualityComparer<T>.Default.Equals(have, w))
            {
                changes.Add(new(name, Text(have), Text(w)));
                top[field] = json is null ? w : json(w);
            }
        }
        void Smtp<T>(string name, string field, T have, T? want, Func<T, object?>? json = null) where T : struct
        {
            if (want is { } w && !EqualityComparer<T>.Default.Equals(have, w))
            {
                changes.Add(new(name, Text(have), Text(w)));
                smtp[UpdateName(field)] = json is null ? w : json(w);
            }
        }
        if (s.Description is { } d && !string.Equals(d.Trim(), current.Description, StringComparison.Ordinal))
        {
            changes.Add(new("Description", current.Description, d.Trim()));
            top["description"] = d.Trim();
        }
        Top("Disabled", "enabled", current.Disabled, s.Disabled, v => !v);
        Top("JournalType", "messageFormat", current.JournalType, s.JournalType, v => Format(v));
        Top("RemoveJournalHeaders", "removeJournalHeaders", current.RemoveJournalHeaders, s.RemoveJournalHeaders);
        Top("JournalNonInternalAddresses", "journalNonInternalAddresses", current.JournalNonInternalAddresses, s.JournalNonInternalAddresses);
        Top("JournalUnknownInternalAddresses", "journalUnknownInternalAddresses", current.JournalUnknownInternalAddresses, s.JournalUnknownInternalAddresses);
        if (s.ServiceEmailAddress is { } a && !string.Equals(a.Trim(), current.ServiceEmailAddress, StringComparison.OrdinalIgnoreCase))
        {
            changes.Add(new("ServiceEmailAddress", current.ServiceEmailAddress, a.Trim()));
            smtp[UpdateName("emailAddress")] = a.Trim();
        }
        if (s.SourceIpRange is { } ranges)
        {
            var want = Normalize(ranges);
            var have = Normalize(current.SourceIpRange);
            if (!want.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(have))
            {
                changes.Add(new("SourceIpRange", string.Join(",", have), string.Join(",", want)));
                // PATCH is not known to merge or replace ipRanges: the whole wanted list is sent.
                smtp[UpdateName("ipRanges")] = want;
            }
        }
        var wantAuth = s.SmtpAuthentication ?? (s.SmtpPassword is not null ? true : null);
        Smtp("SmtpAuthentication", "usesAuthentication", current.SmtpAuthentication, wantAuth);
        if (s.SmtpPassword is { } password && wantAuth != false && (sendPassword || !current.SmtpAuthentication))
        {
            if (!changes.Any(c => c.Name == "SmtpAuthentication")) changes.Add(new("SmtpCredential", "***", "*** (new password)"));
            smtp[UpdateName("usesAuthentication")] = true;
            smtp[UpdateName("password")] = password;
        }
        Smtp("Encrypted", "usesTls", current.Encrypted, s.Encrypted);
        Smtp("PreferClearText", "prefersClearText", current.PreferClearText, s.PreferClearText);
        Smtp("ExtendedDeduplication", "extendedDeduplication", current.ExtendedDeduplication, s.ExtendedDeduplication);
        Smtp("DeliveryWaitAttempts", "deliveryWaitAttempts", current.DeliveryWaitAttempts, s.DeliveryWaitAttempts);
        Smtp("InactivityPeriod", "inactivityTimeout", current.InactivityPeriod, s.InactivityPeriod, v => (int)v.TotalMinutes);
        Smtp("InitialProcessDelay", "processInitialDelay", current.InitialProcessDelay, s.InitialProcessDelay, v => (int)v.TotalMinutes);
        if (smtp.Count > 0) top["smtpJournalingConnection"] = smtp;
        return (changes, top);
    }

    private string UpdateName(string createName) => O.UpdateFieldNames.TryGetValue(createName, out var n) ? n : createName;

    private string Format(JournalType type) => type == JournalType.StandardEml ? O.StandardEmlFormat : O.ExchangeEnvelopeFormat;

    private static string[] Normalize(IEnumerable<string> ranges) =>
        ranges.Select(r => IpRange.TryParse(r, out var p, out _) ? p.ToString() : r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static string Text(object? v) => v switch
    {
        null => "(none)",
        bool b => b ? "True" : "False",
        TimeSpan t => ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    // ---- reading --------------------------------------------------------------------------------

    /// <summary>A single object may come bare, or wrapped as {"data":[…]} (API 1.0) or {"service":…}.</summary>
    private static JsonElement Unwrap(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in new[] { "data", "services", "journalingServices" })
            {
                if (root.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0) return list[0];
            }
            if (root.TryGetProperty("service", out var one) && one.ValueKind == JsonValueKind.Object) return one;
        }
        return root;
    }

    private static string? IdOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("id", out var id)
            ? id.ValueKind switch { JsonValueKind.String => id.GetString(), JsonValueKind.Number => id.GetRawText(), _ => null }
            : null;

    /// <summary>Reads a journal service in any shape the sources show; a password in the answer is ignored.</summary>
    public MimecastJournalService Read(JsonElement e)
    {
        var smtp = e.TryGetProperty("smtpJournalingConnection", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var status = e.TryGetProperty("statusInfo", out var si) && si.ValueKind == JsonValueKind.Object ? si : default;
        var apiStatus = Str(status, "status") ?? Str(e, "status");
        return new MimecastJournalService
        {
            Id = IdOf(e) ?? "",
            Description = Str(e, "description") ?? "",
            Disabled = !(Bool(e, "enabled") ?? true),
            ServiceEmailAddress = Str(smtp, "emailAddress") ?? Str(e, "emailAddress") ?? "",
            ApiStatus = apiStatus,
            Status = apiStatus is not null && O.StatusNames.TryGetValue(apiStatus, out var mapped) ? mapped : MimecastServiceStatus.Unknown,
            QueueLength = Int(e, "queueSize") ?? Int(status, "queueSize"),
            LastReceived = Date(status, "lastReceivedDateTime") ?? Date(status, "lastReceived") ?? Date(e, "lastReceivedDateTime"),
            Hostnames = Strings(smtp, "hostnames"),
            SourceIpRange = Strings(smtp, "ipRanges"),
            SmtpAuthentication = Bool(smtp, "usesAuthentication") ?? Bool(smtp, "useAuthentication") ?? false,
            Encrypted = Bool(smtp, "usesTls") ?? Bool(smtp, "useTls") ?? true,
            PreferClearText = Bool(smtp, "prefersClearText") ?? Bool(smtp, "preferClearText") ?? false,
            ExtendedDeduplication = Bool(smtp, "extendedDeduplication") ?? false,
            DeliveryWaitAttempts = Int(smtp, "deliveryWaitAttempts") ?? 3,
            InactivityPeriod = TimeSpan.FromMinutes(Int(smtp, "inactivityTimeout") ?? MinInactivityMinutes),
            InitialProcessDelay = TimeSpan.FromMinutes(Int(smtp, "processInitialDelay") ?? 0),
            JournalType = string.Equals(Str(e, "messageFormat"), O.StandardEmlFormat, StringComparison.OrdinalIgnoreCase) ? JournalType.StandardEml : JournalType.ExchangeEnvelope,
            RemoveJournalHeaders = Bool(e, "removeJournalHeaders") ?? false,
            JournalNonInternalAddresses = Bool(e, "journalNonInternalAddresses") ?? false,
            JournalUnknownInternalAddresses = Bool(e, "journalUnknownInternalAddresses") ?? false,
            TransportProtocol = Str(e, "transferProtocol") ?? "smtp",
        };
    }

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    internal static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
                _ => null,
            }
            : null;

    internal static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.Number when v.TryGetInt32(out var i) => i,
                JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
                _ => null,
            }
            : null;

    internal static DateTimeOffset? Date(JsonElement e, string name) =>
        Str(e, name) is { Length: > 0 } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>Strings, or objects holding one string each ({"outboundIpAddress":…}: the live API did that elsewhere).</summary>
    internal static IReadOnlyList<string> Strings(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return Array.Empty<string>();
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s) list.Add(s);
            else if (item.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in item.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: > 0 } inner) { list.Add(inner); break; }
                }
            }
        }
        return list;
    }
}
