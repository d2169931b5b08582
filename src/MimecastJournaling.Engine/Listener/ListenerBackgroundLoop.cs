namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// A task of the listener that runs in rounds beside the archive, never on the SMTP path: a round
/// at start, then one after each wait (the interval, or sooner when the loop offers a wake-up).
/// A round's trouble is kept in <see cref="LastError"/> and the next round tries again; stopping
/// lets the round in hand end at its next cancellation check.
/// </summary>
internal abstract class ListenerBackgroundLoop
{
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    protected ListenerBackgroundLoop(TimeSpan interval) => _interval = interval;

    /// <summary>The last round's trouble (null when the last round worked).</summary>
    public string? LastError { get; private set; }

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>One round; returns what went wrong in it without an exception, or null.</summary>
    protected abstract string? Round(CancellationToken cancel);

    /// <summary>After a round that threw (its message is already in <see cref="LastError"/>).</summary>
    protected virtual void Failed(Exception error)
    {
    }

    /// <summary>The wait between rounds (cancelled when the loop stops).</summary>
    protected virtual Task WaitAsync(TimeSpan interval, CancellationToken cancel) => Task.Delay(interval, cancel);

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                LastError = Round(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                Failed(e);
            }
            try
            {
                await WaitAsync(_interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
