using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Domains;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsLifecycle.Register, "JournalDomain", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDomain))]
public sealed class RegisterJournalDomainCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "DomainName")]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() =>
            {
                if (ShouldProcess(name, "Register domain"))
                {
                    var domain = Configuration.RegisterDomain(name);
                    WriteVerbose($"Publish this DNS TXT record at {domain.Name}, then run Test-JournalDomain: {domain.VerificationCode}");
                    WriteObject(domain);
                }
            });
        }
    }
}

[Cmdlet(VerbsCommon.Get, "JournalDomain")]
[OutputType(typeof(JournalDomain))]
public sealed class GetJournalDomainCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "DomainName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var domain in Filter(Configuration.GetDomains(), d => d.Name, Name, NotFound))
        {
            WriteObject(domain);
        }
    });

    private static JournalConfigurationException NotFound(string name) =>
        new("JournalDomainNotFound", JournalErrorKind.NotFound, $"The domain '{name}' is not registered.", name);
}

[Cmdlet(VerbsDiagnostic.Test, "JournalDomain", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDomain))]
public sealed class TestJournalDomainCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "DomainName")]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>DNS servers to ask instead of the system resolvers: "192.0.2.53" or "127.0.0.1:5353".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DnsServer { get; set; }

    private DomainVerifier? _verifier;
    private readonly CancellationTokenSource _cancel = new();

    protected override void BeginProcessing()
    {
        try
        {
            _verifier = new DomainVerifier(DnsServer?.Select(DomainVerifier.ParseServer).ToArray());
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() => Verify(name));
        }
    }

    private void Verify(string name)
    {
        var domain = Configuration.GetDomain(name);
        var records = _verifier!.GetTxtRecordsAsync(domain.Name, _cancel.Token).GetAwaiter().GetResult();
        WriteVerbose($"TXT records at {domain.Name}: {(records.Count == 0 ? "(none)" : string.Join(" | ", records))}");
        if (!ShouldProcess(domain.Name, "Record the verification result"))
        {
            return;
        }
        var result = Configuration.RecordVerification(domain.Name, records);
        if (!result.Verified)
        {
            var found = records.Count == 0 ? "no TXT record" : "found: " + string.Join(", ", records.Select(r => $"\"{r}\""));
            WriteWarning($"{domain.Name} is not verified ({found}): publish a DNS TXT record at {domain.Name} with the value {domain.VerificationCode} and run Test-JournalDomain again.");
        }
        WriteObject(result);
    }

    protected override void StopProcessing() => _cancel.Cancel();
}

[Cmdlet(VerbsLifecycle.Unregister, "JournalDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class UnregisterJournalDomainCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "DomainName")]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Also remove the domain's internal addresses.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() =>
            {
                var domain = Configuration.GetDomain(name);
                if (ShouldProcess(domain.Name, Force ? "Unregister domain and remove its internal addresses" : "Unregister domain"))
                {
                    Configuration.UnregisterDomain(domain.Name, Force);
                }
            });
        }
    }
}
