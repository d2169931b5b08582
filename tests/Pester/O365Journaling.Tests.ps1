# The Exchange Online side of the seed procedure against the loopback emulator (tests/Emulators,
# a child process on 127.0.0.1): the partner connector and its validation, the NDR recipient, the
# journal rules, and Enable-/Test-O365Journaling from a journal definition, including drift made
# behind the module's back (the emulator's "exec" control command changes its state directly).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Emulator = Start-TestExchangeEmulator
    $script:Store = Use-ContosoStore
    New-JournalDefinition 'EO' eo@journal.contoso.com | Out-Null
    Connect-TestExchangeEmulator $Emulator

    # Runs an Exchange cmdlet inside the emulator, bypassing the module (a change behind its back).
    function Invoke-Behind([string] $Cmdlet, [hashtable] $Parameters = @{}) {
        $answer = Invoke-TestExchangeEmulator $Emulator ("exec $Cmdlet " + ($Parameters | ConvertTo-Json -Compress))
        if ($answer -notlike 'ok *') { throw "exec $Cmdlet failed: $answer" }
    }
    function Get-TenantState { Invoke-TestExchangeEmulator $Emulator 'state' }
    # The Exchange cmdlets the module ran since the last Clear-Executed, other than reads.
    function Get-Changes { @((Invoke-TestExchangeEmulator $Emulator 'executed' | ConvertFrom-Json) | Where-Object { $_ -notlike 'Get-*' }) }
    function Clear-Executed { Invoke-TestExchangeEmulator $Emulator 'clear-executed' | Out-Null }
    # Back to an empty tenant: no rule, connector or contact, no NDR recipient.
    function Reset-Tenant {
        Get-O365JournalRule | ForEach-Object { Invoke-Behind Remove-JournalRule @{ Identity = $_.Identity } }
        Get-O365PartnerConnector | ForEach-Object { Invoke-Behind Remove-OutboundConnector @{ Identity = $_.Identity } }
        Get-O365JournalContact | ForEach-Object { Invoke-Behind Remove-MailContact @{ Identity = $_.Identity } }
        Invoke-Behind Set-TransportConfig @{ JournalingReportNdrTo = '<>' }
        Invoke-TestExchangeEmulator $Emulator 'reachable archive.contoso.com' | Out-Null
        Clear-Executed
    }
}
AfterAll {
    Disconnect-O365Journaling
    Stop-TestExchangeEmulator $Emulator
    Remove-ContosoStore $Store
}

