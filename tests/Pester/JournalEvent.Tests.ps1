# The event log as an auditor reads it: who changed what, from what to what, newest first.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $Store
    Register-JournalDomain -Name journal.contoso.test | Out-Null
    New-JournalDefinition 'Audit' audit@journal.contoso.test -DeliveryWaitAttempts 3 | Out-Null
    New-JournalDefinition 'Gone' gone@journal.contoso.test | Out-Null
    Set-JournalDefinition 'Audit' -DeliveryWaitAttempts 7 -SourceIpRange 192.0.2.0/24, 198.51.100.0/24 -InitialProcessDelay 15 -JournalType StandardEml
    Disable-JournalDefinition 'Audit'
    Enable-JournalDefinition 'Audit'
    Remove-JournalDefinition 'Gone' -Confirm:$false
    $script:Marker = [DateTime]::Now
    # Events after the marker; the store keeps times to well below a second, so wait until the clock moved on.
    while ([DateTime]::Now -le $Marker.AddMilliseconds(20)) { Start-Sleep -Milliseconds 5 }
    Set-JournalDefinition 'Audit' -InactivityPeriod 60
    Disable-JournalDefinition 'Audit'
}

AfterAll {
    Remove-TestStore $Store
    Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
}

Describe 'Get-JournalEvent' {
    It 'records the creation of each definition and domain, with the user' {
        $created = Get-JournalEvent | Where-Object Action -eq 'Created'
        ($created | Where-Object ObjectType -eq 'Definition').ObjectName | Sort-Object | Should -Be @('Audit', 'Gone')
        ($created | Where-Object ObjectType -eq 'Domain').ObjectName | Should -Be 'journal.contoso.test'
        $created.User | Select-Object -Unique | Should -Be ([Environment]::UserName)
    }

    It 'records each changed property with old -> new' {
        $changes = Get-JournalEvent -Definition 'Audit' | Where-Object Action -eq 'Changed'
        $byProperty = @{}
        foreach ($c in $changes) { $byProperty[$c.Property] = $c }
        $byProperty['DeliveryWaitAttempts'].OldValue | Should -Be '3'
        $byProperty['DeliveryWaitAttempts'].NewValue | Should -Be '7'
        $byProperty['SourceIpRange'].OldValue | Should -BeNullOrEmpty
        $byProperty['SourceIpRange'].NewValue | Should -Be '192.0.2.0/24, 198.51.100.0/24'
        $byProperty['InitialProcessDelay'].OldValue | Should -Be '00:00:00'
        $byProperty['InitialProcessDelay'].NewValue | Should -Be '00:15:00'
        $byProperty['JournalType'].NewValue | Should -Be 'StandardEml'
        $byProperty['InactivityPeriod'].OldValue | Should -Be '03:00:00'
        $byProperty['InactivityPeriod'].NewValue | Should -Be '01:00:00'
        # Only what changed: untouched properties have no events.
        $byProperty.Keys | Sort-Object | Should -Be @('DeliveryWaitAttempts', 'InactivityPeriod', 'InitialProcessDelay', 'JournalType', 'SourceIpRange')
        $table = Get-JournalEvent -Definition 'Audit' | Format-Table | Out-String -Width 250
        $table | Should -Match 'DeliveryWaitAttempts\s+3 -> 7'
    }

    It 'records each Disabled toggle as Action Disabled / Enabled' {
        $toggles = Get-JournalEvent -Definition 'Audit' | Where-Object Property -eq 'Disabled'
        $toggles.Action | Should -Be @('Disabled', 'Enabled', 'Disabled')   # newest first
        $toggles[0].OldValue | Should -Be 'False'
        $toggles[0].NewValue | Should -Be 'True'
        $toggles[1].OldValue | Should -Be 'True'
        $toggles[1].NewValue | Should -Be 'False'
    }

    It 'filters by -Definition, also for a removed definition' {
        $gone = Get-JournalEvent -Definition 'Gone'
        $gone.Action | Should -Be @('Removed', 'Created')
        $gone.ObjectName | Select-Object -Unique | Should -Be 'Gone'
        (Get-JournalEvent -Definition 'Audit').ObjectName | Select-Object -Unique | Should -Be 'Audit'
    }

    It 'reports an unknown -Definition as ObjectNotFound' {
        Get-JournalEvent -Definition 'Never existed' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'returns only later events with -After' {
        $late = Get-JournalEvent -After $Marker
        @($late).Count | Should -Be 2
        $late[0].Action | Should -Be 'Disabled'
        $late[1].Property | Should -Be 'InactivityPeriod'
        foreach ($e in $late) { $e.Time | Should -BeGreaterThan ([DateTimeOffset]$Marker) }
    }

    It 'returns the newest N with -First, and lists newest first' {
        $all = Get-JournalEvent
        $first = Get-JournalEvent -First 3
        @($first).Count | Should -Be 3
        $first.Id | Should -Be $all[0..2].Id
        for ($i = 1; $i -lt $all.Count; $i++) {
            $all[$i - 1].Time | Should -BeGreaterOrEqual $all[$i].Time
            $all[$i - 1].Id | Should -BeGreaterThan $all[$i].Id
        }
        $all[0].Action | Should -Be 'Disabled'
        (Get-JournalEvent -Definition Audit -First 1).Action | Should -Be 'Disabled'
    }
}
