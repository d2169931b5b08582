using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

public enum CertificateExpiryState
{
    Valid,
    Expiring,
    Expired,
}

/// <summary>
/// How close the listener's certificate is to its end: Expiring within 30, 14 and 7 days
/// (<see cref="Threshold"/> says which), Expired after NotAfter. Exchange Online refuses TLS to
/// an expired certificate, so journaling stops then.
/// </summary>
public sealed record CertificateExpiryStatus(string Subject, string Thumbprint, DateTimeOffset NotAfter, TimeSpan Remaining, int? Threshold, CertificateExpiryState State)
{
    /// <summary>Days before NotAfter at which the listener says so, once each.</summary>
    public static readonly IReadOnlyList<int> ThresholdDays = [30, 14, 7];

    public static CertificateExpiryStatus Of(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var remaining = notAfter - now;
        int? threshold = null;
        foreach (var days in ThresholdDays)
        {
            if (remaining <= TimeSpan.FromDays(days))
            {
                threshold = days;
            }
        }
        var state = remaining <= TimeSpan.Zero ? CertificateExpiryState.Expired
            : threshold is null ? CertificateExpiryState.Valid
            : CertificateExpiryState.Expiring;
        return new CertificateExpiryStatus(certificate.Subject, certificate.Thumbprint, notAfter, remaining, threshold, state);
    }

    /// <summary>What an admin should read, or null while the certificate is valid for more than 30 days.</summary>
    public string? Message => State switch
    {
        CertificateExpiryState.Expired =>
            $"The listener's TLS certificate {Subject} ({Thumbprint}) expired on {NotAfter:u}: senders that require TLS (Exchange Online) cannot deliver. Renew the certificate file; the listener picks it up without a restart.",
        CertificateExpiryState.Expiring =>
            $"The listener's TLS certificate {Subject} ({Thumbprint}) expires on {NotAfter:u}, in {Math.Max(0, (int)Math.Floor(Remaining.TotalDays))} days (within {Threshold} days). Renew it; the listener picks up the renewed file without a restart.",
        _ => null,
    };
}

/// <summary>
/// Writes each expiry threshold (30, 14, 7 days, expired) of a certificate to the event log once,
/// remembered in the store across restarts; an expired certificate puts the definitions that
/// require TLS into Error.
/// </summary>
internal sealed class CertificateExpiryNotices
{
    internal const string SettingName = "listener.certificateExpiryNotices";

    private readonly IJournalStore _store;
    private readonly TimeProvider _clock;

    public CertificateExpiryNotices(IJournalStore store, TimeProvider clock)
    {
        _store = store;
        _clock = clock;
    }

    /// <summary>Returns the certificate's status; records a threshold passed for the first time.</summary>
    public CertificateExpiryStatus Check(X509Certificate2 certificate)
    {
        var now = _clock.GetUtcNow();
        var status = CertificateExpiryStatus.Of(certificate, now);
        if (status.State == CertificateExpiryState.Valid)
        {
            return status;
        }
        var mark = status.State == CertificateExpiryState.Expired ? "expired" : status.Threshold!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var noticed = Read();
        if (noticed.TryGetValue(status.Thumbprint, out var marks) && marks.Contains(mark))
        {
            return status;
        }
        noticed[status.Thumbprint] = [.. marks ?? [], mark];
        var action = status.State == CertificateExpiryState.Expired ? "CertificateExpired" : "CertificateExpiring";
        _store.SetSetting(SettingName, JsonSerializer.Serialize(noticed), now,
        [
            new JournalEvent
            {
                Time = now,
                User = DefinitionHealth.Actor,
                ObjectType = JournalObjectType.Certificate,
                ObjectName = status.Subject,
                ObjectId = status.Thumbprint,
                Action = action,
                Property = "NotAfter",
                NewValue = status.State == CertificateExpiryState.Expired ? $"{status.NotAfter:u} (expired)" : $"{status.NotAfter:u} (within {status.Threshold} days)",
            },
        ]);
        if (status.State == CertificateExpiryState.Expired)
        {
            MarkTlsDefinitionsInError(status);
        }
        return status;
    }

    private void MarkTlsDefinitionsInError(CertificateExpiryStatus status)
    {
        var health = new DefinitionHealth(_store, 1, _clock);
        foreach (var definition in _store.GetDefinitions().Where(d => d.Encrypted && !d.Disabled && d.Status != JournalStatus.Error))
        {
            health.MarkError(definition, $"The listener's TLS certificate expired on {status.NotAfter:u}.");
        }
    }

    private Dictionary<string, List<string>> Read()
    {
        try
        {
            return _store.GetSetting(SettingName) is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, List<string>>>(json) ?? new()
                : new();
        }
        catch (JsonException)
        {
            return new();
        }
    }
}