Describe 'O365PartnerConnector' {
    AfterEach { Reset-Tenant }

    It 'creates the partner connector of a definition: Partner, no MX, smart host, CertificateValidation, not rule-scoped, enabled' {
        $connector = Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com
        $connector.GetType().Name | Should -Be 'O365PartnerConnector'
        "$($connector.Action)" | Should -Be 'Created'
        $connector.Name | Should -Be 'Journal - EO'
        $connector.ConnectorType | Should -Be 'Partner'
        $connector.UseMXRecord | Should -BeFalse
        $connector.SmartHosts | Should -Be @('archive.contoso.com')
        $connector.RecipientDomains | Should -Be @('journal.contoso.com')
        $connector.TlsSettings | Should -Be 'CertificateValidation'
        $connector.IsTransportRuleScoped | Should -BeFalse
        $connector.Enabled | Should -BeTrue
        $connector.IsValidated | Should -BeFalse
    }

    It 'converges: a second run is Unchanged and sends no change; a new smart host is Updated' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        Clear-Executed
        "$((Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com).Action)" | Should -Be 'Unchanged'
        Get-Changes | Should -BeNullOrEmpty
        $moved = Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive2.contoso.com -Confirm:$false
        "$($moved.Action)" | Should -Be 'Updated'
        $moved.SmartHosts | Should -Be @('archive2.contoso.com')
        @(Get-O365PartnerConnector).Count | Should -Be 1
    }

    It '-WhatIf leaves the tenant unchanged' {
        $before = Get-TenantState
        New-O365PartnerConnector -RecipientDomain journal.contoso.com -SmartHost archive.contoso.com -WhatIf | Should -BeNullOrEmpty
        Get-TenantState | Should -Be $before
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'refuses <Case> before calling Exchange, with error id <Id>' -ForEach @(
        @{ Case = 'a smart host with a port'; Id = 'SmartHostHasPort'; Arguments = @{ SmartHost = 'archive.contoso.com:2525' }; Message = "give 'archive.contoso.com'" }
        @{ Case = 'TlsDomain without DomainValidation'; Id = 'TlsDomainRequiresDomainValidation'; Arguments = @{ SmartHost = 'archive.contoso.com'; TlsDomain = 'archive.contoso.com' }; Message = 'only with -TlsSettings DomainValidation' }
        @{ Case = 'a name longer than 64 characters'; Id = 'NameTooLong'; Arguments = @{ SmartHost = 'archive.contoso.com'; Name = ('n' * 65) }; Message = 'at most 64' }
    ) {
        New-O365PartnerConnector -RecipientDomain journal.contoso.com @Arguments -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape($Message))
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'accepts DomainValidation with a TlsDomain' {
        $connector = New-O365PartnerConnector -RecipientDomain journal.contoso.com -SmartHost archive.contoso.com -TlsSettings DomainValidation -TlsDomain archive.contoso.com -Name 'To archive'
        $connector.TlsSettings | Should -Be 'DomainValidation'
        $connector.TlsDomain | Should -Be 'archive.contoso.com'
    }

    It 'Set-O365PartnerConnector changes only what is given, -WhatIf changes nothing, and a second run is Unchanged' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        $before = Get-TenantState
        Set-O365PartnerConnector 'Journal - EO' -SmartHost archive2.contoso.com, archive3.contoso.com -WhatIf
        Get-TenantState | Should -Be $before
        $updated = Set-O365PartnerConnector 'Journal - EO' -SmartHost archive2.contoso.com, archive3.contoso.com -PassThru
        "$($updated.Action)" | Should -Be 'Updated'
        $updated.SmartHosts | Should -Be @('archive2.contoso.com', 'archive3.contoso.com')
        $updated.RecipientDomains | Should -Be @('journal.contoso.com')
        "$((Set-O365PartnerConnector 'Journal - EO' -SmartHost archive2.contoso.com, archive3.contoso.com -PassThru).Action)" | Should -Be 'Unchanged'
        Set-O365PartnerConnector 'Journal - EO' -SmartHost archive2.contoso.com | Should -BeNullOrEmpty
    }

    It 'Test-O365PartnerConnector validates and marks the connector, with a result per smart host and recipient' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        $result = Get-O365PartnerConnector 'Journal - EO' | Test-O365PartnerConnector -Recipient eo@journal.contoso.com, probe@journal.contoso.com
        $result.GetType().Name | Should -Be 'O365PartnerConnectorValidation'
        $result.Passed | Should -BeTrue
        $result.IsValidated | Should -BeTrue
        @($result.Tasks).Count | Should -Be 3
        @($result.Tasks | Where-Object Target -EQ 'probe@journal.contoso.com').Passed | Should -BeTrue
        $connector = Get-O365PartnerConnector 'Journal - EO'
        $connector.IsValidated | Should -BeTrue
        $connector.ValidationRecipients | Should -Be @('eo@journal.contoso.com', 'probe@journal.contoso.com')
        $connector.LastValidationTimestamp | Should -Not -BeNullOrEmpty
    }

    It 'Test-O365PartnerConnector reports an unreachable smart host with Passed false and a warning, and does not mark the connector' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        Invoke-TestExchangeEmulator $Emulator 'unreachable archive.contoso.com' | Should -Be 'ok'
        $result = Test-O365PartnerConnector 'Journal - EO' -Recipient eo@journal.contoso.com -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Passed | Should -BeFalse
        $result.IsValidated | Should -BeFalse
        ($result.Tasks | Where-Object { -not $_.Passed }).Target | Should -Contain 'archive.contoso.com'
        "$warnings" | Should -Match 'did not pass validation'
        (Get-O365PartnerConnector 'Journal - EO').IsValidated | Should -BeFalse
        Get-Changes | Should -Not -Contain 'Set-OutboundConnector'
    }

    It 'Test-O365PartnerConnector -WhatIf sends no test message' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        Clear-Executed
        Test-O365PartnerConnector 'Journal - EO' -Recipient eo@journal.contoso.com -WhatIf | Should -BeNullOrEmpty
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'Remove-O365PartnerConnector removes it (-WhatIf does not); a missing one is Exchange''s ObjectNotFound' {
        Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-Null
        Remove-O365PartnerConnector 'Journal - EO' -WhatIf
        @(Get-O365PartnerConnector).Count | Should -Be 1
        Get-O365PartnerConnector | Remove-O365PartnerConnector -Confirm:$false
        Get-O365PartnerConnector | Should -BeNullOrEmpty
        Remove-O365PartnerConnector 'Journal - EO' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ExchangeObjectNotFound,*'
        $failures[0].Exception.Message | Should -Match "couldn't be found"
    }

    It 'has a table view with Name, RecipientDomains, SmartHosts, TlsSettings, IsValidated and Action' {
        $text = Get-JournalDefinition 'EO' | New-O365PartnerConnector -SmartHost archive.contoso.com | Out-String -Width 160
        $text | Should -Match 'Name\s+RecipientDomains\s+SmartHosts\s+TlsSettings\s+IsValidated\s+Action'
        $text | Should -Match 'Journal - EO\s+journal\.contoso\.com\s+archive\.contoso\.com\s+CertificateValidation\s+False\s+Created'
    }
}

