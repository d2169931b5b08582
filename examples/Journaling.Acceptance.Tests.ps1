#Requires -Modules MimecastJournaling
<#
.SYNOPSIS
    Journaling acceptance: asserts that Exchange journaling reaches the archive, end to end.
.DESCRIPTION
    Copy this file into your own test suite and run it with Pester 5 after every change, on a
    schedule, or as a release gate. It asserts, for one journal definition:

      ExchangeOnline  the tenant's side is in place and matches the definition: the journal
                      contact, the validated partner connector to -SmartHost, the NDR (alternate
                      journaling) recipient and an enabled journal rule (Test-O365Journaling);
      Listener        the definition is enabled, not in Error or Down, and its queue of reports
                      waiting to be archived is below -MaxQueueLength (Get-JournalDefinition);
      Probe           a probe journal report sent to the listener the way Exchange Online sends it
                      (STARTTLS, the certificate checked) is answered 250 and appears in the archive
                      within -ProbeTimeoutSeconds; afterwards the definition's status is OK
                      (Test-JournalConnector).

    Run it where the store is reachable (the listener's host, or a host sharing the store). Leave
    a part out with Pester's tags, e.g. -ExcludeTagFilter ExchangeOnline for on-premises Exchange.

    Invoke-Pester -Container (New-PesterContainer -Path ./Journaling.Acceptance.Tests.ps1 -Data @{
        Definition = 'Exchange Online journaling'
        SmartHost  = 'archive.contoso.com'
        Connection = @{ TenantId = 'contoso.onmicrosoft.com'; ClientId = '<app id>'; CertificateThumbprint = '<thumbprint>' }
    }) -Output Detailed
#>
param(
    # The journal definition (its Description) under test.
    [Parameter(Mandatory)] [string] $Definition,

    # The smart host(s) Exchange Online delivers journal reports to (the partner connector's).
    [Parameter(Mandatory)] [string[]] $SmartHost,

    # The store of the definition; default: $env:MIMECASTJOURNALING_STORE, then the per-user store.
    [string] $Store,

    # Where the probe is sent; default: the first smart host, port 25.
    [string] $SmtpServer,
    [int] $Port = 25,

    # Trust this certificate (thumbprint) for the probe instead of the system's roots (a private CA, a test).
    [string] $CertificateThumbprint,

    # SMTP AUTH for definitions that require it.
    [pscredential] $Credential,

    # Parameters for Connect-O365Journaling (TenantId, ClientId, CertificateThumbprint, ...); omit it
    # when the session is connected already.
    [hashtable] $Connection,

    # The NDR recipient Exchange Online should have (JournalingReportNdrTo); default: not checked.
    [string] $NdrRecipient,

    [int] $ProbeTimeoutSeconds = 120,
    [int] $MaxQueueLength = 200
)

BeforeAll {
    $script:StoreParameter = if ($Store) { @{ Store = $Store } } else { @{} }
    $script:ProbeServer = if ($SmtpServer) { $SmtpServer } else { $SmartHost[0] }
}

Describe "Exchange Online journals to '$Definition'" -Tag ExchangeOnline {
    BeforeAll {
        if ($Connection) { Connect-O365Journaling @Connection | Out-Null }
        $parameters = @{ Definition = $Definition; SmartHost = $SmartHost } + $StoreParameter
        if ($NdrRecipient) { $parameters.NdrRecipient = $NdrRecipient }
        $script:Tenant = Test-O365Journaling @parameters
    }

    It 'has the contact, the validated partner connector, the NDR recipient and the journal rule the definition needs' {
        $Tenant.Passed | Should -BeTrue -Because "Test-O365Journaling found: $(($Tenant.Drift | ForEach-Object { "$_" }) -join '; ')"
    }
}

Describe "The journal definition '$Definition'" -Tag Listener {
    BeforeAll {
        $script:Journal = Get-JournalDefinition $Definition @StoreParameter
    }

    It 'is enabled' {
        $Journal.Disabled | Should -BeFalse
    }

    It 'is neither in Error nor Down' {
        "$($Journal.Status)" | Should -BeIn @('OK', 'AwaitingInitialRun') -Because "its status reason is: $($Journal.StatusReason)"
    }

    It "has fewer than $MaxQueueLength reports waiting to be archived" {
        $Journal.QueueLength | Should -BeLessThan $MaxQueueLength
    }
}

Describe "A probe report for '$Definition'" -Tag Probe {
    BeforeAll {
        $parameters = @{ Definition = $Definition; SmtpServer = $ProbeServer; Port = $Port; TimeoutSeconds = $ProbeTimeoutSeconds } + $StoreParameter
        if ($CertificateThumbprint) { $parameters.CertificateThumbprint = $CertificateThumbprint }
        if ($Credential) { $parameters.Credential = $Credential }
        $script:Probe = Test-JournalConnector @parameters
    }

    It 'is accepted over TLS with a good certificate and archived' {
        $Probe.Passed | Should -BeTrue -Because "the failed checks were: $(($Probe.Checks | Where-Object { -not $_.Passed } | ForEach-Object { "$_" }) -join '; ')"
    }

    It 'leaves the definition OK' {
        "$((Get-JournalDefinition $Definition @StoreParameter).Status)" | Should -Be 'OK'
    }
}
