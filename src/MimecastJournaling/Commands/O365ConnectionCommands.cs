using System.Management.Automation;
using System.Net;
using System.Security;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>Signs in to Exchange Online; the connection is the process's current one until Disconnect-O365Journaling.</summary>
[Cmdlet(VerbsCommunications.Connect, "O365Journaling", SupportsShouldProcess = true, DefaultParameterSetName = AccessTokenSet)]
public sealed class ConnectO365JournalingCommand : PSCmdlet
{
    private const string AccessTokenSet = "AccessToken";
    private const string ClientSecretSet = "ClientSecret";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidatePattern(@"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+)$")]
    public string TenantId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>A Microsoft Graph token for the Graph cmdlets (the -AccessToken is Exchange's only).</summary>
    [Parameter(ParameterSetName = AccessTokenSet)]
    public SecureString? GraphAccessToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [ValidateNotNullOrEmpty]
    public string ClientId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    public SecureString ClientSecret { get; set; } = null!;

    [Parameter]
    public ExchangeCloud Environment { get; set; } = ExchangeCloud.Global;

    [Parameter]
    [ValidateNotNull]
    public Uri? ExchangeEndpoint { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? AuthorityHost { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? GraphEndpoint { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var (name, uri) in new[] { (nameof(ExchangeEndpoint), ExchangeEndpoint), (nameof(AuthorityHost), AuthorityHost), (nameof(GraphEndpoint), GraphEndpoint) })
        {
            if (uri is not null && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-{name} must be an absolute https URL (http only for a loopback address): {uri}"),
                    "O365InvalidEndpoint", ErrorCategory.InvalidArgument, uri));
            }
        }
        var how = ParameterSetName == ClientSecretSet ? $"app-only as {ClientId}" : "with the given access token";
        if (!ShouldProcess(TenantId, $"Connect to Exchange Online ({Environment}) {how}"))
        {
            return;
        }
        var request = new ExchangeOnlineConnectionRequest(TenantId, Environment)
        {
            ExchangeEndpoint = ExchangeEndpoint,
            AuthorityHost = AuthorityHost,
            AccessToken = ParameterSetName == AccessTokenSet ? new NetworkCredential(string.Empty, AccessToken).Password : null,
            ClientId = ParameterSetName == ClientSecretSet ? ClientId : null,
            ClientSecret = ParameterSetName == ClientSecretSet ? new NetworkCredential(string.Empty, ClientSecret).Password : null,
            GraphEndpoint = GraphEndpoint,
            GraphAccessToken = GraphAccessToken is null ? null : new NetworkCredential(string.Empty, GraphAccessToken).Password,
        };
        if (ParameterSetName == AccessTokenSet && string.IsNullOrWhiteSpace(request.AccessToken))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AccessToken is empty."), "O365EmptyAccessToken", ErrorCategory.InvalidArgument, null));
        }
        if (GraphAccessToken is not null && string.IsNullOrWhiteSpace(request.GraphAccessToken))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-GraphAccessToken is empty."), "O365EmptyGraphAccessToken", ErrorCategory.InvalidArgument, null));
        }
        ExchangeOnlineConnection connection;
        try
        {
            WriteVerbose($"Connecting to Exchange Online for {TenantId} ({Environment}) {how}.");
            connection = ExchangeOnlineConnection.ConnectAsync(request).GetAwaiter().GetResult();
        }
        catch (AccessTokenException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "O365SignInFailed", ErrorCategory.AuthenticationError, TenantId));
            return;
        }
        catch (HttpRequestException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "O365ConnectionFailed", ErrorCategory.ConnectionError, TenantId));
            return;
        }
        O365Session.Replace(connection);
        var info = connection.Info;
        WriteVerbose($"Connected to {info.ExchangeEndpoint} for {info.TenantId}" + (info.TokenExpiresOn is { } exp ? $"; the token expires {exp:u}." : "."));
    }
}

/// <summary>Closes the current Exchange Online connection.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "O365Journaling", SupportsShouldProcess = true)]
public sealed class DisconnectO365JournalingCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (O365Session.Current is not { } current)
        {
            WriteVerbose("Not connected to Exchange Online; nothing to do.");
            return;
        }
        if (ShouldProcess(current.Info.TenantId, "Disconnect from Exchange Online"))
        {
            O365Session.Replace(null);
        }
    }
}

/// <summary>Shows the current Exchange Online connection (never the token).</summary>
[Cmdlet(VerbsCommon.Get, "O365JournalingConnection")]
[OutputType(typeof(O365JournalingConnection))]
public sealed class GetO365JournalingConnectionCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (O365Session.Current is { } current)
        {
            WriteObject(current.Info);
        }
        else
        {
            WriteVerbose("Not connected to Exchange Online. Run Connect-O365Journaling.");
        }
    }
}
