# Messages that point an admin the right way (issue 14): what a refusal or a failure says must
# name the cause and the fix, not the symptom.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Messages that point the right way' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'says a port below 1024 needs root or CAP_NET_BIND_SERVICE' {
        if (-not (Get-Command capsh -ErrorAction SilentlyContinue)) { throw 'capsh is missing (package libcap2-bin).' }
        # A privileged port free here; the child runs without CAP_NET_BIND_SERVICE, as a non-root admin would.
        $port = 600..1000 | Where-Object { -not (Test-Listening $_) } | Get-Random
        $script = Join-Path (Split-Path $Store) 'lowport.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$ModuleManifest'
try { Start-JournalListener -Store '$Store' -BindAddress 127.0.0.1 -Port $port -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null; 'started' }
catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        $output = & capsh --drop=cap_net_bind_service -- -c "cd '$RepoRoot' && dotnet pwsh -NoProfile -NonInteractive -File '$script'" 2>&1
        $text = $output -join "`n"
        $text | Should -Match '^ListenerBindFailed'
        $text | Should -Match 'root or the CAP_NET_BIND_SERVICE capability'
        $text | Should -Match 'setcap|-Port 2525|above 1023'
        $text | Should -Not -Match 'another program'
    }

    It 'says a store location that is a folder must be a file path, once' {
        $folder = Join-Path (Split-Path $Store) 'a-folder'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $env:MIMECASTJOURNALING_STORE = $folder
        try {
            Get-JournalDefinition -ErrorVariable failed -ErrorAction SilentlyContinue
        } catch {
            $failed = @($_)
        } finally {
            $env:MIMECASTJOURNALING_STORE = $Store
        }
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'StorePathIsFolder*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failed[0].Exception.Message | Should -Match 'is a folder'
        $failed[0].Exception.Message | Should -Match ([regex]::Escape((Join-Path $folder 'journaling.db')))
        $failed[0].Exception.Message | Should -Match 'MIMECASTJOURNALING_STORE'
    }

    It 'says DNS, proxy or firewall when Exchange Online cannot be reached' {
        $secret = ConvertTo-SecureString 'not-a-real-secret' -AsPlainText -Force
        $err = { Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 11111111-1111-1111-1111-111111111111 -ClientSecret $secret `
                -AuthorityHost https://login.unreachable.invalid/ -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'O365ConnectionFailed*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        "$err" | Should -Match 'DNS'
        "$err" | Should -Match 'proxy'
        "$err" | Should -Match 'firewall'
        "$err" | Should -Match 'login\.unreachable\.invalid'
        "$err" | Should -Not -Match 'not-a-real-secret'
    }
}

Describe 'Send-JournalTestMessage names what the definition needs' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        New-JournalDefinition 'OnPrem' onprem@journal.contoso.com -SourceIpRange 127.0.0.1 -SmtpCredential (New-TestCredential) | Out-Null
        $script:Certificate = New-TestCertificate
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'names -UseTls (and -CertificateThumbprint) for a definition that requires TLS' {
        $result = Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $Port -WarningVariable warned 3>$null
        $result.StatusCode | Should -Be 530
        "$warned" | Should -Match 'requires TLS'
        "$warned" | Should -Match '-UseTls'
        "$warned" | Should -Match '-CertificateThumbprint'
    }

    It 'names -Credential for a definition that requires SMTP AUTH' {
        $result = Send-JournalTestMessage 'OnPrem' -SmtpServer 127.0.0.1 -Port $Port -UseTls -CertificateThumbprint $Certificate.Thumbprint -WarningVariable warned 3>$null
        $result.StatusCode | Should -Be 530
        "$warned" | Should -Match 'SMTP AUTH'
        "$warned" | Should -Match '-Credential'
        "$warned" | Should -Match 'exchange'   # the definition's user name
    }

    It 'shows a refused password once as the listener''s reply (535 5.7.8), not "535 535:"' {
        $result = Send-JournalTestMessage 'OnPrem' -SmtpServer 127.0.0.1 -Port $Port -UseTls -CertificateThumbprint $Certificate.Thumbprint `
            -Credential (New-TestCredential -Password 'wrong-password') -WarningVariable warned 3>$null
        $result.StatusCode | Should -Be 535
        $result.Response | Should -Be '5.7.8 Authentication credentials invalid'
        "$warned" | Should -Match 'refused the test message: 535 5\.7\.8 Authentication credentials invalid'
        "$warned" | Should -Not -Match '535 535'
        "$warned" | Should -Not -Match 'retry|wrong-password'
    }

    It 'suggests -CertificateThumbprint when the certificate is not trusted' {
        $err = { Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $Port -UseTls -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestMessageSendFailed*' -PassThru
        $err.Exception.Message | Should -Match '-CertificateThumbprint'
    }
}

Describe 'Mistakes that are no longer accepted silently' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'warns about a service address in a domain that is not registered, naming Register-JournalDomain' {
        $null = New-JournalDefinition 'Typo' journal@jornal.contoso.com -SourceIpRange 192.0.2.1 -WarningVariable warned 3>$null
        "$warned" | Should -Match 'jornal\.contoso\.com'
        "$warned" | Should -Match 'Register-JournalDomain -Name jornal\.contoso\.com'
        $null = New-JournalDefinition 'Right' right@journal.contoso.com -SourceIpRange 192.0.2.2 -WarningVariable clean 3>$null
        $clean | Should -BeNullOrEmpty
    }

    It 'warns that Exchange Online cannot do SMTP AUTH when the ranges are Exchange Online''s' {
        $null = New-JournalDefinition 'EXO auth' exoauth@journal.contoso.com -SourceIpRange 40.92.0.0/15, 40.107.0.0/16 `
            -SmtpCredential (New-TestCredential) -WarningVariable warned 3>$null
        "$warned" | Should -Match 'Exchange Online'
        "$warned" | Should -Match 'SMTP AUTH'
        $null = New-JournalDefinition 'OnPrem auth' onpremauth@journal.contoso.com -SourceIpRange 198.51.100.7 `
            -SmtpCredential (New-TestCredential) -WarningVariable clean 3>$null
        $clean | Should -BeNullOrEmpty
    }

    It 'accepts ranges given as one string with commas and spaces' {
        $definition = New-JournalDefinition 'One line' oneline@journal.contoso.com -SourceIpRange '40.92.0.0/15, 40.107.0.0/16 104.47.0.0/17' -WarningAction SilentlyContinue
        $definition.SourceIpRange | Should -Be @('40.92.0.0/15', '40.107.0.0/16', '104.47.0.0/17')
    }

    It 'strips the SMTP: prefix of an Exchange export' {
        $csv = Join-Path (Split-Path $Store) 'export.csv'
        @'
Address,Type,Mailbox
SMTP:carol@contoso.com,Mailbox,
smtp:c.smith@contoso.com,Alias,SMTP:carol@contoso.com
'@ | Set-Content -LiteralPath $csv
        Import-Csv $csv | Add-JournalInternalAddress
        (Get-JournalInternalAddress carol@contoso.com).EmailAddress | Should -Be 'carol@contoso.com'
        $alias = Get-JournalInternalAddress c.smith@contoso.com
        $alias.Type | Should -Be 'Alias'
        $alias.Mailbox | Should -Be 'carol@contoso.com'
    }

    It 'names the alias row whose mailbox is empty, with the documented error id' {
        $csv = Join-Path (Split-Path $Store) 'alias.csv'
        @'
Address,Type,Mailbox
alias1@contoso.com,Alias,
'@ | Set-Content -LiteralPath $csv
        Import-Csv $csv | Add-JournalInternalAddress -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AliasNeedsMailbox*'
        $failed[0].Exception.Message | Should -Match 'alias1@contoso\.com'
        $failed[0].Exception.Message | Should -Match 'Mailbox'
    }
}

