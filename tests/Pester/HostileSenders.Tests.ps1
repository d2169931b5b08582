# Issue 15 as an admin sees it: binding a definition to its Exchange Online tenant (-TenantId,
# -TenantStampHeader), and reports wrapped in other messages (Import-JournalMessage -TrustWrappedReport).
# The messages are synthetic, built here from the fixture reports.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $PSScriptRoot '../Fixtures/Reports'
    $script:TenantA = '9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60'
    $script:TenantB = '0b6a2c55-1111-4e2f-9d3a-7c1e2f3a4b5c'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "hostile-$PID"
    New-Item -ItemType Directory -Path $Work -Force | Out-Null
    $report = [IO.File]::ReadAllText((Join-Path $Reports 'synthetic-bifurcated-fork1.eml'))

    # A plain message from a stranger with the journal report attached.
    $script:Carrier = Join-Path $Work 'carrier.eml'
    [IO.File]::WriteAllText($Carrier, (@(
        'From: mallory@fabrikam.com', 'To: journal@journal.contoso.com', 'Subject: Please archive',
        'Message-ID: <forged-carrier-0002@fabrikam.com>', 'Date: Wed, 05 Mar 2025 09:00:00 +0000', 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="carrier"', '', '--carrier', 'Content-Type: text/plain', '', 'See attached.', '',
        '--carrier', 'Content-Type: message/rfc822', '') -join "`r`n") + "`r`n" + $report + "`r`n--carrier--`r`n")
    # The report as tenant B's Exchange Online would stamp it.
    $script:FromTenantB = Join-Path $Work 'tenant-b.eml'
    [IO.File]::WriteAllText($FromTenantB, "X-MS-Exchange-CrossTenant-Id: $TenantB`r`n" + $report)
    $script:FromTenantA = Join-Path $Work 'tenant-a.eml'
    [IO.File]::WriteAllText($FromTenantA, "X-MS-Exchange-CrossTenant-Id: $TenantA`r`n" + $report)
}
AfterAll {
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Tenant binding' {
    BeforeEach { $script:Store = Use-ContosoStore -Address bob@contoso.com, dave@contoso.com }
    AfterEach { Remove-ContosoStore $Store }

    It 'New-/Set-JournalDefinition -TenantId store the tenant GUIDs (normalised), log the change, and @() removes them' {
        $d = New-JournalDefinition 'EXO' journal@journal.contoso.com -TenantId $TenantA.ToUpperInvariant()
        $d.TenantId | Should -Be @($TenantA)
        (Get-JournalDefinition 'EXO').TenantId | Should -Be @($TenantA)
        (Set-JournalDefinition 'EXO' -TenantId $TenantA, $TenantB -PassThru).TenantId | Should -Be @($TenantA, $TenantB)
        Get-JournalEvent | Where-Object Property -EQ 'TenantId' | Select-Object -Last 1 -ExpandProperty NewValue | Should -Be "$TenantA, $TenantB"
        (Set-JournalDefinition 'EXO' -TenantId @() -PassThru).TenantId | Should -BeNullOrEmpty
    }

    It 'refuses a tenant domain name in -TenantId with InvalidTenantId / InvalidArgument and says where to find the GUID' {
        New-JournalDefinition 'EXO' journal@journal.contoso.com -TenantId contoso.onmicrosoft.com -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTenantId*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'Tenant ID'
        Get-JournalDefinition | Should -BeNullOrEmpty
    }

    It 'a bound definition archives its own tenant''s report and rejects another tenant''s with Rule TenantId' {
        New-JournalDefinition 'EXO' journal@journal.contoso.com -TenantId $TenantA | Out-Null
        $outcomes = @(Import-JournalMessage -LiteralPath $FromTenantA, $FromTenantB -Definition 'EXO' -PassThru | Where-Object { $_ -isnot [MimecastJournaling.Commands.JournalImportSummary] })
        "$($outcomes[0].Outcome)" | Should -Be 'Archived'
        "$($outcomes[1].Outcome)" | Should -Be 'Rejected'
        $outcomes[1].Rule | Should -Be 'TenantId'
        $outcomes[1].Reason | Should -Match $TenantB
    }

    It 'Set-JournalListenerSetting -TenantStampHeader names the stamp fields; @() restores the default; a bad name is refused' {
        (Get-JournalListenerSetting).TenantStampHeader | Should -Be @('X-MS-Exchange-CrossTenant-Id')
        (Set-JournalListenerSetting -TenantStampHeader X-Tenant-Stamp -PassThru).TenantStampHeader | Should -Be @('X-Tenant-Stamp')
        New-JournalDefinition 'EXO' journal@journal.contoso.com -TenantId $TenantA | Out-Null
        # The report's X-MS-Exchange-CrossTenant-Id no longer counts: it has no X-Tenant-Stamp.
        $outcome = Import-JournalMessage -LiteralPath $FromTenantA -Definition 'EXO' -PassThru | Select-Object -First 1
        "$($outcome.Outcome)" | Should -Be 'Rejected'
        (Set-JournalListenerSetting -TenantStampHeader @() -PassThru).TenantStampHeader | Should -Be @('X-MS-Exchange-CrossTenant-Id')
        Set-JournalListenerSetting -TenantStampHeader 'Bad Name:' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTenantStampHeader*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Wrapped reports' {
    BeforeEach {
        $script:Store = Use-ContosoStore -Address bob@contoso.com, dave@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -JournalNonInternalAddresses | Out-Null
    }
    AfterEach { Remove-ContosoStore $Store }

    It 'a journal report attached to a plain message is archived as that message, with a defect, not as the report' {
        $outcome = Import-JournalMessage -LiteralPath $Carrier -Definition 'EXO' -PassThru | Select-Object -First 1
        "$($outcome.Outcome)" | Should -Be 'Archived'
        $outcome.Format | Should -Be 'Standard'
        $outcome.MessageId | Should -Be 'forged-carrier-0002@fabrikam.com'
        $outcome.Defects -join ' ' | Should -Match 'not a delivery status notification'
        Get-JournalMessage | Where-Object MessageId -EQ 'synthetic-fork-0001@contoso.com' | Should -BeNullOrEmpty
    }

    It 'with -TrustWrappedReport the same file is unwrapped to the report it carries' {
        $outcome = Import-JournalMessage -LiteralPath $Carrier -Definition 'EXO' -TrustWrappedReport -PassThru | Select-Object -First 1
        $outcome.Format | Should -Be 'Envelope'
        $outcome.MessageId | Should -Be 'synthetic-fork-0001@contoso.com'
    }

    It 'the organisation''s own non-delivery report is unwrapped without the switch' {
        $outcome = Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-ndr-wrapped.eml') -Definition 'EXO' -PassThru | Select-Object -First 1
        $outcome.Format | Should -Be 'Envelope'
        $outcome.MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
    }
}
