using System.Net;
using DnsClient;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Domains;

/// <summary>Looks up a domain's TXT records, from the system resolvers or from given DNS servers.</summary>
public sealed class DomainVerifier
{
    private readonly LookupClient _client;

    public DomainVerifier(IReadOnlyList<IPEndPoint>? servers = null, TimeSpan? timeout = null)
    {
        var options = servers is { Count: > 0 } ? new LookupClientOptions(servers.ToArray()) : new LookupClientOptions();
        options.UseCache = false;
        options.Timeout = timeout ?? TimeSpan.FromSeconds(5);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        _client = new LookupClient(options);
    }

    /// <summary>Parses "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:5353" (default port 53).</summary>
    public static IPEndPoint ParseServer(string text)
    {
        var value = text.Trim();
        // A bare address first: "::1" would otherwise read as an endpoint with port 1.
        if (IPAddress.TryParse(value.Trim('[', ']'), out var address))
        {
            return new IPEndPoint(address, 53);
        }
        if (IPEndPoint.TryParse(value, out var endPoint) && endPoint.Port != 0)
        {
            return endPoint;
        }
        throw new JournalConfigurationException("InvalidDnsServer", JournalErrorKind.InvalidArgument,
            $"'{text}' is not a DNS server address. Give an IP address, optionally with a port: 192.0.2.53 or 127.0.0.1:5353.", text);
    }

    /// <summary>The TXT strings published at <paramref name="domain"/> (an empty list for NXDOMAIN or no records).</summary>
    public async Task<IReadOnlyList<string>> GetTxtRecordsAsync(string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(domain, QueryType.TXT, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            throw LookupFailed(domain, e.Message, e);
        }
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            throw LookupFailed(domain, response.ErrorMessage, null);
        }
        // A TXT record may be split into several character-strings; they form one value.
        return response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToArray();
    }

    private static JournalConfigurationException LookupFailed(string domain, string reason, Exception? inner) =>
        new("DnsLookupFailed", JournalErrorKind.ConnectionError,
            $"The TXT lookup for {domain} failed: {reason}. Check the DNS server (-DnsServer) and try again; the domain's state was not changed.", domain, inner);
}
