# Mimecast as the journaling side, against the loopback Mimecast API 2.0 emulator and the Exchange
# Online emulator (both child processes on 127.0.0.1): the seed procedure end to end from one
# pipeline, a rerun that changes nothing, drift made behind the module's back, and every output
# stream searched for the client secret and the SMTP password.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'MimecastCommon.ps1')
    $script:Mimecast = Start-TestMimecastEmulator
    $script:Exchange = Start-TestExchangeEmulator
    $script:Store = Use-ContosoStore
    $script:SmtpPassword = 'Seed-Smtp-Pa55word-4711!'
    $script:SmtpCredential = New-TestCredential -UserName 'journal' -Password $SmtpPassword
    # Everything every stream carried during the suite, searched for secrets at the end.
    $script:Streams = [System.Collections.Generic.List[object]]::new()
    function Capture([scriptblock] $Script) {
        $records = @(& $Script *>&1)
        foreach ($r in $records) { $Streams.Add($r) }
        # Objects only (what the pipeline would get); the other streams stay in $Streams.
        @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] -and
                $_ -isnot [System.Management.Automation.InformationRecord] -and $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.DebugRecord] })
    }
    function Mc([string] $Command) { Invoke-TestMimecastEmulator $Mimecast $Command }
    function Clear-McRequests { Mc 'clear-requests' | Out-Null }

    Capture { Connect-TestMimecastEmulator $Mimecast -Verbose } | Out-Null
    Connect-TestExchangeEmulator $Exchange
    New-JournalDefinition 'Exchange Online' journal@journal.contoso.com -SourceIpRange 40.92.0.0/15, 192.0.2.10 -InactivityPeriod 240 -InitialProcessDelay 5 -SmtpCredential $SmtpCredential | Out-Null
}
AfterAll {
    Disconnect-MimecastJournaling
    Disconnect-O365Journaling
    Stop-TestMimecastEmulator $Mimecast
    Stop-TestExchangeEmulator $Exchange
    Remove-ContosoStore $Store
}

Describe 'Connect-MimecastJournaling' {
    It 'signs in with client credentials and shows the region, host, client id and token expiry, never the secret' {
        $connection = Get-MimecastJournalingConnection
        $connection.ClientId | Should -Be $Mimecast.ClientId
        $connection.BaseUri | Should -Be $Mimecast.BaseUri
        "$($connection.Region)" | Should -Be 'Global'
        $connection.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(20))
        ($connection | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Mimecast.ClientSecret))
        @((Mc 'requests' | ConvertFrom-Json) | Where-Object PathAndQuery -eq '/oauth/token').Count | Should -BeGreaterThan 0
    }

    It 'a wrong secret is a clear AuthenticationError that does not contain the secret, and the session stays connected' {
        $wrong = 'Wrong-Secret-Never-Shown-9182'
        $caught = [System.Collections.Generic.List[object]]::new()
        $records = @(& {
                try { Connect-MimecastJournaling -ClientId $Mimecast.ClientId -ClientSecret (ConvertTo-SecureString $wrong -AsPlainText -Force) -BaseUri $Mimecast.BaseUri -Verbose -ErrorAction Stop }
                catch { $caught.Add($_) }
            } *>&1)
        $caught.Count | Should -Be 1
        $failure = $caught[0]
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        $failure.FullyQualifiedErrorId | Should -BeLike 'MimecastAuthenticationFailed,*'
        "$($failure.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -Match 'client secret'
        ($records + $failure | Out-String) + $failure.Exception.Message | Should -Not -Match ([regex]::Escape($wrong))
        (Get-MimecastJournalingConnection).ClientId | Should -Be $Mimecast.ClientId
    }

    It 'refuses a plain http host that is not loopback' {
        { Connect-MimecastJournaling -ClientId x -ClientSecret (ConvertTo-SecureString 'y' -AsPlainText -Force) -BaseUri 'http://api.example.com' -ErrorAction Stop } |
            Should -Throw -ErrorId 'MimecastInvalidBaseUri,*'
    }
}

