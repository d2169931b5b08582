# The Microsoft Graph cmdlets (Get-O365AcceptedDomain, Sync-JournalDirectory) against the loopback
# emulator's /v1.0 endpoints, signed in with an Exchange token and a separate Graph token.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Emulator = Start-TestExchangeEmulator
    $null = Invoke-TestExchangeEmulator $Emulator 'graph-seed 1100'

    function Connect-WithTokens([switch] $NoGraphToken) {
        $exchange = ConvertTo-SecureString (Invoke-TestExchangeEmulator $Emulator 'token') -AsPlainText -Force
        $parameters = @{ TenantId = $Emulator.TenantId; AccessToken = $exchange; ExchangeEndpoint = $Emulator.Endpoint; GraphEndpoint = $Emulator.Endpoint }
        if (-not $NoGraphToken) {
            $parameters.GraphAccessToken = ConvertTo-SecureString (Invoke-TestExchangeEmulator $Emulator 'graph-token') -AsPlainText -Force
        }
        Connect-O365Journaling @parameters
    }

    # What the emulator's directory holds: the SMTP addresses in the tenant's mail domains.
    function Get-EmulatorAddresses([string[]] $Domains) {
        $users = Invoke-TestExchangeEmulator $Emulator 'graph-users' | ConvertFrom-Json
        @($users | ForEach-Object {
                @($_.ProxyAddresses | Where-Object { $_ -like 'smtp:*' } | ForEach-Object { $_.Substring(5).ToLowerInvariant() }) + @($_.Mail | Where-Object { $_ })
            } | Where-Object { $_.Split('@')[1] -in $Domains } | Sort-Object -Unique)
    }
}
AfterAll {
    Disconnect-O365Journaling
    Stop-TestExchangeEmulator $Emulator
}

Describe 'Importing the module' {
    It 'loads no Microsoft Graph assembly until a Graph cmdlet runs, and then only into the module''s own load context' {
        $token = Invoke-TestExchangeEmulator $Emulator 'token'
        $graphToken = Invoke-TestExchangeEmulator $Emulator 'graph-token'
        $child = Invoke-ChildPwsh -Arguments @($ModuleManifest, $Emulator.Endpoint, $Emulator.TenantId, $token, $graphToken) -Script @'
param($Manifest, $Endpoint, $Tenant, $Token, $GraphToken)
$ErrorActionPreference = 'Stop'
function GraphIn([string] $Context) {
    @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq $Context | ForEach-Object { $_.Assemblies.GetName().Name } |
        Where-Object { $_ -like 'Microsoft.Graph*' -or $_ -like 'Microsoft.Kiota*' })
}
Import-Module $Manifest
$afterImport = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { $_ -like 'Microsoft.Graph*' -or $_ -like 'Microsoft.Kiota*' })
Connect-O365Journaling -TenantId $Tenant -ExchangeEndpoint $Endpoint -GraphEndpoint $Endpoint `
    -AccessToken (ConvertTo-SecureString $Token -AsPlainText -Force) -GraphAccessToken (ConvertTo-SecureString $GraphToken -AsPlainText -Force)
$afterConnect = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { $_ -like 'Microsoft.Graph*' })
$domains = @(Get-O365AcceptedDomain)
@{ AfterImport = $afterImport; AfterConnect = $afterConnect; Private = GraphIn 'MimecastJournaling'; Default = GraphIn 'Default'; Domains = $domains.Count } | ConvertTo-Json -Compress
'@
        $child.ExitCode | Should -Be 0 -Because $child.Stderr
        @($child.Result.AfterImport) | Should -BeNullOrEmpty
        @($child.Result.AfterConnect) | Should -BeNullOrEmpty
        $child.Result.Domains | Should -Be 2
        @($child.Result.Private) | Should -Contain 'Microsoft.Graph'
        @($child.Result.Private) | Should -Contain 'Microsoft.Kiota.Abstractions'
        @($child.Result.Default) | Should -BeNullOrEmpty
    }
}

Describe 'Get-O365AcceptedDomain' {
    AfterEach {
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-allow'
        Disconnect-O365Journaling
    }

    It 'lists the verified mail domains from Graph, default first' {
        Connect-WithTokens
        $domains = @(Get-O365AcceptedDomain)
        $domains.DomainName | Should -Be @('contoso.com', 'contoso.onmicrosoft.com')
        $domains[0].IsDefault | Should -BeTrue
        $domains[1].IsInitial | Should -BeTrue
        $domains.Source | ForEach-Object { "$_" } | Should -Be @('Graph', 'Graph')
        (Get-O365AcceptedDomain -DomainName '*.onmicrosoft.com').DomainName | Should -Be 'contoso.onmicrosoft.com'
    }

    It 'shows a table of DomainName, IsDefault, IsInitial, IsVerified, Source' {
        Connect-WithTokens
        $header = (Get-O365AcceptedDomain | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -First 1
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be @('DomainName', 'IsDefault', 'IsInitial', 'IsVerified', 'Source')
    }

    It 'falls back to Exchange''s Get-AcceptedDomain when Graph answers 403, and says so in Verbose' {
        Connect-WithTokens
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-deny'
        $domains = @(Get-O365AcceptedDomain -Verbose 4>&1)
        $verbose = $domains | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $objects = @($domains | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $objects.DomainName | Should -Be @('contoso.com', 'contoso.onmicrosoft.com')
        $objects.Source | ForEach-Object { "$_" } | Should -Be @('Exchange', 'Exchange')
        ($verbose.Message -join "`n") | Should -Match 'Domain\.Read\.All'
        ($verbose.Message -join "`n") | Should -Match 'Get-AcceptedDomain'
    }

    It 'uses Exchange when the session has no Graph token' {
        Connect-WithTokens -NoGraphToken
        (Get-O365JournalingConnection).GraphAvailable | Should -BeFalse
        $verbose = Get-O365AcceptedDomain -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'no Microsoft Graph token'
    }

    It 'a name that is not a domain of the tenant is a non-terminating ObjectNotFound error' {
        Connect-WithTokens
        $found = Get-O365AcceptedDomain -DomainName contoso.com, fabrikam.example -ErrorVariable errors -ErrorAction SilentlyContinue
        $found.DomainName | Should -Be 'contoso.com'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'O365AcceptedDomainNotFound,*'
    }
}

