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
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C, Stop-Job, a host's stop).</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Cancels <see cref="Cancellation"/>; runs on a thread other than the pipeline's.</summary>
    protected sealed override void StopProcessing()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The cmdlet finished meanwhile.
        }
    }

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