Describe 'Exports and output' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'Contoso' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        $script:Fixture = Join-Path $RepoRoot 'tests/Fixtures/Reports/synthetic-bifurcated-fork1.eml'
        Import-JournalMessage -Path $Fixture -Definition 'Contoso' | Out-Null
        $script:Message = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        $script:Out = Join-Path (Split-Path $Store) 'export'
        New-Item -ItemType Directory -Path $Out | Out-Null
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'exports with mode 0600, also with -IncludeEnvelope and -Force over an existing file' {
        $plain = (Export-JournalMessage $Message.Id $Out).Files[0]
        $envelope = Export-JournalMessage $Message.Id $Out -IncludeEnvelope -IncludeBcc
        $existing = Join-Path $Out 'again.eml'
        Set-Content -LiteralPath $existing -Value 'x'
        & chmod 0644 $existing
        Rename-Item $plain.FullName 'keep.eml'
        Move-Item -LiteralPath $existing -Destination (Join-Path $Out "$($Message.Id).eml")
        $forced = (Export-JournalMessage $Message.Id $Out -Force).Files[0]
        $forced.Name | Should -Be "$($Message.Id).eml"
        $files = @(Get-ChildItem -LiteralPath $Out -File)
        $files.Count | Should -Be 3   # keep.eml, the report with its envelope, and the forced one
        foreach ($file in $files) {
            [int]$file.UnixFileMode | Should -Be ([Convert]::ToInt32('600', 8)) -Because "$($file.Name) should be 0600"
        }
    }

    It 'outputs one verified result that shows the count, the size, whether Bcc is in it, and the path' {
        Remove-Item (Join-Path $Out '*') -Force
        $result = Export-JournalMessage $Message.Id $Out -Format Zip -Manifest
        $table = $result | Format-Table | Out-String -Width 250
        $line = ($table -split "`n") | Where-Object { $_ -match '^\s*Zip ' }
        $line | Should -Match "^\s*Zip\s+1\s+1\s+$($Message.Size)\s+True\s+Left out\s+True\s+$([regex]::Escape($result.Path))"
        $result.Files.Name | Should -Be @((Split-Path $result.Path -Leaf), "$(Split-Path $result.Path -Leaf).manifest.csv", "$(Split-Path $result.Path -Leaf).manifest.json")
    }

    It 'shows Refused as 0 for a listener that refused nothing' {
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        try {
            $line = ($listener | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match "^\s*$($listener.Id) " }
            # Open, Received, Accepted and Refused: all 0.
            $line | Should -Match '\s0\s+0\s+0\s+0\s*$'
        } finally {
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }
    }

    It 'does not cut Get-JournalEvent columns in a 220-column terminal' {
        $long = 'A definition with a rather long descriptive name for the archive'
        New-JournalDefinition $long longname@journal.contoso.com -SourceIpRange 192.0.2.9 | Out-Null
        $text = Get-JournalEvent -First 20 | Format-Table | Out-String -Width 220
        $text | Should -Match ([regex]::Escape("Definition $long"))
        $text | Should -Not -Match '…'
    }

    It 'shows a report''s parts and a message''s reports as text, not type names' {
        $report = Read-JournalReport -Path $Fixture
        ($report.OriginalMessage | Format-List | Out-String) | Should -Not -Match 'ReadOnlyMemory'
        ($report.OriginalMessage | Format-List | Out-String) | Should -Match '\d+ bytes'
        ($Message | Format-List | Out-String -Width 200) | Should -Not -Match 'JournalContribution \{'
        "$($Message.Reports[0])" | Should -Match '^Report \d+ \(Archived\) from '
    }

    It 'has help that matches what exists: the listener is there, and the setup steps are separate paragraphs' {
        (Get-Help New-JournalDefinition -Full | Out-String) | Should -Not -Match 'to come'
        $description = (Get-Help Enable-O365Journaling).Description.Text
        foreach ($n in 1..5) { @($description | Where-Object { $_ -match "^$n\. " }).Count | Should -Be 1 -Because "step $n is its own paragraph" }
    }
}

Describe 'Test-JournalDomain says what it found' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        $script:Domain = Register-JournalDomain -Name wrong.contoso.test
        $script:Dns = Start-TestDnsServer -TxtRecord @{ 'wrong.contoso.test' = 'mimecastjournaling-verification=0123456789abcdef0123456789abcdef' }
    }
    AfterAll {
        Stop-TestDnsServer $Dns
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'lists the TXT records it found in its warning' {
        $null = Test-JournalDomain -Name wrong.contoso.test -DnsServer $Dns.Server -WarningVariable warn 3>$null
        "$warn" | Should -Match ([regex]::Escape($Domain.VerificationCode))
        "$warn" | Should -Match 'found: "mimecastjournaling-verification=0123456789abcdef0123456789abcdef"'
    }
}