Describe 'The seed procedure from one pipeline' {
    It 'refuses a copy of a definition with SMTP authentication without the password, before any call' {
        Clear-McRequests
        Get-JournalDefinition 'Exchange Online' | New-MimecastJournalService -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | ForEach-Object { $Streams.Add($_) }
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MimecastSmtpPasswordRequired,*'
        $failures[0].Exception.Message | Should -Match '-SmtpCredential'
        Get-MimecastChanges $Mimecast | Should -BeNullOrEmpty
    }

    It 'creates the journal service from the local definition: settings, AwaitingInitialRun, Mimecast''s smart hosts' {
        $service = Capture { Get-JournalDefinition 'Exchange Online' | New-MimecastJournalService -SmtpCredential $SmtpCredential -RemoveJournalHeaders -Verbose }
        $service.Count | Should -Be 1
        $service = $service[0]
        $service.GetType().FullName | Should -Be 'MimecastJournaling.Mimecast.MimecastJournalService'
        $service.Description | Should -Be 'Exchange Online'
        $service.Id | Should -Not -BeNullOrEmpty
        $service.ServiceEmailAddress | Should -Be 'journal@journal.contoso.com'
        $service.SourceIpRange | Should -Be @('40.92.0.0/15', '192.0.2.10/32')
        $service.InactivityPeriod | Should -Be ([timespan]::FromMinutes(240))
        $service.InitialProcessDelay | Should -Be ([timespan]::FromMinutes(5))
        $service.SmtpAuthentication | Should -BeTrue
        $service.RemoveJournalHeaders | Should -BeTrue
        $service.Encrypted | Should -BeTrue
        "$($service.Status)" | Should -Be 'AwaitingInitialRun'
        $service.Hostnames | Should -Be @('eu-smtp-journal-1.mimecast.com', 'eu-smtp-journal-2.mimecast.com')
        $state = Mc 'state' | ConvertFrom-Json
        $state.services[0].smtpJournalingConnection.password | Should -Be $SmtpPassword
        $state.services[0].smtpJournalingConnection.inactivityTimeout | Should -Be 240
    }

    It 'a rerun changes nothing and creates nothing' {
        Clear-McRequests
        $again = Capture { Get-JournalDefinition 'Exchange Online' | New-MimecastJournalService -SmtpCredential $SmtpCredential -RemoveJournalHeaders -Verbose }
        $again[0].Description | Should -Be 'Exchange Online'
        Get-MimecastChanges $Mimecast | Should -BeNullOrEmpty
        @(Get-MimecastJournalService).Count | Should -Be 1
    }

    It 'a rerun after a change in the console sends back only what differs from the definition' {
        Mc 'change Exchange Online {"smtpJournalingConnection":{"inactivityTimeout":600}}' | Out-Null
        Clear-McRequests
        $converged = Capture { Get-JournalDefinition 'Exchange Online' | New-MimecastJournalService -SmtpCredential $SmtpCredential -RemoveJournalHeaders -Confirm:$false }
        $converged[0].InactivityPeriod | Should -Be ([timespan]::FromMinutes(240))
        $changes = @(Get-MimecastChanges $Mimecast)
        $changes.Count | Should -Be 1
        $changes[0].Method | Should -Be 'PATCH'
        $changes[0].Body | Should -Be '{"smtpJournalingConnection":{"inactivityTimeout":240}}'
    }

    It 'Set sends only what changed, with the update names' {
        Clear-McRequests
        $updated = Capture { Set-MimecastJournalService 'Exchange Online' -InactivityPeriod 300 -Encrypted $false -DeliveryWaitAttempts 3 -PassThru -Verbose }
        $updated[0].InactivityPeriod | Should -Be ([timespan]::FromMinutes(300))
        $updated[0].Encrypted | Should -BeFalse
        $patch = @(Get-MimecastChanges $Mimecast)
        $patch.Count | Should -Be 1
        $patch[0].Method | Should -Be 'PATCH'
        $patch[0].Body | Should -Be '{"smtpJournalingConnection":{"useTls":false,"inactivityTimeout":300}}'
        Clear-McRequests
        Set-MimecastJournalService 'Exchange Online' -Encrypted $true -InactivityPeriod 240 -Confirm:$false
        (Get-MimecastJournalService 'Exchange Online').Encrypted | Should -BeTrue
    }

    It 'refuses <Case> locally, before any call, with error id <Id>' -ForEach @(
        @{ Case = 'an inactivity period under 180 minutes'; Id = 'MimecastInactivityPeriodOutOfRange'; Arguments = @{ InactivityPeriod = 100 } }
        @{ Case = 'an inactivity period over 960 minutes'; Id = 'MimecastInactivityPeriodOutOfRange'; Arguments = @{ InactivityPeriod = 961 } }
        @{ Case = 'a delay that is not whole minutes'; Id = 'MimecastMinutesNotWhole'; Arguments = @{ InitialProcessDelay = 1.5 } }
        @{ Case = 'a range with host bits'; Id = 'MimecastInvalidSourceIpRange'; Arguments = @{ SourceIpRange = '10.0.0.1/8' } }
        @{ Case = 'an IPv6 range'; Id = 'MimecastIPv6SourceIpRange'; Arguments = @{ SourceIpRange = '2a01:111:f400::/48' } }
    ) {
        Clear-McRequests
        Set-MimecastJournalService 'Exchange Online' @Arguments -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        @((Mc 'requests' | ConvertFrom-Json)).Count | Should -Be 0
        New-MimecastJournalService 'Other' other@journal.contoso.com @Arguments -ErrorAction SilentlyContinue -ErrorVariable failures2
        $failures2[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        Get-MimecastChanges $Mimecast | Should -BeNullOrEmpty
    }

    It 'registers the journal domain, shows the TXT code, verifies it once published; a rerun registers nothing' {
        $domain = @(Register-MimecastJournalDomain journal.contoso.com -InformationVariable info)
        $info | ForEach-Object { $Streams.Add($_) }
        $domain[0].State | Should -Be 'Pending'
        $domain[0].TxtRecord | Should -Match '^mc-verify-'
        "$info" | Should -Match ([regex]::Escape($domain[0].TxtRecord))
        Clear-McRequests
        (Capture { Register-MimecastJournalDomain journal.contoso.com })[0].Id | Should -Be $domain[0].Id
        Get-MimecastChanges $Mimecast | Should -BeNullOrEmpty
        $before = @(Test-MimecastJournalDomain journal.contoso.com -WarningVariable warned -WarningAction SilentlyContinue)
        $warned | ForEach-Object { $Streams.Add($_) }
        $before[0].Verified | Should -BeFalse
        "$warned" | Should -Match 'TXT'
        Mc 'publish-txt journal.contoso.com' | Out-Null
        (Capture { Test-MimecastJournalDomain journal.contoso.com })[0].Verified | Should -BeTrue
        (Get-MimecastJournalDomain journal.contoso.com).State | Should -Be 'Internal'
    }

    It 'lists pending and internal domains over every page' {
        Mc 'page-limit 1' | Out-Null
        try {
            Mc 'add-pending a.contoso.com' | Out-Null
            Mc 'add-pending b.contoso.com' | Out-Null
            Mc 'add-internal contoso.com' | Out-Null
            @(Get-MimecastJournalDomain -State Pending).Domain | Should -Be @('a.contoso.com', 'b.contoso.com')
            @(Get-MimecastJournalDomain -State Internal).Domain | Sort-Object | Should -Be @('contoso.com', 'journal.contoso.com')
            (Get-MimecastJournalDomain 'missing.contoso.com' -ErrorAction SilentlyContinue -ErrorVariable missing) | Should -BeNullOrEmpty
            $missing[0].FullyQualifiedErrorId | Should -BeLike 'MimecastJournalDomainNotFound,*'
            Unregister-MimecastJournalDomain a.contoso.com, b.contoso.com -Confirm:$false
            @(Get-MimecastJournalDomain -State Pending) | Should -BeNullOrEmpty
            Unregister-MimecastJournalDomain contoso.com -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable internal
            $internal[0].FullyQualifiedErrorId | Should -BeLike 'MimecastDomainIsInternal,*'
        } finally {
            Mc 'page-limit 100' | Out-Null
        }
    }

    It 'shows AwaitingInitialRun, then OK with the queue and last arrival once Mimecast receives items' {
        "$((Get-MimecastJournalService 'Exchange Online').Status)" | Should -Be 'AwaitingInitialRun'
        Mc 'set-status Exchange Online ok 3' | Out-Null
        $service = Get-MimecastJournalService 'Exchange Online'
        "$($service.Status)" | Should -Be 'OK'
        $service.QueueLength | Should -Be 3
        $service.LastReceived | Should -Not -BeNullOrEmpty
        $table = $service | Format-Table | Out-String -Width 160
        $table | Should -Match 'Description\s+Id\s+Status\s+QueueLength\s+LastReceived\s+Hostnames'
        $table | Should -Match 'Exchange Online\s+\S+\s+OK\s+3\s+'
    }

    It 'Enable-O365Journaling takes the service from Get-MimecastJournalService: its address and Hostnames become the connector' {
        $steps = Capture { Get-MimecastJournalService 'Exchange Online' | Enable-O365Journaling -NdrRecipient ndr@archive.example -Confirm:$false -Verbose }
        @($steps | ForEach-Object { "$($_.Action)" }) | Should -Not -Contain 'Failed'
        $connector = Get-O365PartnerConnector 'Journal - Exchange Online'
        $connector.SmartHosts | Should -Be @('eu-smtp-journal-1.mimecast.com', 'eu-smtp-journal-2.mimecast.com')
        $connector.RecipientDomains | Should -Be @('journal.contoso.com')
        (Get-O365JournalContact 'Journal - Exchange Online').ExternalEmailAddress | Should -Be 'journal@journal.contoso.com'
        (Get-O365JournalRule 'Journal - Exchange Online').JournalEmailAddress | Should -Match 'journal@journal.contoso.com|Journal - Exchange Online'
    }

    It 'a second run of the whole procedure changes nothing on either side' {
        Clear-McRequests
        Capture { Get-JournalDefinition 'Exchange Online' | New-MimecastJournalService -SmtpCredential $SmtpCredential -RemoveJournalHeaders } | Out-Null
        Register-MimecastJournalDomain journal.contoso.com | Out-Null
        $steps = Capture { Get-MimecastJournalService 'Exchange Online' | Enable-O365Journaling -NdrRecipient ndr@archive.example -Confirm:$false }
        @($steps | ForEach-Object { "$($_.Action)" } | Sort-Object -Unique) | Should -Be @('Unchanged')
        Get-MimecastChanges $Mimecast | Should -BeNullOrEmpty
    }

    It 'Test-O365Journaling passes, with the Mimecast side checked' {
        $result = Capture { Get-MimecastJournalService 'Exchange Online' | Test-O365Journaling -NdrRecipient ndr@archive.example }
        $result[0].Passed | Should -BeTrue -Because (($result[0].Drift | ForEach-Object ToString) -join '; ')
        $result[0].Checks.Name | Should -Contain 'MimecastServiceEnabled'
        $result[0].Checks.Name | Should -Contain 'MimecastServiceStatus'
        $result[0].Checks.Name | Should -Contain 'ConnectorSmartHosts'
    }

    It 'reports drift made behind the module''s back: <Case>' -ForEach @(
        @{ Case = 'Mimecast moved the smart hosts'; Change = 'change Exchange Online {"smtpJournalingConnection":{"hostnames":["eu-smtp-journal-3.mimecast.com"]}}'; Drift = 'ConnectorSmartHosts' }
        @{ Case = 'the service was disabled in the console'; Change = 'change Exchange Online {"enabled":false}'; Drift = 'MimecastServiceEnabled' }
        @{ Case = 'the service went into Error'; Change = 'set-status Exchange Online error'; Drift = 'MimecastServiceStatus' }
        @{ Case = 'the service address changed'; Change = 'change Exchange Online {"smtpJournalingConnection":{"emailAddress":"moved@journal.contoso.com"}}'; Drift = 'Contact' }
    ) {
        $saved = (Mc 'state' | ConvertFrom-Json).services[0]
        Mc $Change | Out-Null
        try {
            $piped = Get-MimecastJournalService 'Exchange Online'
            $result = Capture { $piped | Test-O365Journaling -NdrRecipient ndr@archive.example }
            $result[0].Passed | Should -BeFalse
            $result[0].Drift.Name | Should -Contain $Drift
        } finally {
            $restore = @{ enabled = $saved.enabled; smtpJournalingConnection = @{ hostnames = @($saved.smtpJournalingConnection.hostnames); emailAddress = $saved.smtpJournalingConnection.emailAddress } } | ConvertTo-Json -Compress -Depth 5
            Mc "change Exchange Online $restore" | Out-Null
            Mc 'set-status Exchange Online ok' | Out-Null
        }
        (Get-MimecastJournalService 'Exchange Online' | Test-O365Journaling -NdrRecipient ndr@archive.example).Passed | Should -BeTrue
    }

    It 'local definitions keep working with Enable-/Test-O365Journaling' {
        $result = Get-JournalDefinition 'Exchange Online' | Test-O365Journaling -SmartHost eu-smtp-journal-1.mimecast.com, eu-smtp-journal-2.mimecast.com -NdrRecipient ndr@archive.example
        $result.Passed | Should -BeTrue
        $result.Checks.Name | Should -Not -Contain 'MimecastServiceEnabled'
    }
}

Describe 'Mimecast''s limits and error envelopes' {
    It 'waits out a 429 for X-RateLimit-Reset and says so in the verbose stream' {
        Clear-McRequests
        Mc 'throttle 1 300' | Out-Null
        $records = @(& { Get-MimecastJournalService -Verbose } *>&1)
        foreach ($r in $records) { $Streams.Add($r) }
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'Waiting GET .* HTTP 429 wait 0\.3s' }).Count | Should -Be 1
        @($records | Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Mimecast.MimecastJournalService' }).Count | Should -Be 1
        @((Mc 'requests' | ConvertFrom-Json) | ForEach-Object StatusCode) | Should -Be @(429, 200)
    }

    It 'a failure inside HTTP 200 is an error, not success' {
        Mc 'fail-in-body 1' | Out-Null
        Get-MimecastJournalService -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'MimecastRequestFailed,*'
        $failed[0].Exception.Message | Should -Match 'failure in the body.*err_request_failed'
    }

    It 'a 403 names the role permissions to grant' {
        Mc 'error 1 403 forbidden' | Out-Null
        Get-MimecastJournalService -ErrorAction SilentlyContinue -ErrorVariable denied | Should -BeNullOrEmpty
        $denied[0].FullyQualifiedErrorId | Should -BeLike 'MimecastAccessDenied,*'
        $denied[0].ErrorDetails.RecommendedAction | Should -Match 'Services \| Journaling'
    }

    It 'an expired token is renewed once and the call goes through' {
        $before = [int](Mc 'tokens-issued')
        Mc 'expire-tokens' | Out-Null
        @(Get-MimecastJournalService).Count | Should -Be 1
        [int](Mc 'tokens-issued') | Should -Be ($before + 1)
    }

    It 'Disable-, Enable- and Remove-MimecastJournalService change the service' {
        (Disable-MimecastJournalService 'Exchange Online' -Confirm:$false -PassThru).Disabled | Should -BeTrue
        (Get-MimecastJournalService 'Exchange Online' | Enable-MimecastJournalService -PassThru).Disabled | Should -BeFalse
        New-MimecastJournalService 'Spare' spare@journal.contoso.com | Out-Null
        Get-MimecastJournalService 'Spare' | Remove-MimecastJournalService -Confirm:$false
        Get-MimecastJournalService 'Spare' -ErrorAction SilentlyContinue -ErrorVariable gone | Should -BeNullOrEmpty
        $gone[0].FullyQualifiedErrorId | Should -BeLike 'MimecastJournalServiceNotFound,*'
    }
}

