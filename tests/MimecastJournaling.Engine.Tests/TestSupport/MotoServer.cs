using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MimecastJournaling.Engine.ObjectStorage;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// moto_server (moto 5.2.1, on the machine image) on 127.0.0.1 and a free port, started for the
/// tests and stopped after them. It enforces Object Lock COMPLIANCE retention and legal hold, and
/// answers 412 to a second If-None-Match: * put. Missing moto_server is a failure, not a skip.
/// </summary>
public sealed class MotoServer : IDisposable
{
    /// <summary>moto accepts any key pair; this secret must never show in an exception.</summary>
    public const string AccessKey = "AKIAMOTOTESTKEY00001";
    public const string SecretKey = "moto-secret-7f3c9a1e-never-printed";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _buckets;

    public MotoServer()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            "moto_server was not found on PATH. The WORM (S3 Object Lock) tests need it: it is on the machine image (moto 5.2.1); install moto[server] with pip where it is missing.");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var process = Start(binary, port);
            if (WaitUntilListening(process, port))
            {
                _process = process;
                Endpoint = new Uri($"http://127.0.0.1:{port}/");
                return;
            }
            Stop(process);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"moto_server ({binary}) did not listen on 127.0.0.1. Its output:\n{Output}");
            }
        }
    }

    public Uri Endpoint { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static AWSCredentials Credentials => new BasicAWSCredentials(AccessKey, SecretKey);

    /// <summary>A fresh bucket created with Object Lock enabled (which turns versioning on).</summary>
    public S3ObjectStoreOptions NewLockedBucket()
    {
        var bucket = $"worm-{Interlocked.Increment(ref _buckets)}-{Guid.NewGuid().ToString("N")[..12]}";
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            UseHttp = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        client.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true }).GetAwaiter().GetResult();
        return new S3ObjectStoreOptions { Bucket = bucket, Endpoint = Endpoint, Credentials = Credentials };
    }

    private static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, "moto_server"))
            .FirstOrDefault(File.Exists);

    private Process Start(string binary, int port)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("127.0.0.1");
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static bool WaitUntilListening(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var socket = new TcpClient();
                socket.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        return false;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    public void Dispose() => Stop(_process);
}

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
