@{
    Synopsis    = 'Validates a partner connector and marks it validated, without the admin center.'
    Description = @'
Test-O365PartnerConnector runs Validate-OutboundConnector -Identity -Recipients: Exchange Online
connects to each smart host of the connector and sends a test message to each recipient (from
O365ConnectorValidation@<tenant>.onmicrosoft.com). Validate-OutboundConnector does not change the
connector's status, so when every task passed the cmdlet also runs Set-OutboundConnector
-IsValidated $true -LastValidationTimestamp <now, UTC> -ValidationRecipients <recipients> — the
step the Exchange admin center can only do in Internet Explorer. Use -NoMark to test only.

The result has one task per smart host and per recipient (Tasks), Passed (true when every task
passed, for Pester: (Test-O365PartnerConnector ...).Passed | Should -BeTrue) and IsValidated. A
failed validation is not an error: Passed is $false, a warning names the failed tasks, and the
connector is not marked. The recipients must be in the connector's recipient domains; use the
journal service address. The cmdlet sends mail, so it supports -WhatIf and -Confirm. Run
Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity  = @{ Description = 'The connector to validate: name or GUID. You can pipe connectors from Get-O365PartnerConnector.' }
        Recipient = @{ Description = 'The addresses the test messages go to, in the connector''s domain: normally the journal service address.' }
        NoMark    = @{ Description = 'Only runs Validate-OutboundConnector; does not mark the connector validated.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe connector names, or connectors from Get-O365PartnerConnector.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365PartnerConnectorValidation' = 'Connector, Recipients, Passed, Tasks (TaskName, Target, Passed, Detail), IsValidated and LastValidationTimestamp.'
    }
    Examples    = @(
        @{
            Title   = 'Validate the journaling connector'
            Code    = "Test-O365PartnerConnector 'Journal - Exchange Online journaling' -Recipient journal@journal.contoso.com"
            Remarks = 'Connects to the smart hosts, sends a test message to the journal address and, when all passed, marks the connector validated.'
        }
        @{
            Title   = 'Assert it in a Pester test'
            Code    = @'
(Get-O365PartnerConnector 'Journal - Exchange Online journaling' | Test-O365PartnerConnector -Recipient journal@journal.contoso.com).Passed | Should -BeTrue
'@
            Remarks = 'Fails the test when any smart host or test message failed.'
        }
    )
    Links       = @('New-O365PartnerConnector', 'Get-O365PartnerConnector', 'Enable-O365Journaling')
}
