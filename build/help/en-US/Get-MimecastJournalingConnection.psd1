@{
    Synopsis    = 'Shows the current Mimecast connection.'
    Description = @'
Get-MimecastJournalingConnection shows the current Mimecast API 2.0 connection: Region, BaseUri,
ClientId, TokenExpiresOn (the token is renewed before that) and ConnectedAt. It never shows the
client secret or the token. Without a connection it writes nothing (and says so with -Verbose).
'@
    Parameters  = @{
    }
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalingConnection' = 'Region, BaseUri, ClientId, TokenExpiresOn and ConnectedAt.'
    }
    Examples    = @(
        @{
            Title   = 'Show the connection'
            Code    = @'
Get-MimecastJournalingConnection
'@
            Remarks = 'Region, host, client id and token expiry.'
        }
        @{
            Title   = 'Connect only when not connected'
            Code    = @'
if (-not (Get-MimecastJournalingConnection)) {
    Connect-MimecastJournaling -ClientId $clientId -ClientSecret $secret
}
'@
            Remarks = 'A runbook reuses the connection of the session.'
        }
    )
    Links       = @('Connect-MimecastJournaling', 'Disconnect-MimecastJournaling')
}
