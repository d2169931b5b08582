@{
    Synopsis    = 'Signs in to Exchange Online for the O365 journaling cmdlets.'
    Description = @'
Connect-O365Journaling signs in to the Exchange Online admin API of a tenant and keeps the
connection as the current one of this PowerShell process until Disconnect-O365Journaling or the
next Connect-O365Journaling. The O365 journaling cmdlets (for example New-, Get- and
Remove-O365JournalContact) use it.

Sign-in uses MSAL (Microsoft.Identity.Client), loaded in the module's own load context, so the
MSAL of ExchangeOnlineManagement, Microsoft.Graph or Az in the same session does not matter. One
way to sign in per parameter set:

- -ClientId with -ClientSecret, -CertificatePath (and -CertificatePassword), -Certificate or
  -CertificateThumbprint: app-only sign-in (client credentials) as an app registration with the
  Exchange.ManageAsApp application permission, admin consent, and an Exchange role (for example
  Exchange Recipient Administrator, or Exchange Administrator for connectors and journal rules).
  A certificate is the better choice for automation: its private key signs the request and never
  leaves the machine. -CertificateThumbprint looks in CurrentUser\My, then LocalMachine\My.

- -ClientId with -DeviceCode: an administrator signs in interactively (delegated) on any device:
  the command shows a URL and a code on the host (not in the pipeline) and waits until the sign-in
  is completed, declined or the code expires. The app registration must allow public client
  flows and have the delegated Exchange.Manage permission; the user needs an Exchange role.

- -ManagedIdentity: an Azure Automation runbook, Function, App Service or VM signs in as its
  managed identity, system-assigned, or user-assigned with -ManagedIdentityClientId. Give the
  identity Exchange.ManageAsApp and an Exchange role.

- -AccessToken: a token you already have for https://outlook.office365.com (or the sovereign
  cloud's host). It cannot be refreshed: connect again when it expires. It is for Exchange only;
  give a separate Microsoft Graph token with -GraphAccessToken for the Graph cmdlets.

The token for the Exchange admin API is fetched at once, so a wrong secret, an unknown client id,
an unusable certificate or a declined device code fails here, with its own error id. MSAL keeps
the tokens in memory only and renews them before they expire.

Microsoft Graph (Get-O365AcceptedDomain, Sync-JournalDirectory) uses the same sign-in: with every
MSAL sign-in (client secret, certificate, device code, managed identity) MSAL also gives Graph
tokens for the cloud's Graph (app-only sign-in needs the Graph application permissions
Domain.Read.All and User.Read.All; a device code user needs the delegated ones). With
-AccessToken, give a separate Graph token with -GraphAccessToken. Without one, Get-O365AcceptedDomain
reads Exchange's accepted domains instead and Sync-JournalDirectory stops with an error that says so.

Tokens, secrets and passwords are never written to output, verbose messages or errors;
Get-O365JournalingConnection shows where you are connected, as whom, and when the current token
expires.