Describe 'O365JournalNdrRecipient' {
    AfterEach { Reset-Tenant }

    It 'Get shows an unset NDR recipient ("<>") as not set, with a null address' {
        $ndr = Get-O365JournalNdrRecipient
        $ndr.GetType().Name | Should -Be 'O365JournalNdrRecipient'
        $ndr.IsSet | Should -BeFalse
        $ndr.Address | Should -BeNullOrEmpty
        ($ndr | Out-String) | Should -Match '\(not set\)'
    }

    It 'Set refuses an Exchange Online <Kind> and says why' -ForEach @(
        @{ Kind = 'user mailbox'; Address = 'journal-mbx@contoso.com' }
        @{ Kind = 'shared mailbox'; Address = 'ndr-shared@contoso.com' }
    ) {
        Set-O365JournalNdrRecipient $Address -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NdrRecipientIsMailbox,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Match 'Exchange Online cannot deliver undeliverable journal reports to a mailbox it journals'
        Get-Changes | Should -BeNullOrEmpty
        (Get-O365JournalNdrRecipient).IsSet | Should -BeFalse
    }

    It 'Set sets an external address; -WhatIf does not; a second run is Unchanged' {
        Set-O365JournalNdrRecipient ndr@archive.example -WhatIf
        (Get-O365JournalNdrRecipient).IsSet | Should -BeFalse
        $set = Set-O365JournalNdrRecipient ndr@archive.example -PassThru
        "$($set.Action)" | Should -Be 'Created'
        $set.Address | Should -Be 'ndr@archive.example'
        (Get-O365JournalNdrRecipient).Address | Should -Be 'ndr@archive.example'
        Clear-Executed
        "$((Set-O365JournalNdrRecipient ndr@archive.example -PassThru).Action)" | Should -Be 'Unchanged'
        Get-Changes | Should -BeNullOrEmpty
        Set-O365JournalNdrRecipient ndr2@archive.example | Should -BeNullOrEmpty
        (Get-O365JournalNdrRecipient).Address | Should -Be 'ndr2@archive.example'
    }
}

