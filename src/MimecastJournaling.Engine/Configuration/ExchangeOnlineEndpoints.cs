using System.Text.Json;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// Reads Microsoft's Microsoft 365 endpoints list (the JSON of the IP Address and URL web service,
/// endpoints/worldwide): an array of entries with serviceArea, tcpPorts and ips. The ranges
/// Exchange Online sends mail from are the Exchange entries that use TCP port 25.
/// </summary>
public static class ExchangeOnlineEndpoints
{
    /// <summary>
    /// The ranges Exchange Online sends mail from as Microsoft publishes them (endpoints list,
    /// Exchange, TCP 25), for advice when no list was loaded with Update-JournalExchangeOnlineRange.
    /// Never used to accept mail: only the loaded list is.
    /// </summary>
    public static readonly IReadOnlyList<string> WellKnownSmtpRanges =
        ["40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "104.47.0.0/17", "2a01:111:f400::/48", "2a01:111:f403::/48"];

    public static IReadOnlyList<string> ParseSmtpRanges(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new JournalConfigurationException("InvalidEndpointList", JournalErrorKind.InvalidArgument,
                $"The file is not JSON ({e.Message}). Give the Microsoft 365 endpoints list, e.g. saved from https://endpoints.office.com/endpoints/worldwide?clientrequestid=<guid>.", null, e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new JournalConfigurationException("InvalidEndpointList", JournalErrorKind.InvalidArgument,
                    "The JSON is not the Microsoft 365 endpoints list: it should be an array of entries with serviceArea, tcpPorts and ips.");
            }
            var ranges = new List<string>();
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("serviceArea", out var area) || area.GetString() != "Exchange"
                    || !entry.TryGetProperty("tcpPorts", out var ports) || !(ports.GetString() ?? string.Empty).Split(',').Any(p => p.Trim() == "25")
                    || !entry.TryGetProperty("ips", out var ips) || ips.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                foreach (var ip in ips.EnumerateArray())
                {
                    // Published ranges are normalised like an admin's; a malformed one is an error, not silently dropped.
                    ranges.Add(IpRange.Parse(ip.GetString() ?? string.Empty).ToString());
                }
            }
            if (ranges.Count == 0)
            {
                throw new JournalConfigurationException("NoExchangeOnlineRanges", JournalErrorKind.InvalidArgument,
                    "The endpoints list has no Exchange entry for TCP port 25, so it names no ranges Exchange Online sends mail from. Check that it is the worldwide (or your cloud's) endpoints list.");
            }
            return ranges.Distinct().ToArray();
        }
    }
}