Describe 'Sync-JournalDirectory' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        Connect-WithTokens
        $script:TenantDomains = @((Get-O365AcceptedDomain).DomainName)
    }
    AfterAll {
        Disconnect-O365Journaling
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'without a Graph token it stops and says how to connect' {
        Connect-WithTokens -NoGraphToken
        try {
            $err = { Sync-JournalDirectory } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'GraphNotAvailable,*'
            $err.Exception.Message | Should -Match '-GraphAccessToken'
            @(Get-JournalInternalAddress).Count | Should -Be 0
        } finally {
            Connect-WithTokens
        }
    }

    It 'when Graph refuses, it stops with PermissionDenied and the permissions to grant, and changes nothing' {
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-deny'
        try {
            $err = { Sync-JournalDirectory } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'GraphAccessDenied,*'
            "$($err.CategoryInfo.Category)" | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -Match 'Authorization_RequestDenied'
            $err.ErrorDetails.RecommendedAction | Should -Match 'User\.Read\.All'
            @(Get-JournalDomain).Count | Should -Be 0
        } finally {
            $null = Invoke-TestExchangeEmulator $Emulator 'graph-allow'
        }
    }

    It '-WhatIf on the first run changes nothing' {
        Sync-JournalDirectory -WhatIf | Should -BeNullOrEmpty
        @(Get-JournalDomain).Count | Should -Be 0
        @(Get-JournalInternalAddress).Count | Should -Be 0
    }

    It 'a full first sync registers the mail domains and imports every user''s SMTP addresses' {
        Register-JournalDomain -Name contoso.com | Out-Null
        Add-JournalInternalAddress -Address printer@contoso.com, user00007@contoso.com -DisplayName 'By hand'
        $result = Sync-JournalDirectory
        $result.Delta | Should -BeFalse
        $result.Users | Should -Be 1101
        $result.DomainsAdded | Should -Be 1
        $result.Domains | Should -Be @('contoso.onmicrosoft.com')
        $expected = Get-EmulatorAddresses $TenantDomains
        $expected.Count | Should -Be 2311   # admin, 2 per user, an alias on every 10th
        $stored = @(Get-JournalInternalAddress | Where-Object Source -eq 'Graph')
        ($stored.Count + 1) | Should -Be $expected.Count   # user00007@ stays the hand-added one
        $result.AddressesAdded | Should -Be ($expected.Count - 1)
        $result.Unchanged | Should -Be 1
        (Get-JournalInternalAddress -Address user00007@contoso.com).Source | Should -Be 'Manual'
        (Get-JournalInternalAddress -Address alias.user00010@contoso.com).Mailbox | Should -Be 'user00010@contoso.com'
        # lync.contoso.com takes no mail in the tenant: its addresses are skipped with the reason.
        $result.Skipped | Should -Be 110
        ($result.SkippedAddresses.Reason | Sort-Object -Unique) | Should -Be 'OutsideRegisteredDomains'
        (Get-JournalDomain contoso.onmicrosoft.com).Verified | Should -BeFalse
    }

    It 'shows its progress while it reads the users' {
        # Progress cannot be redirected: run it in a second runspace of this process (the connection
        # is the process's) and read that runspace's progress stream.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Sync-JournalDirectory -Store '$Store' -Full -WhatIf")
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $status = $ps.Streams.Progress.StatusDescription -join "`n"
        } finally {
            $ps.Dispose()
        }
        $status | Should -Match 'Reading users from Microsoft Graph: page 2, 1101 so far'
    }

    It 'the second sync reads only the changes and reports exactly them' {
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-add-user new.hire@contoso.com new.hire@contoso.com SMTP:new.hire@contoso.com,smtp:nh@contoso.com'
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-set-proxy user00002@contoso.com SMTP:user00002@contoso.com,smtp:second.name@contoso.com'
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-remove-user user00003@contoso.com'
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-remove-user user00007@contoso.com'
        $result = Sync-JournalDirectory
        $result.Delta | Should -BeTrue
        $result.Users | Should -Be 4
        # new.hire@ and nh@, second.name@ | user00002@contoso.onmicrosoft.com, user00003@ x2 | user00007@onmicrosoft
        $result.AddressesAdded | Should -Be 3
        $result.AddressesRemoved | Should -Be 4
        $result.DomainsAdded | Should -Be 0
        Get-JournalInternalAddress -Address user00003@contoso.com -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-JournalInternalAddress -Address nh@contoso.com).Mailbox | Should -Be 'new.hire@contoso.com'
        # The hand-added address of a deleted user stays.
        (Get-JournalInternalAddress -Address user00007@contoso.com).Source | Should -Be 'Manual'
        @(Get-JournalInternalAddress | Where-Object Source -eq 'Graph').Count | Should -Be (Get-EmulatorAddresses $TenantDomains).Count
        (Get-JournalEvent | Where-Object ObjectType -eq 'DirectorySync' | Select-Object -First 1).Property | Should -Be 'Delta'
    }

    It 'with nothing changed, the next sync is a delta with no changes' {
        $result = Sync-JournalDirectory
        $result.Delta | Should -BeTrue
        ($result.Users, $result.AddressesAdded, $result.AddressesRemoved) | Should -Be @(0, 0, 0)
    }

    It '-WhatIf after changes changes nothing, and the next real run still sees the changes' {
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-remove-user user00004@contoso.com'
        $before = @(Get-JournalInternalAddress).Count
        $events = @(Get-JournalEvent).Count
        Sync-JournalDirectory -WhatIf | Should -BeNullOrEmpty
        @(Get-JournalInternalAddress).Count | Should -Be $before
        @(Get-JournalEvent).Count | Should -Be $events
        $result = Sync-JournalDirectory
        ($result.Delta, $result.AddressesRemoved) | Should -Be @($true, 2)
    }

    It '-Full resyncs everything, removes synced addresses that are gone and keeps the hand-added ones' {
        # An address an admin took over by hand, and a user who leaves: -Full reads everyone.
        Remove-JournalInternalAddress -Address user00005@contoso.onmicrosoft.com
        Add-JournalInternalAddress -Address user00005@contoso.onmicrosoft.com
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-remove-user user00006@contoso.com'
        $result = Sync-JournalDirectory -Full
        $result.Delta | Should -BeFalse
        $result.Users | Should -Be 1098
        $result.AddressesAdded | Should -Be 0
        $result.AddressesRemoved | Should -Be 2
        Get-JournalInternalAddress -Address user00006@contoso.com -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $result.Unchanged | Should -Be (Get-EmulatorAddresses $TenantDomains).Count
        (Get-JournalInternalAddress -Address printer@contoso.com).Source | Should -Be 'Manual'
        (Get-JournalInternalAddress -Address user00005@contoso.onmicrosoft.com).Source | Should -Be 'Manual'
    }

    It 'an expired delta link leads to a full read, said in Verbose' {
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-expire-delta'
        $output = Sync-JournalDirectory -Verbose 4>&1
        $verbose = ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $result = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose | Should -Match 'no longer knows'
        $result.Delta | Should -BeFalse
        ($result.AddressesAdded, $result.AddressesRemoved) | Should -Be @(0, 0)
    }

    It 'the summary is a one-line table' {
        $text = Sync-JournalDirectory | Out-String -Width 140
        $text | Should -Match 'Delta\s+Users\s+DomainsAdded\s+AddressesAdded\s+AddressesUpdated\s+AddressesRemoved\s+Unchanged\s+Skipped'
    }

    It 'never shows a token or the delta link' {
        $text = (Get-JournalEvent | Out-String -Width 400) + (Sync-JournalDirectory -Verbose 4>&1 | Out-String -Width 400)
        $text | Should -Not -Match 'deltatoken'
        # Every token the emulator issued (JWTs, Exchange and Graph audience), not even a signature part.
        $tokens = @(Get-EmulatorIssuedToken $Emulator)
        $tokens.Count | Should -BeGreaterThan 0
        foreach ($token in $tokens) {
            $text.Contains($token.Split('.')[2]) | Should -BeFalse -Because 'an access token must never be written to any stream'
        }
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.eyJ' -Because 'no JWT of any kind'
    }
}