Describe 'Secrets' {
    It 'no output stream ever carried the client secret or the SMTP password, even when Mimecast returns the password' {
        Mc 'return-password on' | Out-Null
        try {
            Capture { Get-MimecastJournalService -Verbose; Get-MimecastJournalService 'Exchange Online' | Format-List * | Out-String } | Out-Null
            Capture { Get-MimecastJournalService 'Exchange Online' | ConvertTo-Json -Depth 6 } | Out-Null
        } finally {
            Mc 'return-password off' | Out-Null
        }
        $Streams.Count | Should -BeGreaterThan 20
        @($Streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 10
        $text = ($Streams | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_ $($_.Exception.Message) $($_.ErrorDetails)" }
                elseif ($_ -is [string]) { $_ }
                elseif ($_ -is [System.Management.Automation.InformationRecord]) { "$($_.MessageData)" }
                elseif ($_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.WarningRecord]) { $_.Message }
                else { $_ | Format-List * -Force | Out-String -Width 400 }
            }) -join "`n"
        $text | Should -Match 'Sending POST /journaling/cloud-gateway/v1/services'
        $text | Should -Match '"password":"\*\*\*"'
        $text | Should -Not -Match ([regex]::Escape($Mimecast.ClientSecret))
        $text | Should -Not -Match ([regex]::Escape($SmtpPassword))
        foreach ($token in (Mc 'issued-tokens' | ConvertFrom-Json)) { $text | Should -Not -Match ([regex]::Escape($token)) }
    }
}
