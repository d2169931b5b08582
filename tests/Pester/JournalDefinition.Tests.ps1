# Journal definitions as an Exchange admin or a runbook sees them: parameters and defaults, the
# secret never shown, errors with stable ids and categories, pipelines, Set- semantics, -WhatIf.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Password = 'Tr0ub4dor&3-Journal'
    $script:Credential = New-TestCredential -UserName 'exchange' -Password $Password
}

Describe 'Journal definitions' {
    BeforeEach {
        $env:MIMECASTJOURNALING_STORE = New-TestStore
        Register-JournalDomain -Name journal.contoso.test, contoso.test | Out-Null
    }
    AfterEach {
        Remove-TestStore $env:MIMECASTJOURNALING_STORE
        Remove-Item Env:MIMECASTJOURNALING_STORE
    }

    Context 'New-JournalDefinition' {
        It 'takes every parameter and stores each value' {
            $d = New-JournalDefinition -Description 'Exchange Online' -ServiceEmailAddress journal@journal.contoso.test `
                -TransportType Smtp -SourceIpRange 40.92.0.0/15, 2a01:111:f400::/48, 192.0.2.7 -SmtpCredential $Credential `
                -InitialProcessDelay 10 -DeliveryWaitAttempts 5 -InactivityPeriod 60 -JournalType StandardEml -Encrypted $false `
                -PreferClearText -JournalNonInternalAddresses -JournalUnknownInternalAddresses -Disabled
            $stored = Get-JournalDefinition -Description 'Exchange Online'
            foreach ($x in $d, $stored) {
                $x.Description | Should -BeExactly 'Exchange Online'
                $x.ServiceEmailAddress | Should -BeExactly 'journal@journal.contoso.test'
                "$($x.TransportType)" | Should -Be 'Smtp'
                @($x.SourceIpRange) | Should -Be @('40.92.0.0/15', '2a01:111:f400::/48', '192.0.2.7/32')
                $x.SmtpAuthentication | Should -BeTrue
                $x.SmtpUserName | Should -BeExactly 'exchange'
                $x.InitialProcessDelay | Should -Be ([timespan]::FromMinutes(10))
                $x.DeliveryWaitAttempts | Should -Be 5
                $x.InactivityPeriod | Should -Be ([timespan]::FromMinutes(60))
                "$($x.JournalType)" | Should -Be 'StandardEml'
                $x.Encrypted | Should -BeFalse
                $x.PreferClearText | Should -BeTrue
                $x.JournalNonInternalAddresses | Should -BeTrue
                $x.JournalUnknownInternalAddresses | Should -BeTrue
                $x.Disabled | Should -BeTrue
            }
        }

        It 'uses the documented defaults for what is not given' {
            $d = New-JournalDefinition 'Defaults' journal@journal.contoso.test
            "$($d.TransportType)" | Should -Be 'Smtp'
            $d.Disabled | Should -BeFalse
            @($d.SourceIpRange).Count | Should -Be 0
            $d.SmtpAuthentication | Should -BeFalse
            $d.InitialProcessDelay | Should -Be ([timespan]::Zero)
            $d.DeliveryWaitAttempts | Should -Be 3
            $d.InactivityPeriod | Should -Be ([timespan]::FromMinutes(180))
            "$($d.JournalType)" | Should -Be 'ExchangeEnvelope'
            $d.Encrypted | Should -BeTrue
            $d.PreferClearText | Should -BeFalse
            $d.JournalNonInternalAddresses | Should -BeFalse
            $d.JournalUnknownInternalAddresses | Should -BeFalse
            "$($d.Status)" | Should -Be 'AwaitingInitialRun'
            $d.LastReceived | Should -BeNullOrEmpty
        }

        It 'reads -InitialProcessDelay 10 as ten minutes and "00:30:00" as half an hour' {
            (New-JournalDefinition 'Ten' ten@journal.contoso.test -InitialProcessDelay 10).InitialProcessDelay.TotalMinutes | Should -Be 10
            (New-JournalDefinition 'Thirty' thirty@journal.contoso.test -InitialProcessDelay '00:30:00').InitialProcessDelay.TotalMinutes | Should -Be 30
            (New-JournalDefinition 'Hour' hour@journal.contoso.test -InitialProcessDelay ([timespan]::FromHours(1))).InitialProcessDelay.TotalMinutes | Should -Be 60
        }

        It 'shows SmtpAuthentication True and never the password: properties, Format-List *, -Verbose and the event log' {
            $verbose = New-JournalDefinition 'Secret' journal@journal.contoso.test -SmtpCredential $Credential -Verbose 4>&1
            $d = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $messages = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $messages | Should -Match 'Secret'   # the verbose stream did say something
            $d.SmtpAuthentication | Should -BeTrue
            foreach ($p in $d.PSObject.Properties) {
                "$($p.Value)" | Should -Not -Match ([regex]::Escape($Password)) -Because "property $($p.Name) must not carry the secret"
                $p.Value | Should -Not -BeOfType [securestring]
                $p.Value | Should -Not -BeOfType [pscredential]
            }
            $d.PSObject.Properties.Name | Should -Not -Contain 'Password'
            $list = $d | Format-List * | Out-String -Width 300
            $list | Should -Match 'SmtpAuthentication\s*:\s*True'
            $list | Should -Not -Match ([regex]::Escape($Password))
            $messages | Should -Not -Match ([regex]::Escape($Password))
            # Changing the password is logged as a change, without the secret.
            Set-JournalDefinition 'Secret' -SmtpCredential (New-TestCredential -UserName exchange -Password 'An0ther-Secret!')
            $events = Get-JournalEvent -Definition 'Secret'
            ($events | Where-Object Property -eq 'SmtpPassword').NewValue | Should -Be '(changed)'
            $text = ($events | Format-List * | Out-String -Width 300) + ($events | Format-Table | Out-String -Width 300)
            $text | Should -Not -Match ([regex]::Escape($Password))
            $text | Should -Not -Match 'An0ther-Secret'
        }

        It 'refuses <Range> in -SourceIpRange with InvalidSourceIpRange / InvalidArgument and says what to fix' -ForEach @(
            @{ Range = '10.0.0.1/33'; Hint = 'prefix length must be a whole number from 0 to 32' }
            @{ Range = 'garbage'; Hint = 'not an IPv4 or IPv6 address.*192\.0\.2\.0/24' }
            @{ Range = '10.0.0.1/24'; Hint = 'Did you mean 10\.0\.0\.0/24' }
        ) {
            New-JournalDefinition 'Bad range' journal@journal.contoso.test -SourceIpRange $Range -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err.Count | Should -Be 1
            $err[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSourceIpRange*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match $Hint
            $err[0].Exception.Message | Should -Match ([regex]::Escape($Range))
            Get-JournalDefinition | Should -BeNullOrEmpty
        }

        It 'creates definitions from CSV rows by pipeline (Description, ServiceEmailAddress columns)' {
            @('Description,ServiceEmailAddress', 'Tenant A,a@journal.contoso.test', 'Tenant B,b@journal.contoso.test') |
                ConvertFrom-Csv | New-JournalDefinition | Out-Null
            (Get-JournalDefinition 'Tenant*').ServiceEmailAddress | Sort-Object | Should -Be @('a@journal.contoso.test', 'b@journal.contoso.test')
        }

        It 'says how to give a duration when <Value> is not one' -ForEach @(
            @{ Value = 'soon'; Id = 'ParameterArgumentTransformationError*'; Hint = 'Give minutes as a number' }
            @{ Value = -5; Id = 'InvalidInitialProcessDelay*'; Hint = 'between 0 and 1440 minutes' }
        ) {
            $err = $null
            try {
                New-JournalDefinition 'Delay' journal@journal.contoso.test -InitialProcessDelay $Value -ErrorAction Stop
            } catch {
                $err = $_
            }
            $err.FullyQualifiedErrorId | Should -BeLike $Id
            $err.Exception.Message | Should -Match $Hint
            Get-JournalDefinition | Should -BeNullOrEmpty
        }

        It 'is a terminating error for a script with -ErrorAction Stop' {
            { New-JournalDefinition 'Bad' journal@journal.contoso.test -SourceIpRange 10.0.0.1/33 -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidSourceIpRange*'
        }

        It 'refuses a duplicate description with JournalDefinitionExists / ResourceExists' {
            New-JournalDefinition 'Exchange Online' journal@journal.contoso.test | Out-Null
            New-JournalDefinition 'exchange online' other@journal.contoso.test -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionExists*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $err[0].Exception.Message | Should -Match 'Set-JournalDefinition'
            @(Get-JournalDefinition).Count | Should -Be 1
        }

        It 'refuses a service address that is an internal mailbox (SelfJournalingRefused), and the reverse' {
            Add-JournalInternalAddress -Address alice@contoso.test
            New-JournalDefinition 'Self' alice@contoso.test -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'SelfJournalingRefused*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].Exception.Message | Should -Match 'journal@journal\.contoso\.com'
            Get-JournalDefinition | Should -BeNullOrEmpty

            New-JournalDefinition 'Journal' journal@journal.contoso.test | Out-Null
            Add-JournalInternalAddress -Address journal@journal.contoso.test -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'SelfJournalingRefused*'
            Get-JournalInternalAddress | Select-Object -ExpandProperty EmailAddress | Should -Not -Contain 'journal@journal.contoso.test'
        }
    }

    Context 'Get-JournalDefinition' {
        BeforeEach {
            New-JournalDefinition 'Exchange Online' eo@journal.contoso.test | Out-Null
            New-JournalDefinition 'Exchange 2019' onprem@journal.contoso.test | Out-Null
            New-JournalDefinition 'Archive test' test@journal.contoso.test | Out-Null
        }

        It 'lists all definitions without a name' {
            (Get-JournalDefinition).Description | Sort-Object | Should -Be @('Archive test', 'Exchange 2019', 'Exchange Online')
        }

        It 'matches wildcards, and a wildcard that matches nothing is no error' {
            (Get-JournalDefinition -Description 'Exchange*').Description | Sort-Object | Should -Be @('Exchange 2019', 'Exchange Online')
            (Get-JournalDefinition '*test').Description | Should -Be 'Archive test'
            Get-JournalDefinition 'Nothing*' -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }

        It 'reports a plain unknown name as ObjectNotFound and still returns the others' {
            $found = Get-JournalDefinition 'Nope', 'Exchange Online' -ErrorVariable err -ErrorAction SilentlyContinue
            $found.Description | Should -Be 'Exchange Online'
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'Nope'
        }
    }

    Context 'Pipelines, Set-, Enable-, Disable-, Remove-' {
        BeforeEach {
            New-JournalDefinition 'X' x@journal.contoso.test -SourceIpRange 192.0.2.0/24 -SmtpCredential $Credential -DeliveryWaitAttempts 4 | Out-Null
            New-JournalDefinition 'Y' y@journal.contoso.test | Out-Null
        }

        It 'disables by pipeline with Set-JournalDefinition -Disabled' {
            Get-JournalDefinition X | Set-JournalDefinition -Disabled
            (Get-JournalDefinition X).Disabled | Should -BeTrue
            (Get-JournalDefinition Y).Disabled | Should -BeFalse
        }

        It 'disables and enables by pipeline with Disable-/Enable-JournalDefinition' {
            Get-JournalDefinition X | Disable-JournalDefinition
            (Get-JournalDefinition X).Disabled | Should -BeTrue
            $out = Get-JournalDefinition X | Enable-JournalDefinition -PassThru
            $out.Disabled | Should -BeFalse
            (Get-JournalDefinition X).Disabled | Should -BeFalse
            Get-JournalDefinition | Disable-JournalDefinition
            (Get-JournalDefinition).Disabled | Should -Be @($true, $true)
        }

        It 'changes only the given fields' {
            $before = Get-JournalDefinition X
            $after = Set-JournalDefinition X -InactivityPeriod 30 -JournalType StandardEml -PassThru
            $after.InactivityPeriod.TotalMinutes | Should -Be 30
            "$($after.JournalType)" | Should -Be 'StandardEml'
            foreach ($name in 'ServiceEmailAddress', 'SmtpAuthentication', 'SmtpUserName', 'DeliveryWaitAttempts', 'InitialProcessDelay', 'Encrypted', 'Disabled', 'Description') {
                $after.$name | Should -Be $before.$name -Because "$name was not given"
            }
            @($after.SourceIpRange) | Should -Be @('192.0.2.0/24')
        }

        It 'renames with -NewDescription and keeps the history' {
            Set-JournalDefinition X -NewDescription 'X renamed'
            Get-JournalDefinition 'X' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-JournalDefinition 'X renamed').ServiceEmailAddress | Should -Be 'x@journal.contoso.test'
            $rename = Get-JournalEvent -Definition 'X renamed' | Where-Object Property -eq 'Description'
            $rename.OldValue | Should -Be 'X'
            $rename.NewValue | Should -Be 'X renamed'
        }

        It 'refuses to rename onto an existing name' {
            Set-JournalDefinition X -NewDescription 'Y' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionExists*'
            (Get-JournalDefinition X).ServiceEmailAddress | Should -Be 'x@journal.contoso.test'
        }

        It 'removes SMTP authentication with -SmtpCredential $null' {
            Set-JournalDefinition X -SmtpCredential $null
            $d = Get-JournalDefinition X
            $d.SmtpAuthentication | Should -BeFalse
            $d.SmtpUserName | Should -BeNullOrEmpty
        }

        It 'changes nothing under -WhatIf: <Name>' -ForEach @(
            @{ Name = 'New'; Action = { New-JournalDefinition 'Z' z@journal.contoso.test -WhatIf } }
            @{ Name = 'Set'; Action = { Set-JournalDefinition X -DeliveryWaitAttempts 9 -NewDescription 'X2' -SmtpCredential $null -WhatIf } }
            @{ Name = 'Remove'; Action = { Remove-JournalDefinition X -WhatIf } }
            @{ Name = 'Disable'; Action = { Disable-JournalDefinition X -WhatIf } }
            @{ Name = 'Enable'; Action = { Set-JournalDefinition Y -Disabled; Enable-JournalDefinition Y -WhatIf } }
        ) {
            & $Action
            $snapshot = Get-JournalDefinition | Sort-Object Description | Select-Object Description, Disabled, DeliveryWaitAttempts, SmtpAuthentication, Modified | ConvertTo-Json
            $eventCount = @(Get-JournalEvent).Count
            & $Action | Should -BeNullOrEmpty
            (Get-JournalDefinition | Sort-Object Description | Select-Object Description, Disabled, DeliveryWaitAttempts, SmtpAuthentication, Modified | ConvertTo-Json) | Should -Be $snapshot
            @(Get-JournalEvent).Count | Should -Be $eventCount
            (Get-JournalDefinition).Description | Sort-Object | Should -Be @('X', 'Y')
            (Get-JournalDefinition X).Disabled | Should -BeFalse
            (Get-JournalDefinition X).DeliveryWaitAttempts | Should -Be 4
            (Get-JournalDefinition X).SmtpAuthentication | Should -BeTrue
        }

        It 'removes with -Confirm:$false, by name and by pipeline' {
            Remove-JournalDefinition X -Confirm:$false
            Get-JournalDefinition | Select-Object -ExpandProperty Description | Should -Be 'Y'
            Get-JournalDefinition Y | Remove-JournalDefinition -Confirm:$false
            Get-JournalDefinition | Should -BeNullOrEmpty
        }

        It 'reports removing an unknown name as ObjectNotFound' {
            Remove-JournalDefinition 'Nope' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
    }
}
