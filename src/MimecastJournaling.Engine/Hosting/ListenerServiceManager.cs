using System.Diagnostics;
using System.Runtime.Versioning;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Hosting;

/// <summary>A journal listener service as the service manager knows it.</summary>
public sealed record ListenerServiceInfo
{
    public required string Name { get; init; }

    /// <summary>systemd or Windows.</summary>
    public required string ServiceManager { get; init; }

    /// <summary>The unit file (systemd) or the service's registry key (Windows).</summary>
    public required string Path { get; init; }

    /// <summary>enabled, disabled, … (systemctl is-enabled), or the Windows start type.</summary>
    public string Enabled { get; init; } = "unknown";

    /// <summary>active, inactive, failed, … (systemctl is-active), the Windows state, or unknown when the service manager is not running.</summary>
    public string State { get; init; } = "unknown";

    public string User { get; init; } = string.Empty;
    public string Store { get; init; } = string.Empty;
    public IReadOnlyList<string> Endpoints { get; init; } = [];
    public string? CertificatePath { get; init; }

    /// <summary>The command the service runs (never a password: the host reads it from a file).</summary>
    public string CommandLine { get; init; } = string.Empty;
}

/// <summary>What <see cref="ListenerServiceManager.Install"/> is asked to set up.</summary>
public sealed record ListenerServiceRequest(ListenerHostSettings Settings, string User, string Dotnet, string HostAssembly, string? CertificatePassword, bool Start);

/// <summary>
/// Installs, lists and removes the service host as a systemd unit (Linux) or a Windows service.
/// Linux is tested; the Windows path (sc.exe) cannot be tested on the Linux build machine.
/// Everything that changes the system runs through <see cref="Run"/>, so a failure names the
/// command and what it said.
/// </summary>
public sealed class ListenerServiceManager
{
    public const string DefaultUser = "mimecastjournaling";
    public const string HostAssemblyName = "MimecastJournaling.Host.dll";

    private static readonly string[] SharedFolders =
        ["/", "/tmp", "/var/tmp", "/home", "/root", "/etc", "/var", "/var/lib", "/usr", "/usr/local", "/opt", "/srv", "/run", "/mnt", "/media"];

    private readonly string _unitDirectory;

    public ListenerServiceManager(string unitDirectory = SystemdUnit.DefaultDirectory) => _unitDirectory = unitDirectory;

