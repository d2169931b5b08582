@{
    Synopsis    = 'Closes the current Exchange Online connection.'
    Description = @'
Disconnect-O365Journaling forgets the connection made by Connect-O365Journaling: the token (and
the client secret of an app-only sign-in) is dropped from memory. Afterwards the contact cmdlets
stop with the error O365NotConnected until you connect again. Without a connection it does
nothing.
'@
    Examples    = @(
        @{
            Title   = 'Disconnect at the end of a script'
            Code    = @'
try {
    Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId $appId -ClientSecret $secret
    Get-JournalDefinition 'Exchange Online journaling' | New-O365JournalContact
} finally {
    Disconnect-O365Journaling
}
'@
            Remarks = 'Creates the journal contact and always drops the connection, even after an error.'
        }
        @{
            Title   = 'See what would be disconnected'
            Code    = @'
Disconnect-O365Journaling -WhatIf
'@
            Remarks = 'Shows the tenant of the current connection without disconnecting.'
        }
    )
    Links       = @('Connect-O365Journaling', 'Get-O365JournalingConnection')
}
