using System.Net;
using System.Text.Json;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Engine.Monitoring;

/// <summary>
/// HTTP for monitoring beside the SMTP port (HttpListener on a prefix such as http://127.0.0.1:9425/):
/// <c>/metrics</c> in the Prometheus text format (<see cref="ListenerMetrics"/>), <c>/health</c>
/// (200 while SMTP is served: liveness) and <c>/ready</c> (200 when the listener can take
/// reports now: serving, not stopping, the watch ran recently, the queue below its limit and
/// the certificate not expired; 503 with the reasons otherwise). Nothing here needs a secret
/// and nothing secret is served.
/// </summary>
public sealed class ListenerMonitorEndpoint : IAsyncDisposable
{
    private readonly JournalListener _listener;
    private readonly ListenerMetrics _metrics;
    private readonly HttpListener _http = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ListenerMonitorEndpoint(JournalListener listener, string prefix)
    {
        _listener = listener;
        _metrics = new ListenerMetrics(listener);
        _http.Prefixes.Add(prefix);
        _http.Start();
        Prefix = prefix;
        _loop = Task.Run(ServeAsync);
    }

    public string Prefix { get; }

    /// <summary>
    /// Serves /metrics, /health and /ready under <paramref name="prefix"/> (http://host:port/,
    /// ending with a slash) until disposed. A bad prefix or a port in use is a JournalConfigurationException.
    /// </summary>
    public static ListenerMonitorEndpoint Start(JournalListener listener, string prefix)
    {
        ValidatePrefix(prefix);
        try
        {
            return new ListenerMonitorEndpoint(listener, prefix);
        }
        catch (HttpListenerException e)
        {
            throw new JournalConfigurationException("MetricsListenFailed", JournalErrorKind.ResourceUnavailable,
                $"Cannot serve metrics on {prefix}: {e.Message}. Is another program using the port?", prefix, e);
        }
    }

    /// <summary>An InvalidMetricsPrefix error unless <paramref name="prefix"/> is http://host:port/ with its final slash.</summary>
    public static void ValidatePrefix(string prefix)
    {
        if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !prefix.EndsWith('/'))
        {
            throw new JournalConfigurationException("InvalidMetricsPrefix", JournalErrorKind.InvalidArgument,
                $"'{prefix}' is not an HTTP prefix. Give http://host:port/ with the final slash, for example http://127.0.0.1:9425/.", prefix);
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? string.Empty;
            if (context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.StatusCode = 405;
            }
            else if (path.EndsWith("/metrics", StringComparison.Ordinal))
            {
                response.StatusCode = 200;
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                using var buffer = new MemoryStream();
                await _metrics.WriteAsync(buffer, _stop.Token).ConfigureAwait(false);
                buffer.Position = 0;
                await buffer.CopyToAsync(response.OutputStream, _stop.Token).ConfigureAwait(false);
            }
            else if (path.EndsWith("/health", StringComparison.Ordinal))
            {
                var running = _listener.IsRunning;
                await WriteJsonAsync(response, running ? 200 : 503, new
                {
                    status = running ? "listening" : "stopped",
                    endpoints = _listener.BoundEndpoints.Select(e => e.ToString()).ToArray(),
                }).ConfigureAwait(false);
            }
            else if (path.EndsWith("/ready", StringComparison.Ordinal))
            {
                var reasons = NotReadyReasons();
                await WriteJsonAsync(response, reasons.Count == 0 ? 200 : 503, new
                {
                    status = reasons.Count == 0 ? "ready" : "not ready",
                    reasons,
                    queueLength = _listener.LastWatch?.QueueLength,
                }).ConfigureAwait(false);
            }
            else
            {
                response.StatusCode = 404;
            }
        }
        catch (Exception)
        {
            // The client went away, or we are stopping.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }

    /// <summary>Why the listener should not be sent reports now (empty when it is ready).</summary>
    public IReadOnlyList<string> NotReadyReasons()
    {
        var reasons = new List<string>();
        if (!_listener.IsRunning || _listener.IsStopping)
        {
            reasons.Add("The listener is not serving SMTP.");
            return reasons;
        }
        if (_listener.LastWatch is not { } watch)
        {
            reasons.Add("The listener's first check of the store has not finished.");
            return reasons;
        }
        var stale = DateTimeOffset.UtcNow - watch.Time;
        if (stale > 3 * _listener.Options.WatchInterval + TimeSpan.FromSeconds(30))
        {
            reasons.Add($"The listener's watch last ran {stale.TotalSeconds:0} s ago (the store may be unavailable).");
        }
        if (watch.QueueLength >= _listener.Options.MaxSpoolLength)
        {
            reasons.Add($"The queue holds {watch.QueueLength} reports, its limit is {_listener.Options.MaxSpoolLength}: new reports are answered 452.");
        }
        if (watch.Certificate is { State: CertificateExpiryState.Expired } certificate)
        {
            reasons.Add($"The TLS certificate expired on {certificate.NotAfter:u}.");
        }
        return reasons;
    }

    private static async Task WriteJsonAsync(HttpListenerResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _http.Stop();
        _http.Close();
        await _loop.ConfigureAwait(false);
        _metrics.Dispose();
        _stop.Dispose();
    }
}
