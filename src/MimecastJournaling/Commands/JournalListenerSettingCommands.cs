using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Get, "JournalListenerSetting")]
[OutputType(typeof(JournalListenerSettings))]
public sealed class GetJournalListenerSettingCommand : JournalCmdlet
{
    protected override void ProcessRecord() => Try(() => WriteObject(Configuration.GetListenerSettings()));
}

[Cmdlet(VerbsCommon.Set, "JournalListenerSetting", SupportsShouldProcess = true)]
[OutputType(typeof(JournalListenerSettings))]
public sealed class SetJournalListenerSettingCommand : JournalCmdlet
{
    /// <summary>Source ranges (CIDR) every definition accepts in addition to its own SourceIpRange.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? AuthorizedIpRange { get; set; }

    /// <summary>Accept Microsoft's published Exchange Online ranges for every definition (load them with Update-JournalExchangeOnlineRange).</summary>
    [Parameter]
    public bool UseExchangeOnlineRanges { get; set; }

    /// <summary>The header fields that carry a report's Exchange Online tenant (for definitions with a TenantId); empty restores the default.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? TenantStampHeader { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var bound = MyInvocation.BoundParameters;
        bool? useExchangeOnline = bound.ContainsKey(nameof(UseExchangeOnlineRanges)) ? UseExchangeOnlineRanges : null;
        if (ShouldProcess("listener settings", "Set " + string.Join(", ", bound.Keys.Where(k => k is nameof(AuthorizedIpRange) or nameof(UseExchangeOnlineRanges) or nameof(TenantStampHeader)))))
        {
            var result = Configuration.SetListenerSettings(bound.ContainsKey(nameof(AuthorizedIpRange)) ? AuthorizedIpRange ?? [] : null, useExchangeOnline,
                bound.ContainsKey(nameof(TenantStampHeader)) ? TenantStampHeader ?? [] : null);
            if (PassThru)
            {
                WriteObject(result);
            }
        }
    });
}

[Cmdlet(VerbsData.Update, "JournalExchangeOnlineRange", SupportsShouldProcess = true)]
[OutputType(typeof(JournalListenerSettings))]
public sealed class UpdateJournalExchangeOnlineRangeCommand : JournalCmdlet
{
    /// <summary>Microsoft's endpoints list (JSON), saved from the Microsoft 365 IP Address and URL web service.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    public string Path { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        var file = GetUnresolvedProviderPathFromPSPath(Path);
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalConfigurationException("EndpointListUnreadable", JournalErrorKind.InvalidArgument,
                $"Cannot read '{file}': {e.Message}", file, e);
        }
        if (ShouldProcess(file, "Replace the Exchange Online ranges with the port-25 Exchange ranges of this endpoints list"))
        {
            WriteObject(Configuration.UpdateExchangeOnlineRanges(json, file));
        }
    });
}
