@{
    Synopsis    = 'Shows the current Exchange Online connection (never the token).'
    Description = @'
Get-O365JournalingConnection returns the connection made by Connect-O365Journaling: the tenant,
how the session signed in (ClientSecret, Certificate, DeviceCode, ManagedIdentity or AccessToken),
the client id (the app, or a user-assigned managed identity), the signed-in user for a delegated
sign-in (device code, or the upn claim of a given token), the certificate thumbprint, the cloud,
the admin API and Graph endpoints, the sign-in host, when it connected and when the current
Exchange token expires (MSAL's expiry, which moves on as MSAL renews the token; or the exp claim
of a given token, which cannot be renewed). The token and the secret are not part of the object.
Without a connection it returns nothing.
'@
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalingConnection' = 'The current connection: TenantId, SignInMethod, ClientId, UserPrincipalName, CertificateThumbprint, Environment, ExchangeEndpoint, GraphEndpoint, AuthorityHost, ConnectedOn, TokenExpiresOn.'
    }
    Examples    = @(
        @{
            Title   = 'Check the connection before making changes'
            Code    = @'
Get-O365JournalingConnection | Format-List TenantId, SignInMethod, ClientId, UserPrincipalName, Environment, ExchangeEndpoint, TokenExpiresOn
'@
            Remarks = 'Shows where the session is connected, as whom, and until when the current token is valid.'
        }
        @{
            Title   = 'Reconnect when a given token is about to expire'
            Code    = @'
$connection = Get-O365JournalingConnection
if (-not $connection -or ($connection.SignInMethod -eq 'AccessToken' -and $connection.TokenExpiresOn -lt (Get-Date).AddMinutes(5))) {
    Connect-O365Journaling -TenantId contoso.onmicrosoft.com -AccessToken (Get-MyToken)
}
'@
            Remarks = 'A token you gave cannot be renewed: connect again with a fresh one (Get-MyToken stands for your own way of getting one). MSAL sign-ins renew their tokens themselves.'
        }
    )
    Links       = @('Connect-O365Journaling', 'Disconnect-O365Journaling')
}
