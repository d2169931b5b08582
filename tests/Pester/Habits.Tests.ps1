# PowerShell habits an admin relies on: -WhatIf/-Confirm on every change, [OutputType] that
# matches what really comes out, tab completion of names, and a readable default table.
BeforeDiscovery {
    # The per-cmdlet tests (-ForEach) are made while Pester discovers this file, before BeforeAll
    # runs: the built module must be loaded now, or they come out as no tests at all. The
    # 'made ... from every cmdlet' tests below fail when these lists miss a cmdlet.
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $readVerbs = 'Get', 'Test', 'Read', 'Search'
    $cmdlets = @(Get-Command -Module MimecastJournaling -CommandType Cmdlet | Sort-Object Name)
    $everyCmdlet = @($cmdlets | ForEach-Object { @{ Name = $_.Name } })
    $changingCmdlets = @($cmdlets | Where-Object Verb -notin $readVerbs | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'MimecastCommon.ps1')
    $script:ReadVerbs = 'Get', 'Test', 'Read', 'Search'
    $script:Commands = Get-Command -Module MimecastJournaling -CommandType Cmdlet
    $script:Exported = @((Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object)
}

Describe 'ShouldProcess' {
    It 'made the -WhatIf test below from every changing cmdlet the module exports (<Count> at discovery)' -ForEach @(
        @{ Discovered = @($changingCmdlets | ForEach-Object { $_.Name }); Count = $changingCmdlets.Count }
    ) {
        $changing = @($Exported | Where-Object { ($_ -split '-', 2)[0] -notin $ReadVerbs })
        $changing.Count | Should -BeGreaterThan 0 -Because 'the module exports cmdlets that change things'
        @($Discovered) | Should -Be $changing
    }

    It '<Name> supports -WhatIf and -Confirm' -ForEach $changingCmdlets {
        $command = Get-Command $Name
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attribute.SupportsShouldProcess | Should -BeTrue
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'covers every changing verb of the module' {
        $verbs = $Commands | Where-Object Verb -notin $ReadVerbs | ForEach-Object Verb | Sort-Object -Unique
        $verbs | Should -Be @('Add', 'Connect', 'Copy', 'Disable', 'Disconnect', 'Enable', 'Export', 'Import', 'Install', 'Invoke', 'New', 'Register', 'Remove', 'Send', 'Set', 'Start', 'Stop', 'Sync', 'Uninstall', 'Unregister', 'Update')
    }

    It 'Test-O365PartnerConnector sends test messages and marks the connector validated, so it has -WhatIf; Test-O365Journaling only reads' {
        (Get-Command Test-O365PartnerConnector).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command Test-O365Journaling).Parameters.Keys | Should -Not -Contain 'WhatIf'
    }

    It 'Search-JournalMessage only reads the archive (and logs the search), so it has no -WhatIf' {
        (Get-Command Search-JournalMessage).Parameters.Keys | Should -Not -Contain 'WhatIf'
    }

    It 'Read-JournalReport only reads: it changes nothing, so it has no -WhatIf' {
        (Get-Command Read-JournalReport).Parameters.Keys | Should -Not -Contain 'WhatIf'
        (Get-Command -Module MimecastJournaling -Verb Read).Name | Should -Be 'Read-JournalReport'
    }

    It 'asks before removing (ConfirmImpact High) on Remove-JournalDefinition, Unregister-JournalDomain, the Remove-O365 cmdlets and Disable-O365JournalRule' {
        foreach ($name in 'Remove-JournalDefinition', 'Unregister-JournalDomain', 'Uninstall-JournalListenerService', 'Remove-JournalMessage', 'Remove-JournalHold', 'Remove-JournalRetentionPolicy', 'Remove-O365JournalContact', 'Remove-O365PartnerConnector', 'Remove-O365JournalRule', 'Disable-O365JournalRule') {
            $attribute = (Get-Command $name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
            "$($attribute.ConfirmImpact)" | Should -Be 'High' -Because $name
        }
    }
}

Describe '[OutputType]' {
    BeforeAll {
        # Run every cmdlet once, the way a runbook would, and keep what each one wrote.
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        $script:Output = [ordered]@{}
        $Output['Register-JournalDomain'] = Register-JournalDomain -Name journal.contoso.test, contoso.test
        $Output['Get-JournalDomain'] = Get-JournalDomain
        # Test-JournalDomain needs an answering DNS server to write a result: a real dnsmasq that knows no records.
        $dns = Start-TestDnsServer -NxDomain 'contoso.test'
        try {
            $Output['Test-JournalDomain'] = Test-JournalDomain -Name contoso.test -DnsServer $dns.Server 3>$null
        } finally {
            Stop-TestDnsServer $dns
        }
        $Output['New-JournalDefinition'] = New-JournalDefinition 'Types' journal@journal.contoso.test
        $Output['Get-JournalDefinition'] = Get-JournalDefinition
        $Output['Set-JournalDefinition'] = Set-JournalDefinition 'Types' -DeliveryWaitAttempts 4 -PassThru
        $Output['Disable-JournalDefinition'] = Disable-JournalDefinition 'Types' -PassThru
        $Output['Enable-JournalDefinition'] = Enable-JournalDefinition 'Types' -PassThru
        $Output['Add-JournalInternalAddress'] = Add-JournalInternalAddress -Address alice@contoso.test, bob@contoso.test -PassThru
        $Output['Get-JournalInternalAddress'] = Get-JournalInternalAddress
        $Output['Get-JournalEvent'] = Get-JournalEvent
        # The archive: read a report, import it (with -PassThru: outcomes and the summary), search, export.
        $report = Join-Path $RepoRoot 'tests/Fixtures/Reports/synthetic-bifurcated-fork1.eml'
        Set-JournalDefinition 'Types' -JournalNonInternalAddresses
        $Output['Read-JournalReport'] = Read-JournalReport $report
        $Output['Import-JournalMessage'] = Import-JournalMessage $report -Definition 'Types' -PassThru
        $Output['Get-JournalOutcome'] = Get-JournalOutcome
        $Output['Get-JournalMessage'] = Get-JournalMessage
        $Output['Get-JournalIndexStatus'] = Get-JournalIndexStatus
        $Output['Update-JournalIndex'] = Update-JournalIndex
        $Output['Search-JournalMessage'] = Search-JournalMessage 'from:contoso.com OR recipients:contoso.com'
        $exportFolder = Join-Path (Split-Path $Store) 'export'
        New-Item -ItemType Directory $exportFolder | Out-Null
        $Output['Export-JournalMessage'] = Get-JournalMessage | Export-JournalMessage -Destination $exportFolder
        # Retention and holds: the imported item (dated March 2025) is expired under 30 days but held, then erased.
        $Output['New-JournalRetentionPolicy'] = New-JournalRetentionPolicy 'Types' -RetainFor (New-TimeSpan -Days 30)
        $Output['Get-JournalRetentionPolicy'] = Get-JournalRetentionPolicy
        $Output['Set-JournalRetentionPolicy'] = Set-JournalRetentionPolicy 'Types' -RetainFor (New-TimeSpan -Days 60) -Recalculate -Confirm:$false
        $Output['New-JournalHold'] = New-JournalHold 'Types' -Reason 'Habits test' -Mailbox '*@contoso.test'
        $Output['Get-JournalHold'] = Get-JournalHold
        $Output['Invoke-JournalRetention'] = Invoke-JournalRetention -Confirm:$false
        $Output['Remove-JournalHold'] = Remove-JournalHold 'Types' -Reason 'Habits test done' -Confirm:$false -PassThru
        $Output['Remove-JournalRetentionPolicy'] = Remove-JournalRetentionPolicy 'Types' -Recalculate -Confirm:$false
        $Output['Remove-JournalMessage'] = Get-JournalMessage | Remove-JournalMessage -Reason 'Habits test' -Force -Confirm:$false
        # The WORM object store, in a moto_server bucket with Object Lock (Worm.Tests.ps1 has the scenario).
        $script:Moto = Start-TestMotoServer
        Invoke-TestAws $Moto @('s3api', 'create-bucket', '--bucket', 'mj-habits', '--object-lock-enabled-for-bucket') | Out-Null
        $Output['Set-JournalObjectStore'] = Set-JournalObjectStore -Bucket mj-habits -Endpoint $Moto.Endpoint -Region us-east-1 -Confirm:$false -PassThru
        $Output['Get-JournalObjectStore'] = Get-JournalObjectStore
        # A pass that records what it set, then -Full, which asks the bucket about every object again.
        $Output['Sync-JournalObjectStore'] = @(Sync-JournalObjectStore) + @(Sync-JournalObjectStore -Full)
        # The queue: a report answered 250 but not archived yet (as a listener that stopped would leave it).
        Add-TestSpoolEntry -Store $Store -Definition (Get-JournalDefinition 'Types') -Data ([IO.File]::ReadAllBytes($report))
        $Output['Get-JournalQueue'] = Get-JournalQueue
        $Output['Update-JournalExchangeOnlineRange'] = Update-JournalExchangeOnlineRange -Path (Join-Path $RepoRoot 'tests/Fixtures/Endpoints/synthetic-endpoints-worldwide.json')
        $Output['Set-JournalListenerSetting'] = Set-JournalListenerSetting -AuthorizedIpRange 192.0.2.0/28 -PassThru
        $Output['Get-JournalListenerSetting'] = Get-JournalListenerSetting
        # Copy-JournalStore writes into PostgreSQL: a server made here for it (Postgres.ps1).
        . (Join-Path $PSScriptRoot 'Postgres.ps1')
        $postgres = Start-TestPostgres
        try {
            $Output['Copy-JournalStore'] = Copy-JournalStore -Destination (Get-TestPostgresStore $postgres (New-TestPostgresDatabase $postgres)) -Confirm:$false
        } finally {
            Stop-TestPostgres $postgres -Remove
        }
        # Alerts to a loopback webhook where nothing listens: the test alert is a failed AlertDelivery.
        $Output['Set-JournalAlert'] = Set-JournalAlert -WebhookUrl "http://127.0.0.1:$(Get-FreeLoopbackPort)/hook" -PassThru
        $Output['Get-JournalAlert'] = Get-JournalAlert
        $Output['Send-JournalAlert'] = Send-JournalAlert -Test -ErrorAction SilentlyContinue
        # The listener: on a free loopback port, without a certificate (its warning is expected here).
        $Output['Start-JournalListener'] = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        $Output['Get-JournalListener'] = Get-JournalListener
        Set-JournalDefinition 'Types' -SourceIpRange 127.0.0.1 -Encrypted $false
        $port = [int](($Output['Start-JournalListener'].Endpoints[0] -split ':')[-1])
        $Output['Send-JournalTestMessage'] = Send-JournalTestMessage 'Types' -SmtpServer 127.0.0.1 -Port $port
        $Output['Test-JournalConnector'] = Test-JournalConnector 'Types' -SmtpServer 127.0.0.1 -Port $port -TimeoutSeconds 20
        $Output['Stop-JournalListener'] = Stop-JournalListener -PassThru
        # The service cmdlets, for real (under -WhatIf they write nothing): as root, the way JournalListenerService.Tests.ps1
        # runs them, a unit enabled but not started (-NoStart), over a store of its own (its folder is given to the service's
        # user), then removed again.
        $script:ServiceName = 'mj-habits-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:ServiceUser = 'mj-habits-svc'
        $script:ServiceStore = New-TestStore
        Register-JournalDomain -Name journal.contoso.test -Store $ServiceStore | Out-Null
        $Output['Install-JournalListenerService'] = Install-JournalListenerService $ServiceName -Store $ServiceStore -BindAddress 127.0.0.1 -Port 2525 `
            -User $ServiceUser -NoStart -WarningAction SilentlyContinue
        $Output['Get-JournalListenerService'] = Get-JournalListenerService $ServiceName
        $Output['Test-JournalArchiveIntegrity'] = Test-JournalArchiveIntegrity
        $Output['Uninstall-JournalListenerService'] = Uninstall-JournalListenerService $ServiceName -Confirm:$false
        $Output['Remove-JournalInternalAddress'] = Remove-JournalInternalAddress -Address bob@contoso.test
        $Output['Remove-JournalDefinition'] = Remove-JournalDefinition 'Types' -Confirm:$false
        $Output['Unregister-JournalDomain'] = Unregister-JournalDomain -Name contoso.test -Force -Confirm:$false
        # Exchange Online, against the loopback emulator.
        $script:Emulator = Start-TestExchangeEmulator
        # MSAL sign-ins need a process that trusts the emulator's CA (ExchangeOnline.Tests.ps1); tokens the
        # emulator issued, for Exchange and for Graph, will do here.
        $Output['Connect-O365Journaling'] = Connect-TestExchangeEmulator $Emulator -Graph
        $Output['Get-O365JournalingConnection'] = Get-O365JournalingConnection
        $Output['New-O365JournalContact'] = New-O365JournalContact journal@journal.contoso.test -Name 'Types'
        $Output['Get-O365JournalContact'] = Get-O365JournalContact
        $Output['Remove-O365JournalContact'] = Remove-O365JournalContact 'Types' -Confirm:$false
        # Microsoft Graph (with the Graph token given above).
        $Output['Get-O365AcceptedDomain'] = Get-O365AcceptedDomain
        $Output['Sync-JournalDirectory'] = Sync-JournalDirectory
        $Output['New-O365PartnerConnector'] = New-O365PartnerConnector -RecipientDomain journal.contoso.test -SmartHost archive.contoso.test -Name 'Types'
        $Output['Get-O365PartnerConnector'] = Get-O365PartnerConnector
        $Output['Set-O365PartnerConnector'] = Set-O365PartnerConnector 'Types' -SmartHost archive2.contoso.test -PassThru
        $Output['Test-O365PartnerConnector'] = Test-O365PartnerConnector 'Types' -Recipient journal@journal.contoso.test
        $Output['Remove-O365PartnerConnector'] = Remove-O365PartnerConnector 'Types' -Confirm:$false
        $Output['Set-O365JournalNdrRecipient'] = Set-O365JournalNdrRecipient ndr@archive.example -PassThru
        $Output['Get-O365JournalNdrRecipient'] = Get-O365JournalNdrRecipient
        $Output['New-O365JournalRule'] = New-O365JournalRule journal@journal.contoso.test -Name 'Types'
        $Output['Get-O365JournalRule'] = Get-O365JournalRule
        $Output['Set-O365JournalRule'] = Set-O365JournalRule 'Types' -Scope External -PassThru
        $Output['Disable-O365JournalRule'] = Disable-O365JournalRule 'Types' -Confirm:$false -PassThru
        $Output['Enable-O365JournalRule'] = Enable-O365JournalRule 'Types' -PassThru
        $Output['Remove-O365JournalRule'] = Remove-O365JournalRule 'Types' -Confirm:$false
        $Output['Enable-O365Journaling'] = Enable-O365Journaling 'Types' -ServiceEmailAddress journal@journal.contoso.test -SmartHost archive.contoso.test
        $Output['Test-O365Journaling'] = Test-O365Journaling 'Types' -ServiceEmailAddress journal@journal.contoso.test -SmartHost archive.contoso.test
        $Output['Disconnect-O365Journaling'] = Disconnect-O365Journaling
        # Mimecast API 2.0, against its loopback emulator.
        $script:MimecastEmulator = Start-TestMimecastEmulator
        $Output['Connect-MimecastJournaling'] = Connect-TestMimecastEmulator $MimecastEmulator
        $Output['Get-MimecastJournalingConnection'] = Get-MimecastJournalingConnection
        $Output['New-MimecastJournalService'] = New-MimecastJournalService 'Types' journal@journal.contoso.test
        $Output['Get-MimecastJournalService'] = Get-MimecastJournalService
        $Output['Set-MimecastJournalService'] = Set-MimecastJournalService 'Types' -DeliveryWaitAttempts 4 -PassThru
        $Output['Disable-MimecastJournalService'] = Disable-MimecastJournalService 'Types' -PassThru
        $Output['Enable-MimecastJournalService'] = Enable-MimecastJournalService 'Types' -PassThru
        $Output['Remove-MimecastJournalService'] = Remove-MimecastJournalService 'Types' -Confirm:$false
        $Output['Register-MimecastJournalDomain'] = Register-MimecastJournalDomain journal.contoso.test, spare.contoso.test
        $Output['Get-MimecastJournalDomain'] = Get-MimecastJournalDomain
        $Output['Test-MimecastJournalDomain'] = Test-MimecastJournalDomain journal.contoso.test -WarningAction SilentlyContinue
        $Output['Unregister-MimecastJournalDomain'] = Unregister-MimecastJournalDomain spare.contoso.test -Confirm:$false
        $Output['Disconnect-MimecastJournaling'] = Disconnect-MimecastJournaling
    }
    AfterAll {
        if ($ServiceName -and (Test-Path "/etc/systemd/system/$ServiceName.service")) { Uninstall-JournalListenerService $ServiceName -Confirm:$false -ErrorAction SilentlyContinue }
        if ($ServiceUser) { & userdel $ServiceUser 2>$null }
        Remove-TestStore $ServiceStore
        Disconnect-O365Journaling
        Stop-TestMotoServer $Moto
        Stop-TestExchangeEmulator $Emulator
        Stop-TestMimecastEmulator $MimecastEmulator
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'exercises every cmdlet of the module' {
        @($Output.Keys) | Sort-Object | Should -Be ($Commands.Name | Sort-Object)
    }

    It 'made the [OutputType] test below from every cmdlet the module exports (<Count> at discovery)' -ForEach @(
        @{ Discovered = @($everyCmdlet | ForEach-Object { $_.Name }); Count = $everyCmdlet.Count }
    ) {
        $Exported.Count | Should -BeGreaterThan 0
        @($Discovered) | Should -Be $Exported
    }

    It '<Name> declares [OutputType] for what it writes, and writes only that' -ForEach $everyCmdlet {
        $declared = @((Get-Command $Name).OutputType | ForEach-Object Type)
        $written = @($Output[$Name])
        if ($written.Count -gt 0) {
            $declared.Count | Should -BeGreaterThan 0 -Because "$Name writes output"
            foreach ($o in $written) {
                $o.GetType() | Should -BeIn $declared -Because "$Name wrote a $($o.GetType().FullName)"
            }
        } else {
            $declared | Should -BeNullOrEmpty -Because "$Name writes nothing, so it should not promise output"
        }
    }

    It 'the cmdlets that return objects did return them' {
        foreach ($name in 'Register-JournalDomain', 'Get-JournalDomain', 'Test-JournalDomain', 'New-JournalDefinition', 'Get-JournalDefinition',
            'Set-JournalDefinition', 'Disable-JournalDefinition', 'Enable-JournalDefinition', 'Add-JournalInternalAddress', 'Get-JournalInternalAddress', 'Get-JournalEvent',
            'Read-JournalReport', 'Import-JournalMessage', 'Get-JournalOutcome', 'Get-JournalMessage', 'Export-JournalMessage',
            'Get-JournalIndexStatus', 'Update-JournalIndex', 'Search-JournalMessage',
            'Start-JournalListener', 'Get-JournalListener', 'Stop-JournalListener', 'Install-JournalListenerService', 'Get-JournalListenerService', 'Send-JournalTestMessage', 'Test-JournalConnector', 'Get-JournalQueue',
            'Update-JournalExchangeOnlineRange', 'Set-JournalListenerSetting', 'New-JournalRetentionPolicy', 'Get-JournalRetentionPolicy', 'Set-JournalRetentionPolicy',
            'New-JournalHold', 'Get-JournalHold', 'Invoke-JournalRetention', 'Remove-JournalHold', 'Remove-JournalRetentionPolicy', 'Get-JournalListenerSetting', 'Copy-JournalStore', 'Sync-JournalObjectStore', 'Set-JournalAlert', 'Get-JournalAlert', 'Send-JournalAlert',
            'Get-O365JournalingConnection', 'New-O365JournalContact', 'Get-O365JournalContact', 'Get-O365AcceptedDomain', 'Sync-JournalDirectory',
            'New-O365PartnerConnector', 'Get-O365PartnerConnector', 'Set-O365PartnerConnector', 'Test-O365PartnerConnector',
            'Set-O365JournalNdrRecipient', 'Get-O365JournalNdrRecipient', 'New-O365JournalRule', 'Get-O365JournalRule', 'Set-O365JournalRule',
            'Disable-O365JournalRule', 'Enable-O365JournalRule', 'Enable-O365Journaling', 'Test-O365Journaling',
            'Get-MimecastJournalingConnection', 'New-MimecastJournalService', 'Get-MimecastJournalService', 'Set-MimecastJournalService',
            'Disable-MimecastJournalService', 'Enable-MimecastJournalService', 'Register-MimecastJournalDomain', 'Get-MimecastJournalDomain', 'Test-MimecastJournalDomain') {
            @($Output[$name]).Count | Should -BeGreaterThan 0 -Because $name
        }
    }
}

Describe 'Tab completion' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.test, contoso.test, fabrikam.test | Out-Null
        New-JournalDefinition 'Exchange Online' eo@journal.contoso.test | Out-Null
        New-JournalDefinition 'Exchange2019' ex@journal.contoso.test | Out-Null
        New-JournalDefinition 'Archive' ar@journal.contoso.test | Out-Null
        $script:Other = New-TestStore
        New-JournalDefinition 'Elsewhere' x@journal.contoso.test -Store $Other -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
        function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-TestStore $Other
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'completes definition names for <Line>' -ForEach @(
        @{ Line = 'Get-JournalDefinition -Description Exch' }
        @{ Line = 'Get-JournalDefinition Exch' }
        @{ Line = 'Set-JournalDefinition -Description Exch' }
        @{ Line = 'Remove-JournalDefinition Exch' }
        @{ Line = 'Disable-JournalDefinition -Description exch' }
        @{ Line = 'Enable-JournalDefinition Exch' }
        @{ Line = 'Get-JournalEvent -Definition Exch' }
        @{ Line = 'Import-JournalMessage ./x.eml -Definition Exch' }
        @{ Line = 'Get-JournalMessage -Definition Exch' }
        @{ Line = 'Get-JournalOutcome -Definition Exch' }
    ) {
        $completions = Complete $Line
        $completions | Should -Be @("'Exchange Online'", 'Exchange2019')
    }

    It 'quotes a name with a space so the completed line runs' {
        $line = 'Get-JournalDefinition -Description ' + (Complete 'Get-JournalDefinition -Description Exchange')[0]
        $line | Should -Be "Get-JournalDefinition -Description 'Exchange Online'"
        (Invoke-Expression $line).Description | Should -Be 'Exchange Online'
    }

    It 'completes domain names for <Line>' -ForEach @(
        @{ Line = 'Get-JournalDomain -Name jour' ; Expected = @('journal.contoso.test') }
        @{ Line = 'Test-JournalDomain -Name con' ; Expected = @('contoso.test') }
        @{ Line = 'Unregister-JournalDomain fab' ; Expected = @('fabrikam.test') }
        @{ Line = 'Get-JournalInternalAddress -Domain con' ; Expected = @('contoso.test') }
    ) {
        Complete $Line | Should -Be $Expected
    }

    It 'completes from the store given with -Store on the same line' {
        Complete "Get-JournalDefinition -Store '$Other' -Description E" | Should -Be @('Elsewhere')
    }
}

Describe 'Default view of Get-JournalDefinition' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.test | Out-Null
        New-JournalDefinition 'EO' eo@journal.contoso.test | Out-Null
        New-JournalDefinition 'Paused' paused@journal.contoso.test -Disabled | Out-Null
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'is a table with Description, ServiceEmailAddress, JournalType, Status, LastReceived' {
        # 120 columns: the classic console width (Out-String uses the host's width otherwise).
        $text = Get-JournalDefinition | Format-Table | Out-String -Width 120
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        ($lines[0] -split '\s+' | Where-Object { $_ }) | Should -Be @('Description', 'ServiceEmailAddress', 'JournalType', 'Status', 'LastReceived')
        $lines[1] | Should -Match '^-+\s+-+\s+-+\s+-+\s+-+\s*$'
    }

    It 'is what plain output shows, with Disabled as the status and Never for no report yet' {
        $text = Get-JournalDefinition | Out-String -Width 120
        $text | Should -Match 'Description\s+ServiceEmailAddress\s+JournalType\s+Status\s+LastReceived'
        $text | Should -Match 'EO\s+eo@journal\.contoso\.test\s+ExchangeEnvelope\s+AwaitingInitialRun\s+Never'
        $text | Should -Match 'Paused\s+paused@journal\.contoso\.test\s+ExchangeEnvelope\s+Disabled\s+Never'
    }
}
