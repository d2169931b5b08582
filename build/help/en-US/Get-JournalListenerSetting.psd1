@{
    Synopsis    = 'Gets the installation-wide listener settings: the authorized source ranges and the Exchange Online ranges.'
    Description = @'
Get-JournalListenerSetting shows the settings that apply to every journal definition:
AuthorizedIpRange (source ranges every definition accepts in addition to its own SourceIpRange),
UseExchangeOnlineRanges (whether Microsoft's published Exchange Online ranges count too), the
loaded ExchangeOnlineRange list, when it was updated and from which file.
'@
    Parameters  = @{}
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalListenerSettings' = 'AuthorizedIpRange, UseExchangeOnlineRanges, ExchangeOnlineRange, ExchangeOnlineRangeUpdated and ExchangeOnlineRangeSource.'
    }
    Examples    = @(
        @{
            Title   = 'Show the settings'
            Code    = 'Get-JournalListenerSetting'
            Remarks = 'Shows the authorized ranges and whether, and since when, the Exchange Online ranges are in use.'
        }
        @{
            Title   = 'Warn when the Exchange Online ranges are old'
            Code    = @'
$settings = Get-JournalListenerSetting
if ($settings.UseExchangeOnlineRanges -and $settings.ExchangeOnlineRangeUpdated -lt (Get-Date).AddDays(-30)) { Write-Warning 'Refresh the Exchange Online ranges' }
'@
            Remarks = 'Microsoft changes its ranges from time to time; a runbook can refresh them monthly.'
        }
    )
    Links       = @('Set-JournalListenerSetting', 'Update-JournalExchangeOnlineRange', 'Start-JournalListener')
}
