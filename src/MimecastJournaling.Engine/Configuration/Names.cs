using System.Globalization;
using System.Net.Mail;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>Validation and canonical forms of e-mail addresses and domain names.</summary>
public static class Names
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>
    /// Canonical domain: lower case, IDN converted to its ASCII (punycode) form, no trailing dot.
    /// Throws <see cref="JournalConfigurationException"/> with <paramref name="errorId"/> when invalid.
    /// </summary>
    public static string NormalizeDomain(string? domain, string errorId = "InvalidDomainName")
    {
        var value = (domain ?? string.Empty).Trim().TrimEnd('.');
        string ascii;
        try
        {
            ascii = Idn.GetAscii(value).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            throw Invalid(errorId, domain);
        }
        if (ascii.Length is 0 or > 253 || !ascii.Contains('.'))
        {
            throw Invalid(errorId, domain);
        }
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw Invalid(errorId, domain);
            }
        }
        return ascii;
    }

    /// <summary>
    /// Canonical address: local part kept as given, domain canonical. Display names and angle
    /// brackets are refused: an address here is a plain addr-spec such as journal@journal.contoso.com.
    /// </summary>
    /// <summary>An address without Exchange's proxy-address prefix ("SMTP:" primary, "smtp:" secondary).</summary>
    public static string WithoutSmtpPrefix(string address)
    {
        var value = address.Trim();
        return value.StartsWith("smtp:", StringComparison.OrdinalIgnoreCase) ? value[5..].Trim() : value;
    }

    public static string NormalizeAddress(string? address, string errorId = "InvalidEmailAddress")
    {
        var value = (address ?? string.Empty).Trim();
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.Any(char.IsWhiteSpace) || value.IndexOfAny(['<', '>', ',', ';']) >= 0)
        {
            throw InvalidAddress(errorId, address);
        }
        try
        {
            var parsed = new MailAddress(value);
            if (!string.Equals(parsed.Address, value, StringComparison.Ordinal))
            {
                throw InvalidAddress(errorId, address);
            }
        }
        catch (FormatException)
        {
            throw InvalidAddress(errorId, address);
        }
        var domain = NormalizeDomain(value[(at + 1)..], errorId);
        return value[..at] + "@" + domain;
    }

    /// <summary>The comparison key of an address: Exchange treats addresses case-insensitively.</summary>
    public static string AddressKey(string address) => address.ToLowerInvariant();

    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static JournalConfigurationException Invalid(string errorId, string? domain) =>
        new(errorId, JournalErrorKind.InvalidArgument,
            $"'{domain}' is not a valid domain name. Give a fully qualified name such as journal.contoso.com (letters, digits and hyphens; at least two labels).",
            domain);

    private static JournalConfigurationException InvalidAddress(string errorId, string? address) =>
        new(errorId, JournalErrorKind.InvalidArgument,
            $"'{address}' is not a valid e-mail address. Give a plain address such as journal@journal.contoso.com, without a display name or angle brackets.",
            address);
}
