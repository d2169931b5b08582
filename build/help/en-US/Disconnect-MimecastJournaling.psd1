@{
    Synopsis    = 'Closes the current Mimecast connection.'
    Description = @'
Disconnect-MimecastJournaling forgets the current Mimecast API 2.0 connection and its token.
Without a connection it does nothing.
'@
    Parameters  = @{
    }
    Examples    = @(
        @{
            Title   = 'Disconnect'
            Code    = @'
Disconnect-MimecastJournaling
'@
            Remarks = 'The Mimecast cmdlets stop with MimecastNotConnected until the next Connect-MimecastJournaling.'
        }
        @{
            Title   = 'Preview'
            Code    = @'
Disconnect-MimecastJournaling -WhatIf
'@
            Remarks = 'Shows what would be disconnected.'
        }
    )
    Links       = @('Connect-MimecastJournaling', 'Get-MimecastJournalingConnection')
}
