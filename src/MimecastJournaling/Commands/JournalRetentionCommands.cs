using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;

namespace MimecastJournaling.Commands;

/// <summary>-Recalculate of the policy cmdlets: the items' expiry again under the policies as they are now, with progress.</summary>
internal static class Recalculation
{
    /// <param name="policies">With whatIf: the policies as the change would leave them (null: as stored).</param>
    public static void Run(JournalCmdlet cmdlet, JournalLifecycle lifecycle, bool whatIf, string activity, IReadOnlyList<RetentionPolicy>? policies = null)
    {
        var record = new ProgressRecord(2, activity, "Recalculating the expiry of archived items");
        var result = lifecycle.Recalculate(whatIf, whatIf ? policies : null, p =>
        {
            record.StatusDescription = $"{p.Done} of {p.Total} items";
            record.PercentComplete = p.Total == 0 ? 100 : (int)Math.Min(100, 100 * p.Done / p.Total);
            cmdlet.WriteProgress(record);
        });
        record.RecordType = ProgressRecordType.Completed;
        cmdlet.WriteProgress(record);
        var text = $"{result.Changed} of {result.Examined} items {(whatIf ? "would get" : "got")} another expiry " +
            $"({result.Earlier} earlier, {result.Later} later, {result.Unlimited} without a policy).";
        if (whatIf)
        {
            cmdlet.Host.UI.WriteLine("What if: " + text);
        }
        else
        {
            cmdlet.WriteVerbose(text);
        }
        cmdlet.WriteObject(result);
    }
}

[Cmdlet(VerbsCommon.New, "JournalRetentionPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(RetentionPolicy), typeof(RetentionRecalculation))]
public sealed class NewJournalRetentionPolicyCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public TimeSpan RetainFor { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Definition { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Domain { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Mailbox { get; set; }

    /// <summary>Also recalculate the expiry of the items archived already (otherwise the policy applies to items archived from now on).</summary>
    [Parameter]
    public SwitchParameter Recalculate { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        if (ShouldProcess(Name, "Create retention policy"))
        {
            WriteObject(Lifecycle.NewPolicy(Name, new JournalLifecycle.PolicyChange { RetainFor = RetainFor, Definition = Definition, Domain = Domain, Mailbox = Mailbox }));
            if (Recalculate)
            {
                Recalculation.Run(this, Lifecycle, whatIf: false, "New-JournalRetentionPolicy");
            }
        }
        else if (Recalculate)
        {
            var preview = Lifecycle.PreviewNewPolicy(Name, new JournalLifecycle.PolicyChange { RetainFor = RetainFor, Definition = Definition, Domain = Domain, Mailbox = Mailbox });
            Recalculation.Run(this, Lifecycle, whatIf: true, "New-JournalRetentionPolicy", [.. Lifecycle.GetPolicies(), preview]);
        }
    });
}

[Cmdlet(VerbsCommon.Get, "JournalRetentionPolicy")]
[OutputType(typeof(RetentionPolicy))]
public sealed class GetJournalRetentionPolicyCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var policy in Filter(Lifecycle.GetPolicies(), p => p.Name, Name, NotFound))
        {
            WriteObject(policy);
        }
    });

    private static JournalConfigurationException NotFound(string name) =>
        new("RetentionPolicyNotFound", JournalErrorKind.NotFound, $"No retention policy is named '{name}'. Get-JournalRetentionPolicy lists them.", name);
}