    /// <summary>The host beside the engine (the module's bin), or an error saying it is missing.</summary>
    public static string FindHostAssembly()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(ListenerServiceManager).Assembly.Location)!, HostAssemblyName);
        return File.Exists(path) ? path : throw new JournalConfigurationException("ServiceHostMissing", JournalErrorKind.NotFound,
            $"The service host {path} is missing. Install the module from its package (Install-PSResource MimecastJournaling) or build it (build.ps1 -Task Build).", path);
    }

    /// <summary>The dotnet program on PATH, or an error saying how to get one.</summary>
    public static string FindDotnet()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return System.IO.Path.GetFullPath(candidate);
            }
        }
        throw new JournalConfigurationException("DotnetNotFound", JournalErrorKind.NotFound,
            "The service host runs on the .NET runtime (8.0 or newer), and no dotnet program is on PATH. Install it (Debian/Ubuntu: apt-get install dotnet-runtime-8.0; Windows: winget install Microsoft.DotNet.Runtime.8) or give -DotnetPath.");
    }

    /// <summary>The unit or service command line that <see cref="Install"/> writes, for -WhatIf.</summary>
    public string Describe(ListenerServiceRequest request) => OperatingSystem.IsWindows()
        ? "sc.exe create " + request.Settings.Name + " binPath= " + WindowsCommandLine(request)
        : SystemdUnit.Render(UnitSettings(request.Settings), request.Dotnet, request.HostAssembly, request.User, PrimaryGroup(request.User),
            request.CertificatePassword is null ? null : SystemdUnit.PasswordPath(request.Settings.Name), StoreSource(request.Settings));

    /// <summary>
    /// What the unit runs: a PostgreSQL store is not on the command line (its connection string may
    /// hold a password) but in the credential file <see cref="SystemdUnit.StorePath"/>, which systemd
    /// hands to the host as the credential <see cref="ListenerHostSettings.StoreCredentialName"/>.
    /// </summary>
    private static ListenerHostSettings UnitSettings(ListenerHostSettings settings) =>
        StoreLocation.IsConnectionString(settings.Store)
            ? settings with { Store = string.Empty, StoreCredential = ListenerHostSettings.StoreCredentialName }
            : settings;

    private static string? StoreSource(ListenerHostSettings settings) =>
        StoreLocation.IsConnectionString(settings.Store) ? SystemdUnit.StorePath(settings.Name) : null;

    public string TargetOf(string name) => OperatingSystem.IsWindows() ? $"Windows service {name}" : SystemdUnit.UnitPath(name, _unitDirectory);

    /// <summary>Sets the service up and returns it; <paramref name="warnings"/> gets what the admin should know.</summary>
    public ListenerServiceInfo Install(ListenerServiceRequest request, ICollection<string> warnings)
    {
        var postgres = StoreLocation.IsConnectionString(request.Settings.Store);
        if (!postgres && !File.Exists(request.Settings.Store))
        {
            throw new JournalConfigurationException("StoreNotFound", JournalErrorKind.NotFound,
                $"The store '{request.Settings.Store}' does not exist. Create the journal definitions in it first (New-JournalDefinition -Store).", request.Settings.Store);
        }
        if (!Environment.IsPrivilegedProcess)
        {
            throw new JournalConfigurationException("ServiceNeedsAdministrator", JournalErrorKind.InvalidOperation,
                OperatingSystem.IsWindows() ? "Installing a service needs an elevated session: run PowerShell as Administrator." : "Installing a systemd unit needs root: run pwsh with sudo.");
        }
        if (OperatingSystem.IsWindows())
        {
            if (postgres)
            {
                // The service's command line would carry the connection string; Windows has no LoadCredential=.
                throw new JournalConfigurationException("InstallJournalListenerServicePostgresNotSupported", JournalErrorKind.InvalidOperation,
                    "On Windows the listener service runs over a SQLite store file for now. For a PostgreSQL store, run Start-JournalListener -Store <connection string> -Wait " +
                    "under your service manager, with the password in the service account's pgpass.conf (never in the connection string).");
            }
            return InstallWindows(request);
        }
        return InstallSystemd(request, warnings);
    }

    public IEnumerable<ListenerServiceInfo> List()
    {
        if (OperatingSystem.IsWindows())
        {
            return ListWindows();
        }
        if (!Directory.Exists(_unitDirectory))
        {
            return [];
        }
        return Directory.EnumerateFiles(_unitDirectory, "*.service")
            .Select(path => (path, unit: SystemdUnit.Parse(File.ReadAllText(path))))
            .Where(u => u.unit is not null)
            .Select(u => DescribeSystemd(u.path, u.unit!))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Stops, disables and removes the service and its stored certificate password. The store and the user stay.</summary>
    public void Uninstall(ListenerServiceInfo service)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new JournalConfigurationException("ServiceNeedsAdministrator", JournalErrorKind.InvalidOperation,
                OperatingSystem.IsWindows() ? "Removing a service needs an elevated session: run PowerShell as Administrator." : "Removing a systemd unit needs root: run pwsh with sudo.");
        }
        if (OperatingSystem.IsWindows())
        {
            if (service.State.Equals("RUNNING", StringComparison.OrdinalIgnoreCase))
            {
                Run("sc.exe", ["stop", service.Name], tolerate: true);
            }
            Run("sc.exe", ["delete", service.Name]);
            DeleteIfPresent(WindowsPasswordPath(service.Name));
            return;
        }
        var running = SystemdRunning;
        Run("systemctl", running ? ["disable", "--now", service.Name + ".service"] : ["disable", service.Name + ".service"]);
        DeleteIfPresent(service.Path);
        DeleteIfPresent(SystemdUnit.PasswordPath(service.Name));
        DeleteIfPresent(SystemdUnit.StorePath(service.Name));
        if (running)
        {
            Run("systemctl", ["daemon-reload"]);
        }
    }

    /// <summary>A unit with a PEM key and a file store has no credential folder at all: nothing to delete is fine.</summary>
    private static void DeleteIfPresent(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>systemd is the service manager of this machine (sd_booted(3)).</summary>
    public static bool SystemdRunning => Directory.Exists("/run/systemd/system");

    [UnsupportedOSPlatform("windows")]
    private ListenerServiceInfo InstallSystemd(ListenerServiceRequest request, ICollection<string> warnings)
    {
        var settings = request.Settings;
        var postgres = StoreLocation.IsConnectionString(settings.Store);
        if (!postgres)
        {
            CheckStoreFolder(settings, request.User, warnings);
        }
        if (request.HostAssembly.StartsWith("/root/", StringComparison.Ordinal) && request.User != "root")
        {
            warnings.Add($"The module is installed under /root, which the user {request.User} cannot reach: install it for all users (Install-PSResource MimecastJournaling -Scope AllUsers) and install the service again.");
        }

        if (Run("id", ["-u", request.User], tolerate: true).ExitCode != 0)
        {
            Run("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", request.User]);
        }
        var group = PrimaryGroup(request.User);
        var owner = request.User + ":" + group;
        if (!postgres)
        {
            GiveStoreFolder(settings.Store, owner);
        }
        foreach (var file in new[] { settings.CertificatePath, settings.KeyPath }.OfType<string>())
        {
            // The certificate and key stay where they are (a renewal replaces the files); the service's group may read them.
            Run("chgrp", [group, file]);
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserRead | UnixFileMode.GroupRead);
        }
        string? passwordSource = null;
        if (request.CertificatePassword is not null || postgres)
        {
            Directory.CreateDirectory(SystemdUnit.CredentialDirectory);
            File.SetUnixFileMode(SystemdUnit.CredentialDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (request.CertificatePassword is not null)
        {
            passwordSource = SystemdUnit.PasswordPath(settings.Name);
            WritePrivate(passwordSource, request.CertificatePassword);
        }
        if (StoreSource(settings) is { } storeSource)
        {
            WritePrivate(storeSource, settings.Store);
        }
        var unitPath = SystemdUnit.UnitPath(settings.Name, _unitDirectory);
        File.WriteAllText(unitPath, SystemdUnit.Render(UnitSettings(settings), request.Dotnet, request.HostAssembly, request.User, group, passwordSource, StoreSource(settings)));
        File.SetUnixFileMode(unitPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var unitName = settings.Name + ".service";
        if (SystemdRunning)
        {
            Run("systemctl", ["daemon-reload"]);
            Run("systemctl", request.Start ? ["enable", "--now", unitName] : ["enable", unitName]);
        }
        else
        {
            Run("systemctl", ["enable", unitName]);
            warnings.Add($"systemd is not running on this machine (no /run/systemd/system): {unitName} is written and enabled, and starts when the machine boots with systemd.");
        }
        return DescribeSystemd(unitPath, SystemdUnit.Parse(File.ReadAllText(unitPath))!);
    }

    /// <summary>A store file's folder must be the service's own, and reachable by its user.</summary>
    private static void CheckStoreFolder(ListenerHostSettings settings, string user, ICollection<string> warnings)
    {
        var storeDirectory = System.IO.Path.GetDirectoryName(settings.Store)!;
        if (SharedFolders.Contains(storeDirectory.TrimEnd('/') is { Length: > 0 } d ? d : "/", StringComparer.Ordinal))
        {
            throw new JournalConfigurationException("StoreFolderShared", JournalErrorKind.InvalidArgument,
                $"The store is directly in {storeDirectory}, which the service's user would have to own. Move it into a folder of its own (for example /var/lib/mimecastjournaling/journaling.db) and install again.", settings.Store);
        }
        if (settings.Store.StartsWith("/root/", StringComparison.Ordinal) && user != "root")
        {
            warnings.Add($"The store is under /root, which the user {user} cannot reach. Move it to /var/lib/mimecastjournaling, or give -User root.");
        }
    }

    /// <summary>The user owns the store's folder and files (the database, its -wal/-shm, spool and incoming files).</summary>
    [UnsupportedOSPlatform("windows")]
    private static void GiveStoreFolder(string store, string owner)
    {
        var storeDirectory = System.IO.Path.GetDirectoryName(store)!;
        Run("chown", [owner, storeDirectory]);
        File.SetUnixFileMode(storeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var prefix = System.IO.Path.GetFileNameWithoutExtension(store);
        foreach (var entry in Directory.EnumerateFileSystemEntries(storeDirectory, prefix + "*"))
        {
            Run("chown", ["-R", owner, entry]);
        }
    }

    /// <summary>The user's primary group; for a user still to be created, the group useradd --user-group gives it (its own name).</summary>
    private static string PrimaryGroup(string user)
    {
        if (OperatingSystem.IsWindows())
        {
            return user;
        }
        var (exitCode, output) = Run("id", ["-gn", user], tolerate: true);
        return exitCode == 0 && output.Trim().Length > 0 ? output.Trim() : user;
    }

    private static void WritePrivate(string path, string content)
    {
        // Created 0600 before the secret goes in (and made 0600 should the file exist already).
        using var writer = new StreamWriter(Security.PrivateFile.Create(path));
        writer.Write(content);
    }

    private static ListenerServiceInfo DescribeSystemd(string path, InstalledUnit unit)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var enabled = Run("systemctl", ["is-enabled", name + ".service"], tolerate: true).Output.Trim();
        var state = SystemdRunning ? Run("systemctl", ["is-active", name + ".service"], tolerate: true).Output.Trim() : "unknown (systemd is not running)";
        return new ListenerServiceInfo
        {
            Name = name,
            ServiceManager = "systemd",
            Path = path,
            Enabled = enabled.Length > 0 ? enabled : "unknown",
            State = state,
            User = unit.User,
            Store = unit.Settings.StoreCredential is null ? unit.Settings.Store : StoredLocation(name),
            Endpoints = unit.Settings.Endpoints.Select(e => e.ToString()).ToArray(),
            CertificatePath = unit.Settings.CertificatePath,
            CommandLine = string.Join(' ', unit.CommandLine.Select(SystemdUnit.Quote)),
        };
    }

    /// <summary>A PostgreSQL store kept in the service's credential file, shown without its password.</summary>
    private static string StoredLocation(string name)
    {
        var path = SystemdUnit.StorePath(name);
        try
        {
            return PostgresLocation.Parse(File.ReadAllText(path).Trim()).Display;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JournalConfigurationException)
        {
            return $"(PostgreSQL, in {path})";
        }
    }

    // ---- Windows (sc.exe): not testable on the Linux build machine ----

    private static string WindowsPasswordPath(string name) =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "MimecastJournaling", name + ".certificate-password");

    private static string WindowsCommandLine(ListenerServiceRequest request)
    {
        var settings = request.CertificatePassword is null ? request.Settings : request.Settings with { CertificatePasswordFile = WindowsPasswordPath(request.Settings.Name) };
        return string.Join(' ', new[] { request.Dotnet, request.HostAssembly }.Concat(settings.ToArguments()).Select(WindowsQuote));
    }

    private static string WindowsQuote(string word) =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c == '"') ? word : "\"" + word.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static ListenerServiceInfo InstallWindows(ListenerServiceRequest request)
    {
        var name = request.Settings.Name;
        var account = request.User == DefaultUser ? @"NT SERVICE\" + name : request.User;
        if (request.CertificatePassword is not null)
        {
            var path = WindowsPasswordPath(name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            WritePrivate(path, request.CertificatePassword);
            Run("icacls", [path, "/inheritance:r", "/grant:r", "SYSTEM:F", "Administrators:F", account + ":R"]);
        }
        Run("sc.exe", ["create", name, "binPath=", WindowsCommandLine(request), "start=", "delayed-auto", "obj=", account, "DisplayName=", $"MimecastJournaling journal listener ({name})"]);
        Run("sc.exe", ["failure", name, "reset=", "86400", "actions=", "restart/5000/restart/5000/restart/60000"]);
        if (request.Start)
        {
            Run("sc.exe", ["start", name]);
        }
        return ListWindows().FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new JournalConfigurationException("ServiceNotFound", JournalErrorKind.NotFound, $"sc.exe created {name}, but it is not listed.", name);
    }

    private static IEnumerable<ListenerServiceInfo> ListWindows()
    {
        if (!OperatingSystem.IsWindows())
        {
            return [];
        }
        return ListWindowsServices();
    }

    [SupportedOSPlatform("windows")]
    private static List<ListenerServiceInfo> ListWindowsServices()
    {
        var found = new List<ListenerServiceInfo>();
        using var services = Microsoft.Win32.Registry.LocalMachine.OpenSubKey(@"SYSTEM\CurrentControlSet\Services");
        foreach (var name in services?.GetSubKeyNames() ?? [])
        {
            using var key = services!.OpenSubKey(name);
            if (key?.GetValue("ImagePath") is not string image || !image.Contains(HostAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var words = SystemdUnit.Split(image.Replace("\\\"", "\u0001", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u0001", "\\\"", StringComparison.Ordinal));
            ListenerHostSettings? settings = null;
            try
            {
                settings = words.Count > 2 ? ListenerHostSettings.Parse(words.Skip(2).ToList()) : null;
            }
            catch (JournalConfigurationException)
            {
                // Not one of ours after all.
            }
            var query = Run("sc.exe", ["query", name], tolerate: true).Output;
            var state = query.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("STATE", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "unknown";
            found.Add(new ListenerServiceInfo
            {
                Name = name,
                ServiceManager = "Windows",
                Path = @"HKLM\SYSTEM\CurrentControlSet\Services\" + name,
                Enabled = key.GetValue("Start") is int start ? start switch { 2 => "automatic", 3 => "manual", 4 => "disabled", _ => start.ToString(System.Globalization.CultureInfo.InvariantCulture) } : "unknown",
                State = state,
                User = key.GetValue("ObjectName") as string ?? string.Empty,
                Store = settings?.Store ?? string.Empty,
                Endpoints = settings?.Endpoints.Select(e => e.ToString()).ToArray() ?? [],
                CertificatePath = settings?.CertificatePath,
                CommandLine = image,
            });
        }
        return found;
    }

    private static (int ExitCode, string Output) Run(string program, IReadOnlyList<string> arguments, bool tolerate = false)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new JournalConfigurationException("ServiceCommandMissing", JournalErrorKind.ResourceUnavailable,
                $"Cannot run {program}: {e.Message}. The service cmdlets need {program} on PATH.", program, e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && !tolerate)
            {
                throw new JournalConfigurationException("ServiceCommandFailed", JournalErrorKind.InvalidOperation,
                    $"'{program} {string.Join(' ', arguments)}' failed (exit code {process.ExitCode}): {error.Trim()}", program);
            }
            return (process.ExitCode, output.GetAwaiter().GetResult());
        }
    }
}
