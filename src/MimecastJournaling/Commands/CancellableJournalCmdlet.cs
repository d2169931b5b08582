using System.Management.Automation;

namespace MimecastJournaling.Commands;

/// <summary>
/// Base of the store cmdlets whose work can run long (a foreground listener, imports, exports,
/// syncs): Ctrl+C (StopProcessing) cancels <see cref="Cancellation"/>, which that work observes.
/// <para>
/// Once a pipeline is stopping, PowerShell refuses every Write* call with
/// PipelineStoppedException, so cleanup must never depend on writing first: observe the token,
/// clean up, and test <see cref="System.Management.Automation.Cmdlet.Stopping"/> (or the token)
/// before writing anything afterwards.
/// </para>
/// </summary>
public abstract class CancellableJournalCmdlet : JournalCmdlet, IDisposable
{
    private readonly PipelineStop _cancellation = new();

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C, Stop-Job, a host's stop).</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Cancels <see cref="Cancellation"/>; runs on a thread other than the pipeline's.</summary>
    protected sealed override void StopProcessing() => _cancellation.Request();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Derived cmdlets release their own resources here and call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cancellation.Dispose();
        }
    }
}

/// <summary>
/// The Ctrl+C plumbing a cmdlet's StopProcessing shares with its work: a token cancelled from
/// PowerShell's stopping thread, safe to cancel after the cmdlet finished. Used by
/// <see cref="CancellableJournalCmdlet"/> and by the Exchange Online cmdlets (<see cref="O365Cmdlet"/>),
/// which have no store and so cannot derive from it.
/// </summary>
internal sealed class PipelineStop : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CancellationToken Token => _source.Token;

    public bool IsRequested => _source.IsCancellationRequested;

    /// <summary>Cancels the token; runs on a thread other than the pipeline's.</summary>
    public void Request()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The cmdlet finished meanwhile.
        }
    }

    public void Dispose() => _source.Dispose();
}
