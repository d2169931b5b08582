@{
    Synopsis    = 'Shows the current Exchange Online connection (never the token).'
    Description = @'
Get-O365JournalingConnection returns the connection made by Connect-O365Journaling: the tenant,
how the session signed in (AccessToken or ClientSecret), the client id and user when known, the
cloud, the admin API endpoint, the sign-in host, when it connected and when the token expires
(when known: the token's exp claim, or the lifetime the token endpoint gave). The token and the
secret are not part of the object. Without a connection it returns nothing.
'@
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalingConnection' = 'The current connection: TenantId, SignInMethod, ClientId, UserPrincipalName, Environment, ExchangeEndpoint, AuthorityHost, ConnectedOn, TokenExpiresOn.'
    }
    Examples    = @(
        @{
            Title   = 'Check the connection before making changes'
            Code    = @'
Get-O365JournalingConnection | Format-List TenantId, SignInMethod, ClientId, Environment, ExchangeEndpoint, TokenExpiresOn
'@
            Remarks = 'Shows where the session is connected and until when the token is valid.'
        }
        @{
            Title   = 'Reconnect when the token is about to expire'
            Code    = @'
$connection = Get-O365JournalingConnection
if (-not $connection -or ($connection.TokenExpiresOn -and $connection.TokenExpiresOn -lt (Get-Date).AddMinutes(5))) {
    Connect-O365Journaling -TenantId contoso.onmicrosoft.com -AccessToken (Get-MyToken)
}
'@
            Remarks = 'Connects again with a fresh token (Get-MyToken stands for your own way of getting one).'
        }
    )
    Links       = @('Connect-O365Journaling', 'Disconnect-O365Journaling')
}
