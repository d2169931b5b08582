using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// A real DNS server for the tests: dnsmasq (Debian package dnsmasq-base) in the foreground on
/// 127.0.0.1 and a free port, serving the records below and nothing else. The .test zone is
/// answered locally, so a missing name is NXDOMAIN rather than a forwarding failure.
/// </summary>
public sealed class DnsmasqFixture : IDisposable
{
    public const string Package = "dnsmasq-base";
    public const string Code = "mimecastjournaling-verification=abc123";

    /// <summary>One TXT record with one string.</summary>
    public const string SingleName = "journal.contoso.test";
    /// <summary>One TXT record split into three strings: "mimecastjournaling-verification=", "abc", "123".</summary>
    public const string SplitName = "split.contoso.test";
    /// <summary>Two TXT records: an SPF record and the verification code.</summary>
    public const string MultiName = "multi.contoso.test";
    public const string MultiCode = "mimecastjournaling-verification=def456";
    /// <summary>A name with an A record and no TXT record (NOERROR, no answers).</summary>
    public const string NoTxtName = "nodata.contoso.test";
    /// <summary>A name that does not exist (NXDOMAIN).</summary>
    public const string MissingName = "missing.contoso.test";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _folder;

    public DnsmasqFixture()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            $"dnsmasq was not found (looked in /usr/sbin, /usr/bin and PATH). The DomainVerifier tests need a real DNS server: " +
            $"install the Debian package {Package} (apt-get install -y {Package}); build.ps1 -Task Test installs it.");
        _folder = Path.Combine(Path.GetTempPath(), "mj-dnsmasq-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);

        // The free port could be taken between probing and dnsmasq binding it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var process = Start(binary, port);
            if (WaitUntilAnswering(process, port))
            {
                _process = process;
                EndPoint = new IPEndPoint(IPAddress.Loopback, port);
                return;
            }
            Stop(process);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"dnsmasq ({binary}) did not answer on 127.0.0.1. Its output:\n{Output}");
            }
        }
    }

    public IPEndPoint EndPoint { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string? FindBinary()
    {
        var candidates = new[] { "/usr/sbin/dnsmasq", "/usr/bin/dnsmasq" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => Path.Combine(p, "dnsmasq")));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>A loopback port free for both UDP and TCP right now (dnsmasq binds both).</summary>
    public static int FreeLoopbackPort()
    {
        while (true)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // The TCP side is in use: probe another port.
            }
        }
    }

    private Process Start(string binary, int port)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            $"--port={port}",
            $"--pid-file={Path.Combine(_folder, $"dnsmasq-{port}.pid")}",
            "--log-facility=-",
            "--local=/test/",
            $"--txt-record={SingleName},{Code}",
            $"--txt-record={SplitName},mimecastjournaling-verification=,abc,123",
            $"--txt-record={MultiName},v=spf1 -all",
            $"--txt-record={MultiName},{MultiCode}",
            $"--host-record={NoTxtName},127.0.0.9",
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static bool WaitUntilAnswering(Process process, int port)
    {
        var options = new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, port))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromMilliseconds(250),
            ThrowDnsErrors = false,
        };
        var client = new LookupClient(options);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                return false;
            }
            try
            {
                if (client.Query(SingleName, QueryType.TXT).Answers.TxtRecords().Any())
                {
                    return true;
                }
            }
            catch (DnsResponseException)
            {
                // Not listening yet.
            }
            Thread.Sleep(50);
        }
        return false;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited on its own.
        }
        process.Dispose();
    }

    public void Dispose()
    {
        Stop(_process);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
