using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// A real PostgreSQL for the tests, made by the tests: initdb and pg_ctl (PostgreSQL 15, from
/// /usr/lib/postgresql/*/bin; apt-get install postgresql-15 when missing) in a temporary folder,
/// on 127.0.0.1 and a free port, with a password-protected superuser (SCRAM). PostgreSQL refuses
/// to run as root, so as root it runs as the unprivileged system user <see cref="OsUser"/>
/// (created with useradd when missing) through runuser. One server per test run, shared by every
/// PostgreSQL test, each of which makes its own database; stopped and removed when the run ends.
/// </summary>
internal sealed class PostgresServer
{
    public const string OsUser = "mjpgtest";
    public const string SuperUser = "mjadmin";

    private static readonly Lazy<PostgresServer> Instance = new(() => new PostgresServer(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The run's server, started on first use.</summary>
    public static PostgresServer Shared => Instance.Value;

    private readonly string _bin;
    private readonly string _folder;
    private readonly string _data;
    private readonly bool _asRoot;

    private PostgresServer()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL's initdb and pg_ctl were not found under /usr/lib/postgresql/*/bin. The PostgreSQL tests need them: apt-get install -y postgresql-15.");
        _asRoot = Environment.UserName == "root";
        _folder = Path.Combine(Path.GetTempPath(), "mj-pg-" + Guid.NewGuid().ToString("N"));
        _data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(_folder);
        Password = "pg-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(Path.Combine(_folder, "pwfile"), Password + "\n");
        if (_asRoot)
        {
            EnsureOsUser();
            Run("chown", "-R", OsUser, _folder);
        }
        RunAsOsUser(Path.Combine(_bin, "initdb"), "-D", _data, "-U", SuperUser, "--pwfile", Path.Combine(_folder, "pwfile"),
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
        File.Delete(Path.Combine(_folder, "pwfile"));
        Port = FreeLoopbackPort();
        Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Remove();
    }

    /// <summary>True once the run's server was started (so the end of the run knows whether to remove it).</summary>
    public static bool Started => Instance.IsValueCreated;

    public int Port { get; }

    /// <summary>The superuser's password (only tests see it).</summary>
    public string Password { get; }

    /// <summary>Starts the server (again, after <see cref="Stop"/>), on the same port and data.</summary>
    public void Start() =>
        RunAsOsUser(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");

    /// <summary>Stops the server at once, as a crash or an outage would.</summary>
    public void Stop() =>
        RunAsOsUser(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");

    /// <summary>The superuser's connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres", string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user ?? SuperUser,
            Password = password ?? Password,
            Pooling = false,
        }.ConnectionString;

    /// <summary>A new, empty database; returns its superuser connection string.</summary>
    public string CreateDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE DATABASE {name}");
        return Pooled(ConnectionString(name));
    }

    /// <summary>A role that may only read (SELECT on every table of <paramref name="connectionString"/>'s database); returns its connection string.</summary>
    public string CreateReadOnlyRole(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var role = "ro_" + Guid.NewGuid().ToString("N")[..12];
        var password = Guid.NewGuid().ToString("N");
        Execute($"CREATE ROLE {role} LOGIN PASSWORD '{password}'");
        Execute($"GRANT CONNECT ON DATABASE {database} TO {role}");
        Execute($"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}; " +
                $"REVOKE CREATE ON SCHEMA public FROM PUBLIC;", database);
        return Pooled(ConnectionString(database, role, password));
    }

    /// <summary>
    /// Pooled as the module pools, but idle connections close after a few seconds: every test makes
    /// backend objects of its own (each with its pool), and with Npgsql's default of 300 s the idle
    /// connections of earlier tests would use up the server's max_connections.
    /// </summary>
    private static string Pooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true, ConnectionIdleLifetime = 5, ConnectionPruningInterval = 2 }.ConnectionString;

    public void Execute(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public T Scalar<T>(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Remove()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static void EnsureOsUser()
    {
        if (TryRun("id", "-u", OsUser) != 0)
        {
            Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OsUser);
        }
    }

    private void RunAsOsUser(string program, params string[] arguments)
    {
        if (_asRoot)
        {
            Run("runuser", ["-u", OsUser, "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var (code, output) = Execute(program, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({code}):\n{output}");
        }
    }

    private static int TryRun(string program, params string[] arguments) => Execute(program, arguments).Code;

    private static (int Code, string Output) Execute(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        // pg_ctl start leaves the server holding inherited pipes: read to the end only after exit, without blocking on them.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }
        var text = (output.Wait(TimeSpan.FromSeconds(2)) ? output.Result : string.Empty) + (error.Wait(TimeSpan.FromSeconds(2)) ? error.Result : string.Empty);
        return (process.ExitCode, text);
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
