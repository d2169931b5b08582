@{
    Synopsis    = 'Signs in to Exchange Online for the O365 journaling cmdlets.'
    Description = @'
Connect-O365Journaling signs in to the Exchange Online admin API of a tenant and keeps the
connection as the current one of this PowerShell process until Disconnect-O365Journaling or the
next Connect-O365Journaling. The contact cmdlets (New-, Get- and Remove-O365JournalContact) use
it.

Two ways to sign in:

- -AccessToken: a token you already have for https://outlook.office365.com (for example from
  Get-AzAccessToken or your own MSAL code). It cannot be refreshed: connect again when it expires.

- -ClientId and -ClientSecret: app-only sign-in with the OAuth 2.0 client credentials flow against
  the cloud's sign-in host. The app needs the Exchange.ManageAsApp application permission with
  admin consent, and an Exchange role (for example Exchange Recipient Administrator). A token is
  fetched at once, so a wrong secret fails here, and renewed before it expires. This sign-in does
  not use MSAL yet.

Microsoft Graph (Get-O365AcceptedDomain, Sync-JournalDirectory) uses the same sign-in: app-only
sign-in asks the token endpoint for a Graph token as well (the app needs the Graph application
permissions Domain.Read.All and User.Read.All). An -AccessToken is for Exchange only; give a
separate Graph token with -GraphAccessToken. Without one, Get-O365AcceptedDomain reads Exchange's
accepted domains instead and Sync-JournalDirectory stops with an error that says so.

The token and the secret are never written to output, verbose messages or errors;
Get-O365JournalingConnection shows where you are connected and when the token expires.
'@
    Parameters  = @{
        TenantId         = @{
            Description = 'The tenant: its id (a GUID) or one of its domains, for example contoso.onmicrosoft.com. The GUID is the safest choice.'
        }
        AccessToken      = @{
            Description = @'
A bearer token for the Exchange Online admin API (audience https://outlook.office365.com, or the
sovereign cloud's host), with or without the "Bearer " prefix. Give it as a SecureString, for
example ConvertTo-SecureString $token -AsPlainText -Force.
'@
        }
        GraphAccessToken = @{
            Description = @'
A bearer token for Microsoft Graph (audience https://graph.microsoft.com, or the sovereign cloud's
Graph), as a SecureString, for the Graph cmdlets when you sign in with -AccessToken. It needs
Domain.Read.All (Get-O365AcceptedDomain) and User.Read.All (Sync-JournalDirectory). It cannot be
refreshed and is never shown.
'@
            Default     = 'None: Get-O365AcceptedDomain falls back to Exchange, Sync-JournalDirectory cannot run'
        }
        GraphEndpoint    = @{
            Description = @'
Replaces the cloud's Microsoft Graph base (scheme, host and port; /v1.0 is added), for a proxy or a
test emulator. The token is still asked for the cloud's Graph scope and is sent only to this host.
Must be https, except for a loopback address.
'@
            Default     = "The cloud's Graph host, e.g. https://graph.microsoft.com"
        }
        ClientId         = @{
            Description = 'The application (client) id of the app registration used for app-only sign-in.'
        }
        ClientSecret     = @{
            Description = 'The client secret of the app registration, as a SecureString (Read-Host -AsSecureString, or a secret store). It is kept in memory only.'
        }
        Environment      = @{
            Description = @'
The Microsoft 365 cloud: Global (commercial and GCC), USGovGCCHigh, USGovDoD or China (21Vianet).
It selects the admin API host, the token audience and the sign-in host.
'@
            Default     = 'Global'
        }
        ExchangeEndpoint = @{
            Description = @'
Replaces the cloud's admin API base (scheme, host and port), for a proxy or a test emulator. Must
be https, except for a loopback address.
'@
            Default     = "The cloud's admin API host, e.g. https://outlook.office365.com"
        }
        AuthorityHost    = @{
            Description = @'
Replaces the cloud's sign-in host used for app-only sign-in (the token endpoint is
<AuthorityHost>/<TenantId>/oauth2/v2.0/token). Must be https, except for a loopback address.
'@
            Default     = "The cloud's sign-in host, e.g. https://login.microsoftonline.com"
        }
    }
    Examples    = @(
        @{
            Title   = 'App-only sign-in with a client secret'
            Code    = @'
$secret = Read-Host -AsSecureString -Prompt 'Client secret'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b -ClientSecret $secret
Get-O365JournalingConnection
'@
            Remarks = 'Signs in as the app registration and shows the connection, including when the token expires.'
        }
        @{
            Title   = 'Use a token you already have, in GCC High'
            Code    = @'
$token = (Get-AzAccessToken -ResourceUrl https://outlook.office365.us -AsSecureString).Token
Connect-O365Journaling -TenantId 9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60 -AccessToken $token -Environment USGovGCCHigh
'@
            Remarks = 'Connects with a token obtained elsewhere. Connect again when it expires.'
        }
        @{
            Title   = 'Tokens you already have, for Exchange and for Microsoft Graph'
            Code    = @'
$exchange = (Get-AzAccessToken -ResourceUrl https://outlook.office365.com -AsSecureString).Token
$graph = (Get-AzAccessToken -ResourceTypeName MSGraph -AsSecureString).Token
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -AccessToken $exchange -GraphAccessToken $graph
Sync-JournalDirectory
'@
            Remarks = 'Connects with two tokens, so that the Graph cmdlets can run too.'
        }
    )
    Links       = @('Disconnect-O365Journaling', 'Get-O365JournalingConnection', 'New-O365JournalContact', 'Get-O365AcceptedDomain', 'Sync-JournalDirectory')
}
