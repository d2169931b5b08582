using System.Management.Automation;
using MimecastJournaling.Mimecast;

namespace MimecastJournaling.Commands;

/// <summary>The domain cmdlets that act on each name given: -Name (from the pipeline), checked locally, one error per failing name.</summary>
public abstract class MimecastJournalDomainNameCmdlet : MimecastCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Does the work for one checked, lower-case domain name.</summary>
    protected abstract void ProcessDomain(string domain);

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() => ProcessDomain(MimecastJournalDomains.CheckName(name)), name);
        }
    }
}

/// <summary>
/// Registers the journal sub-domain in Mimecast (Internal Directories); shows the verification
/// code to publish as DNS TXT. Converges: a domain Mimecast has already is returned as it is.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "MimecastJournalDomain", SupportsShouldProcess = true)]
[OutputType(typeof(MimecastJournalDomain))]
public sealed class RegisterMimecastJournalDomainCommand : MimecastJournalDomainNameCmdlet
{
    protected override void ProcessDomain(string domain)
    {
        var existing = Invoke((c, ct) => c.Domains.FindAsync(domain, ct));
        if (existing is not null)
        {
            WriteVerbose($"Mimecast has {domain} already ({existing.State}); nothing changed.");
            Report(existing);
            return;
        }
        if (ShouldProcess(domain, "Register the domain in Mimecast's Internal Directories"))
        {
            Report(Invoke((c, ct) => c.Domains.RegisterAsync(domain, ct)).Domain);
        }
    }

    private void Report(MimecastJournalDomain domain)
    {
        if (domain.State == MimecastDomainState.Pending && domain.TxtRecord is { } txt)
        {
            WriteInformation(new InformationRecord(
                $"Publish a DNS TXT record at {domain.Domain} with the text \"{txt}\", then run Test-MimecastJournalDomain {domain.Domain}." +
                (domain.Expires is { } e ? $" The code expires {e:u}." : ""), "Register-MimecastJournalDomain"));
        }
        WriteObject(domain);
    }
}

/// <summary>Lists the pending (with their verification codes) and internal domains Mimecast has (every page).</summary>
[Cmdlet(VerbsCommon.Get, "MimecastJournalDomain")]
[OutputType(typeof(MimecastJournalDomain))]
public sealed class GetMimecastJournalDomainCommand : MimecastCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain")]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter]
    public MimecastDomainState[]? State { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var states = State is { Length: > 0 } s ? s : new[] { MimecastDomainState.Pending, MimecastDomainState.Internal };
        var all = Invoke(async (c, ct) =>
        {
            var list = new List<MimecastJournalDomain>();
            if (states.Contains(MimecastDomainState.Pending)) list.AddRange(await c.Domains.ListPendingAsync(ct).ConfigureAwait(false));
            if (states.Contains(MimecastDomainState.Internal)) list.AddRange(await c.Domains.ListInternalAsync(ct).ConfigureAwait(false));
            return (IReadOnlyList<MimecastJournalDomain>)list;
        });
        foreach (var domain in Match(all, d => d.Domain, Name, NotFound))
        {
            WriteObject(domain);
        }
    });

    private static ErrorRecord NotFound(string name) => new(
        new ItemNotFoundException($"Mimecast has no pending or internal domain '{name}'. Register-MimecastJournalDomain {name} registers it."),
        "MimecastJournalDomainNotFound", ErrorCategory.ObjectNotFound, name);
}

/// <summary>Asks Mimecast to verify the domain's DNS TXT record and shows whether it is now an internal domain.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MimecastJournalDomain")]
[OutputType(typeof(MimecastJournalDomain))]
public sealed class TestMimecastJournalDomainCommand : MimecastJournalDomainNameCmdlet
{
    protected override void ProcessDomain(string domain)
    {
        var (result, detail) = Invoke((c, ct) => c.Domains.VerifyAsync(domain, ct));
        if (!result.Verified)
        {
            WriteWarning($"{domain} is not verified yet{(detail is null ? "" : $" (Mimecast: {detail})")}. Publish a DNS TXT record at {domain} with the text \"{result.TxtRecord}\", wait for DNS, and run Test-MimecastJournalDomain again.");
        }
        WriteObject(result);
    }
}

/// <summary>Removes a pending (unverified) domain from Mimecast.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "MimecastJournalDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class UnregisterMimecastJournalDomainCommand : MimecastJournalDomainNameCmdlet
{
    protected override void ProcessDomain(string domain)
    {
        if (ShouldProcess(domain, "Remove the pending domain from Mimecast"))
        {
            Invoke((c, ct) => c.Domains.RemovePendingAsync(domain, ct));
        }
    }
}
