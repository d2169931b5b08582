using System.Runtime.InteropServices;
using System.Security;
using MimecastJournaling.Engine.Security;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// The settable fields of a journal definition. A null property means "not given": New- uses the
/// default, Set- keeps the current value.
/// </summary>
public sealed record DefinitionSettings
{
    public string? Description { get; init; }
    public JournalTransportType? TransportType { get; init; }
    public string? ServiceEmailAddress { get; init; }
    public IReadOnlyList<string>? SourceIpRange { get; init; }
    public SmtpCredentialChange? SmtpCredential { get; init; }
    public TimeSpan? InitialProcessDelay { get; init; }
    public int? DeliveryWaitAttempts { get; init; }
    public TimeSpan? InactivityPeriod { get; init; }
    public JournalType? JournalType { get; init; }
    public bool? Encrypted { get; init; }
    public bool? PreferClearText { get; init; }
    public bool? JournalNonInternalAddresses { get; init; }
    public bool? JournalUnknownInternalAddresses { get; init; }
    public bool? Disabled { get; init; }
    /// <summary>Exchange Online tenant ids (GUIDs); an empty list removes the binding.</summary>
    public IReadOnlyList<string>? TenantId { get; init; }
}

/// <summary>
/// A new SMTP credential, already reduced to a user name and a salted slow hash, or the removal
/// of SMTP authentication. The clear-text password never leaves <see cref="FromSecureString"/>.
/// </summary>
public sealed record SmtpCredentialChange
{
    private SmtpCredentialChange(string? userName, string? passwordHash)
    {
        UserName = userName;
        PasswordHash = passwordHash;
    }

    public static SmtpCredentialChange Remove { get; } = new(null, null);

    public string? UserName { get; }
    internal string? PasswordHash { get; }
    public bool Removes => PasswordHash is null;

    public static SmtpCredentialChange FromSecureString(string userName, SecureString password)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Any(char.IsControl))
        {
            throw new JournalConfigurationException("InvalidSmtpCredential", JournalErrorKind.InvalidArgument,
                "The SMTP credential needs a user name (no control characters). Use Get-Credential or [pscredential]::new('user', $securePassword).");
        }
        if (password.Length == 0)
        {
            throw new JournalConfigurationException("InvalidSmtpCredential", JournalErrorKind.InvalidArgument,
                "The SMTP credential's password is empty. Give a password; Exchange sends it with AUTH over TLS.");
        }
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(password);
        var chars = new char[password.Length];
        try
        {
            Marshal.Copy(pointer, chars, 0, chars.Length);
            return new SmtpCredentialChange(userName.Trim(), PasswordHasher.Hash(chars));
        }
        finally
        {
            Array.Clear(chars);
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }

    public override string ToString() => Removes ? "SmtpCredentialChange { Remove }" : $"SmtpCredentialChange {{ UserName = {UserName} }}";
}
