# Domains against a REAL DNS server: dnsmasq on 127.0.0.1 publishes the TXT record with the code
# that Register-JournalDomain returned, exactly as the admin would publish it at their DNS host.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $Store
    $script:Published = Register-JournalDomain -Name journal.contoso.test
    $script:Unpublished = Register-JournalDomain -Name contoso.test
    Register-JournalDomain -Name missing.example.test | Out-Null
    $script:Later = Register-JournalDomain -Name later.contoso.test
    $script:Dns = Start-TestDnsServer -TxtRecord @{
        'journal.contoso.test' = $Published.VerificationCode
        'contoso.test'         = 'v=spf1 include:spf.protection.outlook.com -all'
        'later.contoso.test'   = $Later.VerificationCode
    } -NxDomain 'example.test'
}

AfterAll {
    Stop-TestDnsServer $Dns
    Remove-TestStore $Store
    Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
}

Describe 'Registering and verifying domains' {
    It 'returns a verification code to publish as a TXT record, unverified until tested' {
        $Published.Name | Should -Be 'journal.contoso.test'
        $Published.VerificationCode | Should -Match '^mimecastjournaling-verification=[0-9a-f]{32}$'
        $Published.Verified | Should -BeFalse
        $Unpublished.VerificationCode | Should -Not -Be $Published.VerificationCode
    }

    It 'tells the admin which TXT record to publish (-Verbose)' {
        $verbose = Register-JournalDomain -Name journal.contoso.test -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match ([regex]::Escape($Published.VerificationCode))
    }

    It 'is idempotent: registering again returns the same domain and code' {
        $again = Register-JournalDomain -Name journal.contoso.test, 'JOURNAL.Contoso.test.' -ErrorVariable err
        $err.Count | Should -Be 0
        $again.VerificationCode | Should -Be @($Published.VerificationCode, $Published.VerificationCode)
        @(Get-JournalDomain -Name journal.contoso.test).Count | Should -Be 1
        @(Get-JournalEvent | Where-Object { $_.ObjectName -eq 'journal.contoso.test' -and $_.Action -eq 'Created' }).Count | Should -Be 1
    }

    It 'marks the domain Verified when the TXT record carries the code' {
        $result = Test-JournalDomain -Name journal.contoso.test -DnsServer $Dns.Server -WarningVariable warn -ErrorVariable err
        $err.Count | Should -Be 0
        $warn.Count | Should -Be 0
        $result.Verified | Should -BeTrue
        $result.VerifiedAt | Should -Not -BeNullOrEmpty
        (Get-JournalDomain -Name journal.contoso.test).Verified | Should -BeTrue
        (Get-JournalEvent | Where-Object { $_.ObjectName -eq 'journal.contoso.test' -and $_.Action -eq 'Verified' }) | Should -Not -BeNullOrEmpty
    }

    It 'leaves a domain without the record unverified, with a warning that says what to publish (<Name>)' -ForEach @(
        @{ Name = 'contoso.test'; Why = 'other TXT records only' }
        @{ Name = 'missing.example.test'; Why = 'NXDOMAIN' }
    ) {
        $code = (Get-JournalDomain -Name $Name).VerificationCode
        $result = Test-JournalDomain -Name $Name -DnsServer $Dns.Server -WarningVariable warn -ErrorVariable err 3>$null
        $err.Count | Should -Be 0
        $result.Verified | Should -BeFalse
        (Get-JournalDomain -Name $Name).Verified | Should -BeFalse
        $warn.Count | Should -Be 1
        "$($warn[0])" | Should -Match ([regex]::Escape($code))
        "$($warn[0])" | Should -Match 'TXT'
    }

    It 'reports an unreachable DNS server as DnsLookupFailed and does not change the domain' {
        $closed = Get-FreeLoopbackPort
        $result = Test-JournalDomain -Name journal.contoso.test -DnsServer "127.0.0.1:$closed" -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DnsLookupFailed*'
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $err[0].Exception.Message | Should -Match '-DnsServer'
        (Get-JournalDomain -Name journal.contoso.test).Verified | Should -BeTrue
    }

    It 'refuses a malformed -DnsServer with InvalidDnsServer' {
        { Test-JournalDomain -Name journal.contoso.test -DnsServer 'dns.example:abc' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDnsServer*'
    }

    It 'changes nothing under -WhatIf (Register- and Test-)' {
        Register-JournalDomain -Name whatif.contoso.test -WhatIf | Should -BeNullOrEmpty
        Get-JournalDomain -Name whatif.contoso.test -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $events = @(Get-JournalEvent).Count
        Test-JournalDomain -Name later.contoso.test -DnsServer $Dns.Server -WhatIf | Should -BeNullOrEmpty
        (Get-JournalDomain -Name later.contoso.test).Verified | Should -BeFalse
        @(Get-JournalEvent).Count | Should -Be $events
        # The same call without -WhatIf does verify it (the record is published).
        (Test-JournalDomain -Name later.contoso.test -DnsServer $Dns.Server).Verified | Should -BeTrue
    }

    It 'lists domains with wildcards, and a plain unknown name is ObjectNotFound' {
        (Get-JournalDomain -Name 'j*.contoso.test').Name | Should -Be 'journal.contoso.test'
        (Get-JournalDomain -Name '*.contoso.test').Name | Sort-Object | Should -Be @('journal.contoso.test', 'later.contoso.test')
        (Get-JournalDomain).Name | Sort-Object | Should -Be @('contoso.test', 'journal.contoso.test', 'later.contoso.test', 'missing.example.test')
        Get-JournalDomain -Name nope.test -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDomainNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Unregistering domains' {
    BeforeEach {
        $script:Local = New-TestStore
        Register-JournalDomain -Name fabrikam.test -Store $Local | Out-Null
        Add-JournalInternalAddress -Address alice@fabrikam.test, bob@fabrikam.test -Store $Local
    }
    AfterEach { Remove-TestStore $Local }

    It 'refuses while internal addresses exist, and says how to proceed' {
        Unregister-JournalDomain -Name fabrikam.test -Store $Local -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DomainHasInternalAddresses*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match '-Force'
        (Get-JournalDomain -Store $Local).Name | Should -Be 'fabrikam.test'
        @(Get-JournalInternalAddress -Store $Local).Count | Should -Be 2
    }

    It 'removes the domain and its addresses with -Force' {
        Unregister-JournalDomain -Name fabrikam.test -Force -Store $Local -Confirm:$false -ErrorVariable err
        $err.Count | Should -Be 0
        Get-JournalDomain -Store $Local | Should -BeNullOrEmpty
        Get-JournalInternalAddress -Store $Local | Should -BeNullOrEmpty
    }

    It 'removes an empty domain without -Force, and -WhatIf changes nothing' {
        Remove-JournalInternalAddress -Address alice@fabrikam.test, bob@fabrikam.test -Store $Local
        Unregister-JournalDomain -Name fabrikam.test -Store $Local -WhatIf
        (Get-JournalDomain -Store $Local).Name | Should -Be 'fabrikam.test'
        Get-JournalDomain -Store $Local | Unregister-JournalDomain -Store $Local -Confirm:$false
        Get-JournalDomain -Store $Local | Should -BeNullOrEmpty
    }
}