Describe 'O365JournalRule' {
    AfterEach { Reset-Tenant }

    It 'before the NDR recipient is set, says to run Set-O365JournalNdrRecipient first and calls nothing (also with -WhatIf)' {
        foreach ($whatIf in $false, $true) {
            Get-JournalDefinition 'EO' | New-O365JournalRule -WhatIf:$whatIf -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'JournalNdrRecipientNotSet,*'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            $failures[0].Exception.Message | Should -Match 'Run Set-O365JournalNdrRecipient first'
        }
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'creates the rule of a definition enabled, Global, for all recipients; a second run is Unchanged; -WhatIf changes nothing' {
        Set-O365JournalNdrRecipient ndr@archive.example
        $before = Get-TenantState
        Get-JournalDefinition 'EO' | New-O365JournalRule -WhatIf | Should -BeNullOrEmpty
        Get-TenantState | Should -Be $before
        $rule = Get-JournalDefinition 'EO' | New-O365JournalRule
        $rule.GetType().Name | Should -Be 'O365JournalRule'
        "$($rule.Action)" | Should -Be 'Created'
        $rule.Name | Should -Be 'Journal - EO'
        $rule.Enabled | Should -BeTrue
        $rule.Scope | Should -Be 'Global'
        $rule.Recipient | Should -BeNullOrEmpty
        $rule.JournalEmailAddress | Should -Be 'eo@journal.contoso.com'
        Clear-Executed
        "$((Get-JournalDefinition 'EO' | New-O365JournalRule).Action)" | Should -Be 'Unchanged'
        Get-Changes | Should -BeNullOrEmpty
        ($rule | Out-String -Width 160) | Should -Match 'Journal - EO\s+eo@journal\.contoso\.com\s+Global\s+\(all\)\s+True\s+Created'
    }

    It 'Set-, Disable- and Enable-O365JournalRule change only what differs' {
        Set-O365JournalNdrRecipient ndr@archive.example
        New-O365JournalRule eo@journal.contoso.com -Name 'Journal rule' | Out-Null
        $scoped = Set-O365JournalRule 'Journal rule' -Scope External -Recipient ceo@contoso.com -PassThru
        "$($scoped.Action)" | Should -Be 'Updated'
        $scoped.Scope | Should -Be 'External'
        $scoped.Recipient | Should -Be 'ceo@contoso.com'
        (Set-O365JournalRule 'Journal rule' -Recipient '' -PassThru).Recipient | Should -BeNullOrEmpty
        "$((Set-O365JournalRule 'Journal rule' -Scope External -PassThru).Action)" | Should -Be 'Unchanged'

        Disable-O365JournalRule 'Journal rule' -WhatIf
        (Get-O365JournalRule 'Journal rule').Enabled | Should -BeTrue
        $off = Disable-O365JournalRule 'Journal rule' -Confirm:$false -PassThru
        "$($off.Action)" | Should -Be 'Updated'
        $off.Enabled | Should -BeFalse
        "$((Disable-O365JournalRule 'Journal rule' -Confirm:$false -PassThru).Action)" | Should -Be 'Unchanged'
        $on = Get-O365JournalRule 'Journal rule' | Enable-O365JournalRule -PassThru
        "$($on.Action)" | Should -Be 'Updated'
        $on.Enabled | Should -BeTrue
        Clear-Executed
        Enable-O365JournalRule 'Journal rule' | Should -BeNullOrEmpty
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'refuses an Exchange Online mailbox as the journal address' {
        Set-O365JournalNdrRecipient ndr@archive.example
        New-O365JournalRule journal-mbx@contoso.com -Name 'To a mailbox' -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'JournalAddressIsMailbox,*'
        $failures[0].Exception.Message | Should -Match 'mail contact, a mail user or an external address'
    }

    It 'stops at the tenant''s journal rule limit before calling New-JournalRule' {
        Set-O365JournalNdrRecipient ndr@archive.example
        foreach ($i in 1..10) { Invoke-Behind New-JournalRule @{ Name = "Rule $i"; JournalEmailAddress = 'eo@journal.contoso.com'; Enabled = $true } }
        Clear-Executed
        Get-JournalDefinition 'EO' | New-O365JournalRule -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'JournalRuleLimitReached,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'LimitsExceeded'
        $failures[0].Exception.Message | Should -Match 'already has 10 journal rules'
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'Remove-O365JournalRule removes it; -WhatIf does not' {
        Set-O365JournalNdrRecipient ndr@archive.example
        Get-JournalDefinition 'EO' | New-O365JournalRule | Out-Null
        Remove-O365JournalRule 'Journal - EO' -WhatIf
        @(Get-O365JournalRule).Count | Should -Be 1
        Get-O365JournalRule | Remove-O365JournalRule -Confirm:$false
        Get-O365JournalRule | Should -BeNullOrEmpty
    }
}

Describe 'Enable-O365Journaling and Test-O365Journaling: the seed procedure' {
    AfterEach { Reset-Tenant }

    It 'definition -> Enable-O365Journaling -> Test passes -> drift behind its back is reported -> Enable again -> Test passes' {
        $steps = Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example
        @($steps).Count | Should -Be 5
        $steps[0].GetType().Name | Should -Be 'O365JournalingStep'
        @($steps | ForEach-Object { "$($_.Step)" }) | Should -Be @('Contact', 'Connector', 'ConnectorValidation', 'NdrRecipient', 'JournalRule')
        @($steps | ForEach-Object { "$($_.Action)" }) | Should -Be @('Created', 'Created', 'Validated', 'Created', 'Created')
        @($steps | ForEach-Object Name) | Should -Be @('Journal - EO', 'Journal - EO', 'Journal - EO', 'ndr@archive.example', 'Journal - EO')
        (Get-O365JournalContact 'Journal - EO').HiddenFromAddressListsEnabled | Should -BeTrue
        (Get-O365PartnerConnector 'Journal - EO').IsValidated | Should -BeTrue
        (Get-O365JournalRule 'Journal - EO').Enabled | Should -BeTrue

        (Test-O365Journaling -Definition 'EO' -SmartHost archive.contoso.com).Passed | Should -BeTrue

        # The rule disabled and pointed at another address, behind the module's back.
        Invoke-Behind Disable-JournalRule @{ Identity = 'Journal - EO' }
        Invoke-Behind Set-JournalRule @{ Identity = 'Journal - EO'; JournalEmailAddress = 'archive-user@archive.example' }
        $drift = Test-O365Journaling -Definition 'EO' -SmartHost archive.contoso.com
        $drift.Passed | Should -BeFalse
        @($drift.Drift.Name) | Should -Be @('JournalRuleEnabled', 'JournalRuleTarget')
        ($drift.Drift | Where-Object Name -EQ 'JournalRuleTarget').Actual | Should -Be 'archive-user@archive.example'
        ($drift | Out-String -Width 200) | Should -Match 'FAIL JournalRuleEnabled'

        $again = Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example
        @($again | ForEach-Object { "$($_.Action)" }) | Should -Be @('Unchanged', 'Unchanged', 'Unchanged', 'Unchanged', 'Updated')
        (Test-O365Journaling -Definition 'EO' -SmartHost archive.contoso.com).Passed | Should -BeTrue
    }

    It 'binds the journal definition to the connected tenant (TenantId), once' {
        Set-JournalDefinition 'EO' -TenantId @()
        Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -WhatIf | Out-Null
        (Get-JournalDefinition 'EO').TenantId | Should -BeNullOrEmpty
        Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example | Out-Null
        (Get-JournalDefinition 'EO').TenantId | Should -Be @($Emulator.TenantId)
        (Get-O365JournalingConnection).DirectoryTenantId | Should -Be $Emulator.TenantId
        $events = @(Get-JournalEvent | Where-Object Property -EQ 'TenantId').Count
        Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com | Out-Null
        @(Get-JournalEvent | Where-Object Property -EQ 'TenantId').Count | Should -Be $events
    }

    It 'a second run reports every step Unchanged and changes nothing' {
        Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example | Out-Null
        Clear-Executed
        $second = Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example
        @($second | ForEach-Object { "$($_.Action)" }) | Should -Be @('Unchanged', 'Unchanged', 'Unchanged', 'Unchanged', 'Unchanged')
        Get-Changes | Should -BeNullOrEmpty
        # Without -NdrRecipient the tenant's own is kept.
        @(Enable-O365Journaling 'EO' -SmartHost archive.contoso.com | ForEach-Object { "$($_.Action)" }) | Should -Be @('Unchanged', 'Unchanged', 'Unchanged', 'Unchanged', 'Unchanged')
    }

    It '-WhatIf prints the plan and leaves the tenant unchanged' {
        $before = Get-TenantState
        $output = Get-JournalDefinition 'EO' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -WhatIf
        $output | Should -BeNullOrEmpty
        Get-TenantState | Should -Be $before
        Get-Changes | Should -BeNullOrEmpty
        # The plan goes to the host: run it in a child pwsh to see the "What if:" lines.
        $script = @"
Import-Module '$ModuleManifest'
`$env:MIMECASTJOURNALING_STORE = '$Store'
Connect-O365Journaling -TenantId '$($Emulator.TenantId)' -AccessToken (ConvertTo-SecureString '$(Invoke-TestExchangeEmulator $Emulator 'token')' -AsPlainText -Force) -ExchangeEndpoint '$($Emulator.Endpoint)'
Enable-O365Journaling EO -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -WhatIf
"@
        $child = Invoke-ChildPwsh -Script $script -TimeoutSeconds 120
        # Lines the host wrapped at its width are joined again.
        $text = $child.Stdout -replace '\r?\n', ''
        $child.ExitCode | Should -Be 0 -Because $child.Stderr
        $text | Should -Match 'What if: .*Create mail contact for eo@journal\.contoso\.com'
        $text | Should -Match 'What if: .*Create partner outbound connector for journal\.contoso\.com to smart host archive\.contoso\.com'
        $text | Should -Match 'What if: .*Validate the connector'
        $text | Should -Match 'What if: .*JournalingReportNdrTo.* to ndr@archive\.example'
        $text | Should -Match 'What if: .*Create journal rule'
        Get-TenantState | Should -Be $before
    }

    It 'stops after a failed connector validation, before the NDR recipient and the rule' {
        Invoke-TestExchangeEmulator $Emulator 'unreachable archive.contoso.com' | Out-Null
        $steps = Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -ErrorAction SilentlyContinue -ErrorVariable failures
        @($steps | ForEach-Object { "$($_.Action)" }) | Should -Be @('Created', 'Created', 'Failed')
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectorValidationFailed,*'
        $failures[0].Exception.Message | Should -Match 'archive\.contoso\.com'
        Get-O365JournalRule | Should -BeNullOrEmpty
        (Get-O365JournalNdrRecipient).IsSet | Should -BeFalse
        @((Test-O365Journaling 'EO' -SmartHost archive.contoso.com).Drift.Name) | Should -Contain 'ConnectorValidated'
    }

    It 'with -SkipValidationFailure records the failed validation and goes on to the NDR recipient and the rule' {
        Invoke-TestExchangeEmulator $Emulator 'unreachable archive.contoso.com' | Out-Null
        $steps = Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -SkipValidationFailure `
            -ErrorVariable failures -WarningVariable warned 3>$null
        @($steps | ForEach-Object { "$($_.Action)" }) | Should -Be @('Created', 'Created', 'Failed', 'Created', 'Created')
        $failures | Should -BeNullOrEmpty
        "$warned" | Should -Match 'did not pass Validate-OutboundConnector'
        "$warned" | Should -Match 'SkipValidationFailure'
        Get-O365JournalRule | Should -Not -BeNullOrEmpty
        @((Test-O365Journaling 'EO' -SmartHost archive.contoso.com).Drift.Name) | Should -Contain 'ConnectorValidated'
    }

    It 'without -NdrRecipient on a tenant that has none, says to give one before changing anything' {
        # A definition Enable-O365Journaling has not set up yet (for 'EO' it remembers the NDR recipient it set).
        New-JournalDefinition 'Fresh' fresh@journal.contoso.com | Out-Null
        try {
            Enable-O365Journaling 'Fresh' -SmartHost archive.contoso.com -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'NdrRecipientRequired,*'
            $failures[0].Exception.Message | Should -Match '-NdrRecipient'
            Get-Changes | Should -BeNullOrEmpty
            Get-O365JournalContact | Should -BeNullOrEmpty
        }
        finally { Remove-JournalDefinition 'Fresh' -Confirm:$false }
    }

    It 'with a mailbox as -NdrRecipient, or the rule limit reached, refuses before changing anything' {
        Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -NdrRecipient journal-mbx@contoso.com -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NdrRecipientIsMailbox,*'
        Invoke-Behind Set-TransportConfig @{ JournalingReportNdrTo = 'ndr@archive.example' }
        foreach ($i in 1..10) { Invoke-Behind New-JournalRule @{ Name = "Rule $i"; JournalEmailAddress = 'eo@journal.contoso.com'; Enabled = $true } }
        Clear-Executed
        Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'JournalRuleLimitReached,*'
        Get-Changes | Should -BeNullOrEmpty
    }

    It 'refuses a smart host with a port before calling Exchange' {
        Enable-O365Journaling 'EO' -SmartHost archive.contoso.com:25 -NdrRecipient ndr@archive.example -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SmartHostHasPort,*'
        Get-Changes | Should -BeNullOrEmpty
        (Invoke-TestExchangeEmulator $Emulator 'executed' | ConvertFrom-Json) | Should -BeNullOrEmpty
    }

    It 'Test-O365Journaling reports the connector''s smart host and an NDR recipient that became a mailbox' {
        Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example | Out-Null
        Invoke-Behind Set-OutboundConnector @{ Identity = 'Journal - EO'; SmartHosts = @('old.contoso.com') }
        # Exchange refuses a mailbox for Set-TransportConfig; an older setting can still be one.
        Invoke-TestExchangeEmulator $Emulator 'set-ndr ndr-shared@contoso.com' | Should -Be 'ok'
        $result = Test-O365Journaling 'EO' -SmartHost archive.contoso.com
        $result.GetType().Name | Should -Be 'O365JournalingTestResult'
        $result.Passed | Should -BeFalse
        @($result.Drift.Name) | Should -Be @('ConnectorSmartHosts', 'NdrRecipient')
        ($result.Drift | Where-Object Name -EQ 'ConnectorSmartHosts').Actual | Should -Be 'old.contoso.com'
        ($result.Drift | Where-Object Name -EQ 'NdrRecipient').Detail | Should -Match 'ndr-shared@contoso\.com is an Exchange Online mailbox \(SharedMailbox\)'
        Invoke-Behind Remove-JournalRule @{ Identity = 'Journal - EO' }
        @((Test-O365Journaling 'EO' -SmartHost archive.contoso.com).Drift.Name) | Should -Be @('ConnectorSmartHosts', 'NdrRecipient', 'JournalRule')
    }

    It 'an unknown definition is the store''s not-found error' {
        Test-O365Journaling 'No such definition' -SmartHost archive.contoso.com -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }

    It 'names the objects after the definition unless -ContactName, -ConnectorName or -RuleName say otherwise' {
        Set-O365JournalNdrRecipient ndr@archive.example
        $steps = Enable-O365Journaling 'EO' -SmartHost archive.contoso.com -ContactName 'EO contact' -ConnectorName 'EO connector' -RuleName 'EO rule'
        @($steps.Name) | Should -Be @('EO contact', 'EO connector', 'EO connector', 'ndr@archive.example', 'EO rule')
        (Test-O365Journaling 'EO' -SmartHost archive.contoso.com -ContactName 'EO contact' -ConnectorName 'EO connector' -RuleName 'EO rule').Passed | Should -BeTrue
        # Given names override the remembered ones.
        (Test-O365Journaling 'EO' -SmartHost archive.contoso.com -ContactName 'Journal - EO' -ConnectorName 'Journal - EO' -RuleName 'Journal - EO').Passed | Should -BeFalse
    }
}

Describe 'Enable-O365Journaling remembers the setup with the definition (issue 14 item 4)' {
    # A new definition for every test: nothing remembered yet (what is remembered is keyed by the definition's id).
    BeforeEach {
        New-JournalDefinition 'Remembered' remembered@journal.contoso.com | Out-Null
    }
    AfterEach {
        Remove-JournalDefinition 'Remembered' -Confirm:$false
        Reset-Tenant
    }

    It 'Test-O365Journaling needs only the name after Enable-O365Journaling, and given parameters still override' {
        $setup = @{ SmartHost = 'archive.contoso.com'; NdrRecipient = 'ndr@archive.example'; ContactName = 'Remembered contact'; ConnectorName = 'Remembered connector'; RuleName = 'Remembered rule' }
        Enable-O365Journaling 'Remembered' @setup | Out-Null

        $remembered = (Get-JournalDefinition 'Remembered').O365Journaling
        $remembered | Should -Not -BeNullOrEmpty
        $remembered.SmartHosts | Should -Be @('archive.contoso.com')
        $remembered.ContactName | Should -Be 'Remembered contact'
        $remembered.ConnectorName | Should -Be 'Remembered connector'
        $remembered.RuleName | Should -Be 'Remembered rule'
        $remembered.NdrRecipient | Should -Be 'ndr@archive.example'
        $remembered.TenantId | Should -Be $Emulator.TenantId
        $remembered.ServiceEmailAddress | Should -Be 'remembered@journal.contoso.com'
        @(Get-JournalEvent | Where-Object { $_.Property -eq 'O365Journaling' -and $_.ObjectName -eq 'Remembered' }).Count | Should -Be 1

        # A runbook: the name alone, no prompt for a mandatory parameter.
        $result = Test-O365Journaling 'Remembered'
        $result.Passed | Should -BeTrue -Because ($result.Drift | Out-String)
        (Get-JournalDefinition 'Remembered' | Test-O365Journaling).Passed | Should -BeTrue

        # Parameters override what is remembered.
        @((Test-O365Journaling 'Remembered' -SmartHost other.contoso.com).Drift.Name) | Should -Be @('ConnectorSmartHosts')
        @((Test-O365Journaling 'Remembered' -RuleName 'Journal - Remembered').Drift.Name) | Should -Be @('JournalRule')

        # A second Enable without any of them converges the same objects and remembers nothing new.
        Clear-Executed
        @(Enable-O365Journaling 'Remembered' | ForEach-Object { "$($_.Action)" }) | Should -Be @('Unchanged', 'Unchanged', 'Unchanged', 'Unchanged', 'Unchanged')
        Get-Changes | Should -BeNullOrEmpty
        @(Get-JournalEvent | Where-Object { $_.Property -eq 'O365Journaling' -and $_.ObjectName -eq 'Remembered' }).Count | Should -Be 1
    }

    It 'without anything remembered and without -SmartHost, Test-O365Journaling says to give -SmartHost or run Enable-O365Journaling first' {
        (Get-JournalDefinition 'Remembered').O365Journaling | Should -BeNullOrEmpty
        Test-O365Journaling 'Remembered' -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TestO365JournalingSmartHostRequired,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Match '-SmartHost'
        $failures[0].Exception.Message | Should -Match 'Enable-O365Journaling'
        (Invoke-TestExchangeEmulator $Emulator 'executed' | ConvertFrom-Json) | Should -BeNullOrEmpty
    }

    It '-WhatIf remembers nothing' {
        Enable-O365Journaling 'Remembered' -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -WhatIf | Out-Null
        (Get-JournalDefinition 'Remembered').O365Journaling | Should -BeNullOrEmpty
    }

    It '-WhatIf without a sign-in shows what it would create and says what it cannot know' {
        $script = @"
Import-Module '$ModuleManifest'
`$env:MIMECASTJOURNALING_STORE = '$Store'
Enable-O365Journaling Remembered -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example -WhatIf -WarningVariable warned 3>`$null
"warned: `$warned"
"@
        $child = Invoke-ChildPwsh -Script $script -TimeoutSeconds 120
        $text = $child.Stdout -replace '\r?\n', ''
        $child.ExitCode | Should -Be 0 -Because $child.Stderr
        $child.Stderr | Should -Not -Match 'O365NotConnected'
        $text | Should -Match 'What if: .*Create mail contact for remembered@journal\.contoso\.com'
        $text | Should -Match 'What if: .*Create partner outbound connector for journal\.contoso\.com to smart host archive\.contoso\.com'
        $text | Should -Match 'What if: .*Validate the connector'
        $text | Should -Match 'What if: .*JournalingReportNdrTo.* to ndr@archive\.example'
        $text | Should -Match 'What if: .*Create journal rule'
        $text | Should -Match 'warned: Not connected to Exchange Online.*cannot tell which of these objects exist already.*Connect-O365Journaling'
        # Without -WhatIf it still needs the connection.
        $child = Invoke-ChildPwsh -Script "Import-Module '$ModuleManifest'; `$env:MIMECASTJOURNALING_STORE = '$Store'; Enable-O365Journaling Remembered -SmartHost archive.contoso.com" -TimeoutSeconds 120
        "$($child.Stdout)$($child.Stderr)" | Should -Match 'Connect-O365Journaling first'
        (Get-JournalDefinition 'Remembered').O365Journaling | Should -BeNullOrEmpty
    }
}
