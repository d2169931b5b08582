@{
    RootModule           = 'MimecastJournaling.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3c57-6f0e-4d5e-9a57-2f2b8f0c1d11'
    Author               = 'MimecastJournaling contributors'
    CompanyName          = 'MimecastJournaling'
    Copyright            = '(c) MimecastJournaling contributors'
    Description          = 'Exchange journaling end to end: journal definitions, domains and the internal directory, an in-process SMTP journal listener, and the Exchange Online side (contact, partner connector, NDR recipient, journal rule).'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('MimecastJournaling.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'New-JournalDefinition'
        'Get-JournalDefinition'
        'Set-JournalDefinition'
        'Remove-JournalDefinition'
        'Enable-JournalDefinition'
        'Disable-JournalDefinition'
        'Register-JournalDomain'
        'Get-JournalDomain'
        'Test-JournalDomain'
        'Unregister-JournalDomain'
        'Add-JournalInternalAddress'
        'Get-JournalInternalAddress'
        'Remove-JournalInternalAddress'
        'Get-JournalEvent'
        'Read-JournalReport'
        'Get-JournalMessage'
        'Export-JournalMessage'
        'Import-JournalMessage'
        'Get-JournalOutcome'
        'Start-JournalListener'
        'Get-JournalListener'
        'Stop-JournalListener'
        'Send-JournalTestMessage'
        'Test-JournalConnector'
        'Get-JournalQueue'
        'Get-JournalListenerSetting'
        'Set-JournalListenerSetting'
        'Update-JournalExchangeOnlineRange'
        'Connect-O365Journaling'
        'Disconnect-O365Journaling'
        'Get-O365JournalingConnection'
        'New-O365JournalContact'
        'Get-O365JournalContact'
        'Remove-O365JournalContact'
        'Get-O365AcceptedDomain'
        'Sync-JournalDirectory'
        'New-O365PartnerConnector'
        'Get-O365PartnerConnector'
        'Set-O365PartnerConnector'
        'Remove-O365PartnerConnector'
        'Test-O365PartnerConnector'
        'Get-O365JournalNdrRecipient'
        'Set-O365JournalNdrRecipient'
        'New-O365JournalRule'
        'Get-O365JournalRule'
        'Set-O365JournalRule'
        'Remove-O365JournalRule'
        'Enable-O365JournalRule'
        'Disable-O365JournalRule'
        'Enable-O365Journaling'
        'Test-O365Journaling'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Exchange', 'ExchangeOnline', 'Journaling', 'SMTP', 'Archive', 'Compliance', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ReleaseNotes = 'See CHANGELOG.md in the module folder for the changes of each release.'
        }
    }
}
