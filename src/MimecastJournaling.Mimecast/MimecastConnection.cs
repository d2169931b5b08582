namespace MimecastJournaling.Mimecast;

/// <summary>What Get-MimecastJournalingConnection shows (never the secret or the token).</summary>
public sealed class MimecastJournalingConnection
{
    /// <summary>The region asked for (Global when -BaseUri replaced the host).</summary>
    public MimecastRegion Region { get; init; }
    /// <summary>The API host the calls go to.</summary>
    public Uri BaseUri { get; init; } = null!;
    /// <summary>The API 2.0 application's client id.</summary>
    public string ClientId { get; init; } = "";
    /// <summary>When the current token expires (it is renewed before that).</summary>
    public DateTimeOffset? TokenExpiresOn { get; init; }
    /// <summary>When Connect-MimecastJournaling ran.</summary>
    public DateTimeOffset ConnectedAt { get; init; }
}

/// <summary>One signed-in Mimecast session for the cmdlets (Connect-MimecastJournaling).</summary>
public sealed class MimecastConnection : IDisposable
{
    private Action<MimecastCallEvent>? _log;

    private MimecastConnection(MimecastClient client, MimecastRegion region)
    {
        Client = client;
        Region = region;
        JournalServices = new MimecastJournalServices(client);
        Domains = new MimecastJournalDomains(client);
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Signs in (a token now: a wrong secret fails here) and returns the session.</summary>
    public static async Task<MimecastConnection> ConnectAsync(
        string clientId, string clientSecret, MimecastRegion region, Uri? baseUri,
        Action<MimecastClientOptions>? configure = null, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        MimecastConnection? connection = null;
        var options = new MimecastClientOptions { Region = region, BaseUri = baseUri };
        options.CallLog = e => connection?._log?.Invoke(e);
        configure?.Invoke(options);
        var client = new MimecastClient(options, clientId, clientSecret, handler);
        connection = new MimecastConnection(client, region);
        try
        {
            await client.SignInAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The transport.</summary>
    public MimecastClient Client { get; }
    /// <summary>The region.</summary>
    public MimecastRegion Region { get; }
    /// <summary>When the session started.</summary>
    public DateTimeOffset ConnectedAt { get; }
    /// <summary>Journal services.</summary>
    public MimecastJournalServices JournalServices { get; }
    /// <summary>The journal domain.</summary>
    public MimecastJournalDomains Domains { get; }

    /// <summary>Receives the call log while a cmdlet runs (Write-Verbose); null otherwise.</summary>
    public Action<MimecastCallEvent>? Log
    {
        get => _log;
        set => _log = value;
    }

    /// <summary>For Get-MimecastJournalingConnection.</summary>
    public MimecastJournalingConnection Info => new()
    {
        Region = Region,
        BaseUri = Client.BaseUri,
        ClientId = Client.ClientId,
        TokenExpiresOn = Client.TokenExpiresOn,
        ConnectedAt = ConnectedAt,
    };

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}

/// <summary>One check of the Mimecast side of Test-O365Journaling.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">True when it is as it should be.</param>
/// <param name="Detail">What was found, and what to do.</param>
public sealed record MimecastServiceCheck(string Name, bool Passed, string Detail);

/// <summary>The Mimecast side of the journaling drift check: the service is enabled, not in Error, and has smart hosts.</summary>
public static class MimecastServiceChecks
{
    /// <summary>Checks the service as Mimecast has it now.</summary>
    public static IReadOnlyList<MimecastServiceCheck> Check(MimecastJournalService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var name = service.Description;
        return new[]
        {
            new MimecastServiceCheck("MimecastServiceEnabled", !service.Disabled,
                service.Disabled ? $"The Mimecast journal service '{name}' is disabled. Run Enable-MimecastJournalService '{name}'." : $"The Mimecast journal service '{name}' is enabled"),
            new MimecastServiceCheck("MimecastServiceStatus", service.Status != MimecastServiceStatus.Error,
                service.Status == MimecastServiceStatus.Error
                    ? $"The Mimecast journal service '{name}' is in Error (API status '{service.ApiStatus}'; last item received {(service.LastReceived is { } r ? r.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never")}): no journal item arrived within its period of inactivity. Check the journal rule and the connector, then send a test report."
                    : $"Status {service.Status} (API '{service.ApiStatus}')"),
            new MimecastServiceCheck("MimecastServiceHostnames", service.Hostnames.Count > 0,
                service.Hostnames.Count > 0 ? "Smart hosts " + string.Join(", ", service.Hostnames)
                    : $"Mimecast returned no journal smart hosts for '{name}'; the connector has nothing to deliver to. Read the service again later, or give -SmartHost."),
        };
    }
}
