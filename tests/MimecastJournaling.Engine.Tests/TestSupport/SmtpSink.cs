using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using ServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// A local SMTP relay for alert tests (SmtpServer on 127.0.0.1, a free port): STARTTLS with the
/// given certificate, AUTH against one user and password when given, every message kept.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SmtpSink(X509Certificate2 certificate, string? user = null, string? password = null)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).Certificate(certificate)
                .AllowUnsecureAuthentication(false).AuthenticationRequired(user is not null))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(Messages));
        if (user is not null)
        {
            services.Add(new Authenticator(user, password!, Logins));
        }
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();
    public ConcurrentQueue<string> Logins { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            messages.Enqueue(MimeMessage.Load(new MemoryStream(buffer.ToArray())));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Authenticator(string user, string password, ConcurrentQueue<string> logins) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string u, string p, CancellationToken cancellationToken)
        {
            logins.Enqueue(u);
            return Task.FromResult(u == user && p == password);
        }
    }
}

/// <summary>A loopback HTTP endpoint that keeps every body POSTed to it (a webhook receiver).</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _http = new();

    public WebhookReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/T000/secret-token-123/";
        _http.Prefixes.Add(Url);
        _http.Start();
        _ = Task.Run(async () =>
        {
            while (_http.IsListening)
            {
                try
                {
                    var context = await _http.GetContextAsync();
                    using var reader = new StreamReader(context.Request.InputStream);
                    Bodies.Enqueue(await reader.ReadToEndAsync());
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
    }

    public string Url { get; }
    public ConcurrentQueue<string> Bodies { get; } = new();

    public void Dispose() => _http.Close();
}
