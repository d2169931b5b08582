@{
    Synopsis    = 'Signs in to Mimecast API 2.0 for the Mimecast journaling cmdlets.'
    Description = @'
Connect-MimecastJournaling signs in to Mimecast API 2.0 with an API 2.0 application's client id
and client secret (OAuth 2.0 client credentials at /oauth/token) and keeps the connection as the
current one of this PowerShell process until Disconnect-MimecastJournaling or the next
Connect-MimecastJournaling. The token is fetched at once, so a wrong client id or secret fails
here with MimecastAuthenticationFailed (the message never contains the secret). Tokens are renewed
before they expire; when Mimecast refuses a token (HTTP 401) the module gets one new token and
repeats the call once.

Create the API 2.0 application in the Mimecast Administration Console (Services > API and
Platform Integrations) with a role that has: Services | Journaling | Read and Edit, Gateway |
Policies | Edit (Mimecast lists it for creating journal services), and Directories | Internal |
Register New Domain and Edit (the journal domain). The client secret is shown once, when the key
is generated.

-Region picks the API host: Global (api.services.mimecast.com, routes to the account's region
and fails over), UK or US (pinned, no fail-over). -BaseUri replaces it (a proxy, another host,
tests); it must be https, or http on a loopback address. Every call is written to the verbose
stream (method, path, body with passwords as ***, status, waits), never the secret or the token.
'@
    Parameters  = @{
        ClientId = @{ Description = 'The API 2.0 application''s client id.' }
        ClientSecret = @{ Description = 'The API 2.0 application''s client secret, as a SecureString (Read-Host -AsSecureString, or a secret vault).' }
        Region = @{ Description = 'The API host: Global, UK or US.'; Default = 'Global' }
        BaseUri = @{ Description = 'Another API host (https; http only on a loopback address). Replaces -Region.'; Default = 'The region''s host' }
    }
    Examples    = @(
        @{
            Title   = 'Sign in with a secret typed at the prompt'
            Code    = @'
Connect-MimecastJournaling -ClientId $clientId -ClientSecret (Read-Host -AsSecureString 'Client secret')
Get-MimecastJournalingConnection
'@
            Remarks = 'Signs in at the global host and shows the region, host, client id and token expiry.'
        }
        @{
            Title   = 'A runbook on a UK-pinned account'
            Code    = @'
$secret = Get-Secret MimecastClientSecret
Connect-MimecastJournaling -ClientId $clientId -ClientSecret $secret -Region UK -Verbose
'@
            Remarks = 'Signs in at uk-api.services.mimecast.com with a secret from SecretManagement; -Verbose shows the token request without the secret.'
        }
    )
    Links       = @('Get-MimecastJournalingConnection', 'Disconnect-MimecastJournaling', 'New-MimecastJournalService', 'about_MimecastJournaling')
}
