using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Add, "JournalInternalAddress", SupportsShouldProcess = true)]
[OutputType(typeof(InternalAddress))]
public sealed class AddJournalInternalAddressCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EmailAddress", "PrimarySmtpAddress", "SmtpAddress", "Mail", "UserPrincipalName")]
    public string[] Address { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public InternalAddressType Type { get; set; } = InternalAddressType.Mailbox;

    /// <summary>For an alias: the primary address of its mailbox.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Mailbox { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string? DisplayName { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var address in Address)
        {
            Try(() =>
            {
                if (ShouldProcess(address, "Add to the internal directory"))
                {
                    var entry = Configuration.AddInternalAddress(address, Type, Mailbox, DisplayName);
                    if (PassThru)
                    {
                        WriteObject(entry);
                    }
                }
            });
        }
    }
}

[Cmdlet(VerbsCommon.Get, "JournalInternalAddress")]
[OutputType(typeof(InternalAddress))]
public sealed class GetJournalInternalAddressCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EmailAddress", "PrimarySmtpAddress", "SmtpAddress", "Mail")]
    [SupportsWildcards]
    public string[]? Address { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string? Domain { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var entry in Filter(Configuration.GetInternalAddresses(Domain), a => a.EmailAddress, Address, NotFound))
        {
            WriteObject(entry);
        }
    });

    private static JournalConfigurationException NotFound(string address) =>
        new("InternalAddressNotFound", JournalErrorKind.NotFound, $"{address} is not in the internal directory.", address);
}

[Cmdlet(VerbsCommon.Remove, "JournalInternalAddress", SupportsShouldProcess = true)]
public sealed class RemoveJournalInternalAddressCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EmailAddress", "PrimarySmtpAddress", "SmtpAddress", "Mail")]
    public string[] Address { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var address in Address)
        {
            Try(() =>
            {
                if (ShouldProcess(address, "Remove from the internal directory"))
                {
                    Configuration.RemoveInternalAddress(address);
                }
            });
        }
    }
}
