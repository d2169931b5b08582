namespace MimecastJournaling.ExchangeOnline;

/// <summary>Where a domain list came from.</summary>
public enum TenantDomainSource
{
    /// <summary>Microsoft Graph, GET /domains.</summary>
    Graph,
    /// <summary>Exchange Online, Get-AcceptedDomain (when Graph was not allowed).</summary>
    Exchange,
}

/// <summary>A verified mail domain of the tenant, as Get-O365AcceptedDomain shows it.</summary>
public sealed class O365AcceptedDomain
{
    /// <summary>The domain name.</summary>
    public string DomainName { get; init; } = "";
    /// <summary>The default domain of the tenant.</summary>
    public bool IsDefault { get; init; }
    /// <summary>The tenant's initial *.onmicrosoft.com domain.</summary>
    public bool IsInitial { get; init; }
    /// <summary>Verified with Microsoft (always true for what is listed: unverified domains are left out).</summary>
    public bool IsVerified { get; init; }
    /// <summary>Graph's supported services (Email, OfficeCommunicationsOnline, …); empty when read from Exchange.</summary>
    public IReadOnlyList<string> SupportedServices { get; init; } = Array.Empty<string>();
    /// <summary>Exchange's DomainType (Authoritative, InternalRelay, ExternalRelay); null when read from Graph.</summary>
    public string? DomainType { get; init; }
    /// <summary>Managed or Federated (Graph only).</summary>
    public string? AuthenticationType { get; init; }
    /// <summary>Graph or Exchange.</summary>
    public TenantDomainSource Source { get; init; }

    /// <inheritdoc />
    public override string ToString() => DomainName;
}

/// <summary>
/// The tenant's verified mail domains, default first: from Graph (verified, with the Email
/// service), or from Exchange's Get-AcceptedDomain when Graph is not allowed (403, or no Graph
/// token in the session). Every accepted domain of Exchange is verified and takes mail.
/// </summary>
public static class TenantDomains
{
    /// <summary>Reads the domains; <paramref name="verbose"/> hears why Exchange was used instead of Graph.</summary>
    public static async Task<IReadOnlyList<O365AcceptedDomain>> GetAsync(
        IGraphDirectory? graph, ExchangeJournalingCommands exchange, Action<string>? verbose, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (graph is null)
        {
            verbose?.Invoke("This session has no Microsoft Graph token (connected with -AccessToken and no -GraphAccessToken): reading the accepted domains from Exchange (Get-AcceptedDomain) instead.");
            return await FromExchangeAsync(exchange, cancellationToken).ConfigureAwait(false);
        }
        IReadOnlyList<GraphDomain> domains;
        try
        {
            domains = await graph.GetDomainsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GraphDirectoryException e) when (e.Kind == GraphErrorKind.AccessDenied)
        {
            verbose?.Invoke($"Microsoft Graph does not allow reading the domains ({e.Message} The app needs Domain.Read.All.) Reading the accepted domains from Exchange (Get-AcceptedDomain) instead.");
            return await FromExchangeAsync(exchange, cancellationToken).ConfigureAwait(false);
        }
        return Order(domains.Where(d => d.IsVerified && d.SupportsEmail).Select(d => new O365AcceptedDomain
        {
            DomainName = d.Name.ToLowerInvariant(),
            IsDefault = d.IsDefault,
            IsInitial = d.IsInitial,
            IsVerified = true,
            SupportedServices = d.SupportedServices,
            AuthenticationType = d.AuthenticationType,
            Source = TenantDomainSource.Graph,
        }));
    }

    private static async Task<IReadOnlyList<O365AcceptedDomain>> FromExchangeAsync(ExchangeJournalingCommands exchange, CancellationToken ct) =>
        Order((await exchange.GetAcceptedDomainsAsync(null, ct).ConfigureAwait(false)).Select(d => new O365AcceptedDomain
        {
            DomainName = d.DomainName.ToLowerInvariant(),
            IsDefault = d.Default,
            IsInitial = d.InitialDomain,
            IsVerified = true,
            DomainType = d.DomainType,
            Source = TenantDomainSource.Exchange,
        }));

    /// <summary>Default first, then by name (the initial domain sorts with the rest).</summary>
    private static O365AcceptedDomain[] Order(IEnumerable<O365AcceptedDomain> domains) =>
        domains.GroupBy(d => d.DomainName, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
            .OrderByDescending(d => d.IsDefault).ThenBy(d => d.DomainName, StringComparer.OrdinalIgnoreCase).ToArray();
}
