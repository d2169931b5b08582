using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Mimecast;

namespace MimecastJournaling.Commands;

/// <summary>
/// The settings of New- and Set-MimecastJournalService: the same names as New-JournalDefinition
/// (bound by property name, so a local definition pipes in), plus Mimecast's two extras.
/// </summary>
public abstract class MimecastJournalServiceSettingsCmdlet : MimecastCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] SourceIpRange { get; set; } = Array.Empty<string>();

    [Parameter]
    [AllowNull]
    public PSCredential? SmtpCredential { get; set; }

    /// <summary>On or off; a piped journal definition's SmtpAuthentication binds here.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public bool SmtpAuthentication { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [MinutesToTimeSpan]
    public TimeSpan InitialProcessDelay { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int DeliveryWaitAttempts { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [MinutesToTimeSpan]
    public TimeSpan InactivityPeriod { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public JournalType JournalType { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public bool Encrypted { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter PreferClearText { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter JournalNonInternalAddresses { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter JournalUnknownInternalAddresses { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Disabled { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter RemoveJournalHeaders { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter ExtendedDeduplication { get; set; }

    /// <summary>The parameters the caller gave (or the pipeline bound), as settings; unbound ones stay null.</summary>
    protected MimecastJournalServiceSettings BoundSettings()
    {
        var bound = MyInvocation.BoundParameters;
        MissingPassword = false;
        T? If<T>(string name, T value) where T : struct => bound.ContainsKey(name) ? value : null;
        var password = SmtpCredential?.GetNetworkCredential().Password;
        bool? authentication = bound.ContainsKey(nameof(SmtpCredential)) ? SmtpCredential is not null : null;
        if (bound.ContainsKey(nameof(SmtpAuthentication))) authentication = SmtpAuthentication;
        if (authentication == true && string.IsNullOrEmpty(password) && bound.ContainsKey(nameof(SmtpAuthentication)) && !bound.ContainsKey(nameof(SmtpCredential)))
        {
            // A piped local definition with SMTP AUTH: its password is a salted hash here, so only the caller can give it.
            authentication = null;
            MissingPassword = true;
        }
        return new MimecastJournalServiceSettings
        {
            SourceIpRange = bound.ContainsKey(nameof(SourceIpRange)) ? SourceIpRange ?? Array.Empty<string>() : null,
            SmtpAuthentication = authentication,
            SmtpPassword = string.IsNullOrEmpty(password) ? null : password,
            InitialProcessDelay = If(nameof(InitialProcessDelay), InitialProcessDelay),
            DeliveryWaitAttempts = If(nameof(DeliveryWaitAttempts), DeliveryWaitAttempts),
            InactivityPeriod = If(nameof(InactivityPeriod), InactivityPeriod),
            JournalType = If(nameof(JournalType), JournalType),
            Encrypted = If(nameof(Encrypted), Encrypted),
            PreferClearText = If(nameof(PreferClearText), PreferClearText.IsPresent),
            JournalNonInternalAddresses = If(nameof(JournalNonInternalAddresses), JournalNonInternalAddresses.IsPresent),
            JournalUnknownInternalAddresses = If(nameof(JournalUnknownInternalAddresses), JournalUnknownInternalAddresses.IsPresent),
            Disabled = If(nameof(Disabled), Disabled.IsPresent),
            RemoveJournalHeaders = If(nameof(RemoveJournalHeaders), RemoveJournalHeaders.IsPresent),
            ExtendedDeduplication = If(nameof(ExtendedDeduplication), ExtendedDeduplication.IsPresent),
        };
    }

    /// <summary>Set by <see cref="BoundSettings"/>: SMTP authentication was asked for without a password.</summary>
    protected bool MissingPassword { get; private set; }

    /// <summary>The error for SMTP authentication without -SmtpCredential.</summary>
    protected static MimecastCheckException PasswordRequired(string description) => new("SmtpPasswordRequired",
        $"'{description}' uses SMTP authentication, and a journal definition keeps only a salted hash of its password: give the password again with -SmtpCredential.");
}

/// <summary>Resolving a journal service by -Id or by -Description (exactly one).</summary>
internal static class MimecastServiceLookup
{
    public static async Task<MimecastJournalService> ResolveAsync(MimecastConnection c, string? id, string description, CancellationToken ct)
    {
        // A GUID is a local journal definition's Id (Get-JournalDefinition piped in), not Mimecast's: use the description.
        if (!string.IsNullOrEmpty(id) && !Guid.TryParse(id, out _)) return await c.JournalServices.GetAsync(id, ct).ConfigureAwait(false);
        var found = await c.JournalServices.FindAsync(description, ct).ConfigureAwait(false);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new MimecastApiException(MimecastErrorKind.NotFound, $"Mimecast has no journal service '{description}'. Get-MimecastJournalService lists them."),
            _ => throw new MimecastApiException(MimecastErrorKind.Conflict,
                $"Mimecast has {found.Count} journal services named '{description}' (ids {string.Join(", ", found.Select(f => f.Id))}). Give -Id, or rename one in the console."),
        };
    }
}

/// <summary>
/// Creates a Mimecast journal service from the seed's fields, or converges the one with the same
/// description (a rerun changes nothing and creates nothing).
/// </summary>
[Cmdlet(VerbsCommon.New, "MimecastJournalService", SupportsShouldProcess = true)]
[OutputType(typeof(MimecastJournalService))]
public sealed class NewMimecastJournalServiceCommand : MimecastJournalServiceSettingsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Description { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string ServiceEmailAddress { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        var settings = BoundSettings() with { Description = Description, ServiceEmailAddress = ServiceEmailAddress };
        var services = Connection.JournalServices;
        var existing = Invoke((c, ct) => c.JournalServices.FindAsync(Description, ct));
        if (existing.Count > 1)
        {
            throw new MimecastApiException(MimecastErrorKind.Conflict,
                $"Mimecast has {existing.Count} journal services named '{Description}' (ids {string.Join(", ", existing.Select(f => f.Id))}); New-MimecastJournalService converges by description and cannot choose. Remove or rename the extra ones.");
        }
        if (existing.Count == 1)
        {
            var current = existing[0];
            if (MissingPassword && !current.SmtpAuthentication) throw PasswordRequired(Description);
            services.Check(settings, creating: false);
            var (changes, body) = services.Diff(current, settings, sendPassword: false);
            if (changes.Count == 0)
            {
                WriteVerbose($"The Mimecast journal service '{current.Description}' (id {current.Id}) already has these settings; nothing changed.");
                WriteObject(current);
                return;
            }
            if (ShouldProcess($"{current.Description} (id {current.Id})", "Update Mimecast journal service: " + string.Join("; ", changes)))
            {
                WriteObject(Invoke((c, ct) => c.JournalServices.UpdateAsync(current.Id, body, ct)));
            }
            return;
        }
        if (MissingPassword) throw PasswordRequired(Description);
        services.Check(settings, creating: true);
        if (ShouldProcess(Description, $"Create Mimecast journal service for {ServiceEmailAddress}"))
        {
            WriteObject(Invoke((c, ct) => c.JournalServices.CreateAsync(settings, ct)));
        }
    }, Description);
}

/// <summary>Lists Mimecast journal services with their status, queue and smart hosts.</summary>
[Cmdlet(VerbsCommon.Get, "MimecastJournalService", DefaultParameterSetName = "Description")]
[OutputType(typeof(MimecastJournalService))]
public sealed class GetMimecastJournalServiceCommand : MimecastCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Description")]
    [Alias("Name")]
    [SupportsWildcards]
    public string[]? Description { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        if (ParameterSetName == "Id")
        {
            WriteObject(Invoke((c, ct) => c.JournalServices.GetAsync(Id, ct)));
            return;
        }
        var all = Invoke((c, ct) => c.JournalServices.ListAsync(ct));
        foreach (var service in Match(all, s => s.Description, Description, NotFound))
        {
            WriteObject(service);
        }
    });

    private static ErrorRecord NotFound(string name) => new(
        new ItemNotFoundException($"Mimecast has no journal service '{name}'. Get-MimecastJournalService without -Description lists them all."),
        "MimecastJournalServiceNotFound", ErrorCategory.ObjectNotFound, name);
}

/// <summary>Changes a Mimecast journal service: only what differs is sent, with the API's update names.</summary>
[Cmdlet(VerbsCommon.Set, "MimecastJournalService", SupportsShouldProcess = true)]
[OutputType(typeof(MimecastJournalService))]
public sealed class SetMimecastJournalServiceCommand : MimecastJournalServiceSettingsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Description { get; set; } = string.Empty;

    /// <summary>Mimecast's id; bound from Get-MimecastJournalService's output (wins over -Description).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewDescription { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServiceEmailAddress { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var settings = BoundSettings() with { Description = NewDescription, ServiceEmailAddress = ServiceEmailAddress };
        var services = Connection.JournalServices;
        services.Check(settings, creating: false);
        var current = Invoke((c, ct) => MimecastServiceLookup.ResolveAsync(c, Id, Description, ct));
        if (MissingPassword && !current.SmtpAuthentication) throw PasswordRequired(current.Description);
        var (changes, body) = services.Diff(current, settings, sendPassword: SmtpCredential is not null);
        if (changes.Count == 0)
        {
            WriteVerbose($"The Mimecast journal service '{current.Description}' already has these settings; nothing sent.");
            if (PassThru) WriteObject(current);
            return;
        }
        if (ShouldProcess($"{current.Description} (id {current.Id})", "Set " + string.Join("; ", changes)))
        {
            var updated = Invoke((c, ct) => c.JournalServices.UpdateAsync(current.Id, body, ct));
            if (PassThru) WriteObject(updated);
        }
    }, Description);
}

/// <summary>Deletes a Mimecast journal service (journal items sent to it afterwards are not archived).</summary>
[Cmdlet(VerbsCommon.Remove, "MimecastJournalService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveMimecastJournalServiceCommand : MimecastCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Description { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var current = Invoke((c, ct) => MimecastServiceLookup.ResolveAsync(c, Id, Description, ct));
        if (ShouldProcess($"{current.Description} (id {current.Id})", $"Remove Mimecast journal service (journal reports to {current.ServiceEmailAddress} will no longer be archived)"))
        {
            Invoke(async (c, ct) => { await c.JournalServices.DeleteAsync(current.Id, ct).ConfigureAwait(false); return true; });
        }
    }, Description);
}

/// <summary>Enable- and Disable-MimecastJournalService: the enabled flag only.</summary>
public abstract class SetMimecastJournalServiceStateCmdlet : MimecastCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Description { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected abstract bool Disable { get; }

    protected override void ProcessRecord() => Try(() =>
    {
        var current = Invoke((c, ct) => MimecastServiceLookup.ResolveAsync(c, Id, Description, ct));
        var (changes, body) = Connection.JournalServices.Diff(current, new MimecastJournalServiceSettings { Disabled = Disable }, sendPassword: false);
        if (changes.Count == 0)
        {
            WriteVerbose($"The Mimecast journal service '{current.Description}' is already {(Disable ? "disabled" : "enabled")}.");
            if (PassThru) WriteObject(current);
            return;
        }
        if (ShouldProcess($"{current.Description} (id {current.Id})", Disable ? "Disable Mimecast journal service" : "Enable Mimecast journal service"))
        {
            var updated = Invoke((c, ct) => c.JournalServices.UpdateAsync(current.Id, body, ct));
            if (PassThru) WriteObject(updated);
        }
    }, Description);
}

/// <summary>Enables a Mimecast journal service.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MimecastJournalService", SupportsShouldProcess = true)]
[OutputType(typeof(MimecastJournalService))]
public sealed class EnableMimecastJournalServiceCommand : SetMimecastJournalServiceStateCmdlet
{
    protected override bool Disable => false;
}

/// <summary>Disables a Mimecast journal service.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MimecastJournalService", SupportsShouldProcess = true)]
[OutputType(typeof(MimecastJournalService))]
public sealed class DisableMimecastJournalServiceCommand : SetMimecastJournalServiceStateCmdlet
{
    protected override bool Disable => true;
}