Describe 'Sync-JournalDirectory and Ctrl+C (a real SIGINT at a terminal)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Terminal.ps1')
        $script:Store = New-TestStore
        $script:Terminal = Start-TerminalPwsh
    }
    AfterAll {
        Stop-TerminalPwsh $Terminal
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-page-delay 0'
        Remove-TestStore $Store
    }

    It 'stops while Graph is slow to answer, at once rather than when the page comes, and changes nothing' {
        $folder = Split-Path $Store
        $pidFile = Join-Path $folder 'terminal.pid'
        $marker = Join-Path $folder 'back'
        $token = Invoke-TestExchangeEmulator $Emulator 'token'
        $graphToken = Invoke-TestExchangeEmulator $Emulator 'graph-token'
        Send-TerminalLine $Terminal ("Import-Module '$ModuleManifest'; Set-Content -LiteralPath '$pidFile' -Value `$PID; " +
            "Connect-O365Journaling -TenantId '$($Emulator.TenantId)' -ExchangeEndpoint '$($Emulator.Endpoint)' -GraphEndpoint '$($Emulator.Endpoint)' " +
            "-AccessToken (ConvertTo-SecureString '$token' -AsPlainText -Force) -GraphAccessToken (ConvertTo-SecureString '$graphToken' -AsPlainText -Force) | Out-Null")
        Wait-Until { Read-TerminalFile $pidFile } -Seconds 60 | Should -BeTrue -Because (Get-TerminalScreen $Terminal)
        $null = Invoke-TestExchangeEmulator $Emulator 'graph-page-delay 60000'
        Send-TerminalLine $Terminal "Sync-JournalDirectory -Store '$Store' -Full; Set-Content -LiteralPath '$marker' -Value finished"
        # The domains come at once; the first page of users takes a minute.
        Start-Sleep -Seconds 4

        $clock = [Diagnostics.Stopwatch]::StartNew()
        & kill -INT ([int](Read-TerminalFile $pidFile))
        $back = Wait-Until {
            $last = @((Get-TerminalScreen $Terminal) -split "`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
            $last -match '^PS .*> ?$'
        } -Seconds 50
        $seconds = $clock.Elapsed.TotalSeconds

        $back | Should -BeTrue -Because "Ctrl+C should stop the sync before Graph's page comes. Screen:`n$(Get-TerminalScreen $Terminal)"
        $seconds | Should -BeLessThan 15
        Read-TerminalFile $marker | Should -BeNullOrEmpty -Because 'the rest of the line does not run after Ctrl+C'
        @(Get-JournalInternalAddress -Store $Store).Count | Should -Be 0 -Because 'a sync is one unit of work: stopped, it changes nothing'
        @(Get-JournalDomain -Store $Store).Count | Should -Be 0
    }
}
