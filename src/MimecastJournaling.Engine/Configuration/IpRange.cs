using System.Net;
using System.Net.Sockets;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>A CIDR range (IPv4 or IPv6). A bare address means one host (/32 or /128).</summary>
public readonly struct IpRange : IEquatable<IpRange>
{
    private readonly IPNetwork _network;

    private IpRange(IPNetwork network) => _network = network;

    public IPAddress BaseAddress => _network.BaseAddress;
    public int PrefixLength => _network.PrefixLength;

    /// <summary>
    /// The ranges of a list whose items may themselves hold several ranges separated by commas,
    /// semicolons or white space ("40.92.0.0/15, 40.107.0.0/16", as the seed's field is one line).
    /// </summary>
    /// An empty item stays as it is, so parsing it still says that a range may not be empty.
    public static IEnumerable<string> SplitList(IEnumerable<string> items) =>
        items.SelectMany(i => string.IsNullOrWhiteSpace(i) ? [i ?? string.Empty] : i.Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Parses "192.0.2.0/24", "2001:db8::/32" or "192.0.2.7"; the error says what is wrong.</summary>
    public static bool TryParse(string? text, out IpRange range, out string error)
    {
        range = default;
        error = string.Empty;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            error = "An IP range may not be empty.";
            return false;
        }

        var slash = value.IndexOf('/');
        var addressText = slash < 0 ? value : value[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            error = $"'{value}' is not a CIDR range: '{addressText}' is not an IPv4 or IPv6 address. Use the form 192.0.2.0/24 or 2001:db8::/32.";
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = value[(slash + 1)..];
            if (!int.TryParse(prefixText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
                || prefix > maxPrefix)
            {
                error = $"'{value}' is not a CIDR range: the prefix length must be a whole number from 0 to {maxPrefix} for an {(maxPrefix == 32 ? "IPv4" : "IPv6")} address.";
                return false;
            }
        }

        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"'{value}' has host bits set after the /{prefix} prefix. Did you mean {masked}/{prefix} (the network) or {address}/{maxPrefix} (one host)?";
            return false;
        }

        range = new IpRange(new IPNetwork(masked, prefix));
        return true;
    }

    public static IpRange Parse(string text) =>
        TryParse(text, out var range, out var error)
            ? range
            : throw new JournalConfigurationException("InvalidSourceIpRange", JournalErrorKind.InvalidArgument, error, text);

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return _network.Contains(address);
    }

    public override string ToString() => $"{_network.BaseAddress}/{_network.PrefixLength}";

    public bool Equals(IpRange other) => _network.Equals(other._network);
    public override bool Equals(object? obj) => obj is IpRange other && Equals(other);
    public override int GetHashCode() => _network.GetHashCode();

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }
        return new IPAddress(bytes);
    }
}