Error ids: O365SignInFailed (refused by the sign-in service; its AADSTS text is shown),
O365CertificateNotFound, O365CertificateWithoutPrivateKey, O365CertificateUnreadable (names the
file, never the password), O365DeviceCodeDeclined, O365DeviceCodeExpired,
O365ManagedIdentityUnavailable, O365SignInUnreachable, O365InvalidEndpoint, O365EmptyAccessToken,
O365EmptyGraphAccessToken.
'@
    Parameters  = @{
        TenantId                = @{
            Description = 'The tenant: its id (a GUID) or one of its domains, for example contoso.onmicrosoft.com. The GUID is the safest choice.'
        }
        AccessToken             = @{
            Description = @'
A bearer token for the Exchange Online admin API (audience https://outlook.office365.com, or the
sovereign cloud's host), with or without the "Bearer " prefix. Give it as a SecureString, for
example ConvertTo-SecureString $token -AsPlainText -Force.
'@
        }
        GraphAccessToken        = @{
            Description = @'
A bearer token for Microsoft Graph (audience https://graph.microsoft.com, or the sovereign cloud's
Graph), as a SecureString, for the Graph cmdlets when you sign in with -AccessToken. It needs
Domain.Read.All (Get-O365AcceptedDomain) and User.Read.All (Sync-JournalDirectory). It cannot be
refreshed and is never shown.
'@
            Default     = 'None: Get-O365AcceptedDomain falls back to Exchange, Sync-JournalDirectory cannot run'
        }
        GraphEndpoint           = @{
            Description = @'
Replaces the cloud's Microsoft Graph base (scheme, host and port; /v1.0 is added), for a proxy or a
test emulator. The token is still asked for the cloud's Graph scope and is sent only to this host.
Must be https, except for a loopback address.
'@
            Default     = "The cloud's Graph host, e.g. https://graph.microsoft.com"
        }
        ClientId                = @{
            Description = @'
The application (client) id of the app registration: a confidential client for -ClientSecret and
the certificate parameters, a public client (public client flows allowed) for -DeviceCode.
'@
        }
        ClientSecret            = @{
            Description = 'The client secret of the app registration, as a SecureString (Read-Host -AsSecureString, or a secret store). It is kept in memory only.'
        }
        CertificatePath         = @{
            Description = @'
A PKCS#12 file (.pfx or .p12) with the app's certificate and its private key (a PEM file with an
unencrypted or password-protected key works too). The certificate's public part must be uploaded
to the app registration. A relative path is resolved against the current location.
'@
        }
        CertificatePassword     = @{
            Description = 'The password of the -CertificatePath file, as a SecureString. Error messages name the file, never the password.'
            Default     = 'None (a file without a password)'
        }
        Certificate             = @{
            Description = @'
The app's certificate as an X509Certificate2 with its private key, for example from
Get-Item Cert:\CurrentUser\My\<thumbprint> or a secret store.
'@
        }
        CertificateThumbprint   = @{
            Description = 'The thumbprint of the app''s certificate, looked up with its private key in CurrentUser\My, then LocalMachine\My.'
        }
        DeviceCode              = @{
            Description = @'
Sign in as a user with a device code: open the URL shown on any device, enter the code and sign
in. The command waits until then (Ctrl+C stops it). Later tokens come silently from MSAL's
refresh token until the session ends.
'@
        }
        ManagedIdentity         = @{
            Description = @'
Sign in as the Azure managed identity of the machine or service the command runs on (Azure
Automation, Functions, App Service, a VM). MSAL finds the identity endpoint from the environment.
'@
        }
        ManagedIdentityClientId = @{
            Description = 'The client id of a user-assigned managed identity. Without it, the system-assigned identity signs in.'
            Default     = 'The system-assigned identity'
        }
        Environment             = @{
            Description = @'
The Microsoft 365 cloud: Global (commercial and GCC), USGovGCCHigh, USGovDoD or China (21Vianet).
It selects the admin API host, the token audience, the Graph host and the sign-in host.
'@
            Default     = 'Global'
        }
        ExchangeEndpoint        = @{
            Description = @'
Replaces the cloud's admin API base (scheme, host and port), for a proxy or a test emulator. Must
be https, except for a loopback address.
'@
            Default     = "The cloud's admin API host, e.g. https://outlook.office365.com"
        }
        AuthorityHost           = @{
            Description = @'
Replaces the cloud's sign-in host (MSAL signs in at <AuthorityHost>/<TenantId>), for a private
cloud, a proxy or a test emulator. Must be https. MSAL does not know such a host, so it neither
validates it nor asks login.microsoftonline.com for its instance metadata. Not used by
-ManagedIdentity or -AccessToken.
'@
            Default     = "The cloud's sign-in host, e.g. https://login.microsoftonline.com"
        }
    }
    Examples    = @(
        @{
            Title   = 'App-only sign-in with a certificate from a .pfx file'
            Code    = @'
$password = Read-Host -AsSecureString -Prompt 'PFX password'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b `
    -CertificatePath ./journaling-app.pfx -CertificatePassword $password
Get-O365JournalingConnection
'@
            Remarks = 'Signs in as the app registration with its certificate and shows the connection, including when the token expires.'
        }
        @{
            Title   = 'App-only sign-in with a certificate from the certificate store (Windows)'
            Code    = @'
Connect-O365Journaling -TenantId 9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60 -ClientId 6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b `
    -CertificateThumbprint 3F2504E04F8911D39A0C0305E82C3301F1A2B3C4
'@
            Remarks = 'Finds the certificate with its private key in CurrentUser\My, then LocalMachine\My.'
        }
        @{
            Title   = 'Interactive sign-in with a device code'
            Code    = @'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e -DeviceCode
# To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ... to authenticate.
(Get-O365JournalingConnection).UserPrincipalName
'@
            Remarks = 'Shows a code on the host; once you enter it and sign in on any device, the command returns and the session acts as you.'
        }
        @{
            Title   = 'In an Azure Automation runbook, as its managed identity'
            Code    = @'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ManagedIdentity
# or, for a user-assigned identity:
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ManagedIdentity -ManagedIdentityClientId 7b6a5c4d-3e2f-4a1b-8c9d-0f1e2d3c4b5a
'@
            Remarks = 'No secret to store: the identity needs Exchange.ManageAsApp and an Exchange role.'
        }
        @{
            Title   = 'App-only sign-in with a client secret'
            Code    = @'
$secret = Read-Host -AsSecureString -Prompt 'Client secret'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b -ClientSecret $secret
'@
            Remarks = 'Signs in with a client secret; a wrong secret fails here with the sign-in service''s AADSTS text.'
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