[Cmdlet(VerbsCommon.Set, "JournalRetentionPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(RetentionPolicy), typeof(RetentionRecalculation))]
public sealed class SetJournalRetentionPolicyCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    public TimeSpan RetainFor { get; set; }

    /// <summary>An empty string removes the scope.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string? Definition { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? Domain { get; set; }

    [Parameter]
    [AllowEmptyString]
    [SupportsWildcards]
    public string? Mailbox { get; set; }

    /// <summary>Recalculate the expiry of archived items under the changed policies (with -WhatIf: count what would change).</summary>
    [Parameter]
    public SwitchParameter Recalculate { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var bound = MyInvocation.BoundParameters;
        var change = new JournalLifecycle.PolicyChange
        {
            RetainFor = bound.ContainsKey(nameof(RetainFor)) ? RetainFor : null,
            Definition = bound.ContainsKey(nameof(Definition)) ? Definition ?? string.Empty : null,
            Domain = bound.ContainsKey(nameof(Domain)) ? Domain ?? string.Empty : null,
            Mailbox = bound.ContainsKey(nameof(Mailbox)) ? Mailbox ?? string.Empty : null,
        };
        var changes = change != new JournalLifecycle.PolicyChange();
        var whatIf = false;
        if (changes)
        {
            if (ShouldProcess(Name, "Change retention policy"))
            {
                WriteObject(Lifecycle.SetPolicy(Name, change));
            }
            else
            {
                whatIf = true;
            }
        }
        if (Recalculate)
        {
            whatIf = whatIf || !ShouldProcess("archived items", "Recalculate retention expiry");
            // -WhatIf counts under the policies as the change would leave them.
            var preview = Lifecycle.PreviewSetPolicy(Name, change);
            var policies = Lifecycle.GetPolicies().Select(p => p.Id == preview.Id ? preview : p).ToList();
            Recalculation.Run(this, Lifecycle, whatIf, "Set-JournalRetentionPolicy", policies);
        }
        else if (!changes)
        {
            WriteObject(Lifecycle.GetPolicy(Name));
        }
    });
}

[Cmdlet(VerbsCommon.Remove, "JournalRetentionPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RetentionRecalculation))]
public sealed class RemoveJournalRetentionPolicyCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Recalculate the expiry of archived items without the removed policies.</summary>
    [Parameter]
    public SwitchParameter Recalculate { get; set; }

    private readonly List<Guid> _removed = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() =>
            {
                var policy = Lifecycle.GetPolicy(name);
                if (ShouldProcess(policy.Name, "Remove retention policy"))
                {
                    Lifecycle.RemovePolicy(policy.Name);
                }
                _removed.Add(policy.Id);
            });
        }
    }

    protected override void EndProcessing()
    {
        if (Recalculate)
        {
            Try(() =>
            {
                var whatIf = !ShouldProcess("archived items", "Recalculate retention expiry");
                Recalculation.Run(this, Lifecycle, whatIf, "Remove-JournalRetentionPolicy", Lifecycle.GetPolicies().Where(p => !_removed.Contains(p.Id)).ToList());
            });
        }
    }
}

/// <summary>Removes the items whose retention has run out and that no hold covers.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "JournalRetention", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(JournalRetentionResult))]
public sealed class InvokeJournalRetentionCommand : CancellableJournalCmdlet
{
    protected override void EndProcessing()
    {
        try
        {
            var whatIf = !ShouldProcess(OpenBackend().Location, "Remove expired archive items that no hold covers");
            var record = new ProgressRecord(3, "Invoke-JournalRetention", whatIf ? "Counting expired items" : "Removing expired items");
            var result = Lifecycle.RunRetention(whatIf, p =>
            {
                if (Stopping)
                {
                    return;
                }
                record.StatusDescription = $"{p.Done} of {p.Total} expired items";
                record.PercentComplete = p.Total == 0 ? 100 : (int)Math.Min(100, 100 * p.Done / p.Total);
                WriteProgress(record);
            }, Cancellation);
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
            if (whatIf)
            {
                Host.UI.WriteLine($"What if: {result.Removed} of {result.Expired} expired items would be removed; {result.Held} are kept by a hold" +
                    (result.Refused > 0 ? $"; {result.Refused} by the WORM store's lock." : "."));
            }
            if (result.Refused > 0)
            {
                WriteWarning($"{result.Refused} expired items were kept because the WORM store {(whatIf ? "would refuse" : "refused")} to delete their original " +
                    $"(ids {string.Join(", ", result.Refusals.Take(20).Select(r => r.Id))}{(result.Refused > 20 ? ", ..." : string.Empty)}): {result.Refusals[0].Reason} " +
                    "They are removed by a later run once their lock in the bucket has run out; the result's Refusals lists each.");
            }
            WriteObject(result);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Stopped between batches: every batch committed is removed and in the event log.
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }
}
