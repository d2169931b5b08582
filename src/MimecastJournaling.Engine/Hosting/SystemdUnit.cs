using System.Text;

namespace MimecastJournaling.Engine.Hosting;

/// <summary>
/// The hardened systemd unit that runs the service host: Type=notify (the host reports READY=1 and
/// STOPPING=1), its own unprivileged user with only CAP_NET_BIND_SERVICE (port 25 without root),
/// a read-only system with write access to the store's folder only, and the certificate password
/// passed as a systemd credential (never on the command line, never in the unit).
/// </summary>
public static class SystemdUnit
{
    /// <summary>The first line of every unit this module writes; Get-/Uninstall- only touch units that carry it.</summary>
    public const string Marker = "# Written by Install-JournalListenerService (MimecastJournaling).";

    public const string DefaultDirectory = "/etc/systemd/system";

    /// <summary>Where a certificate password for the service is kept (0600, root), for LoadCredential=.</summary>
    public const string CredentialDirectory = "/etc/mimecastjournaling";

    public static string UnitPath(string name, string directory = DefaultDirectory) => Path.Combine(directory, name + ".service");

    public static string PasswordPath(string name) => Path.Combine(CredentialDirectory, name + ".certificate-password");

    /// <summary>Where a PostgreSQL store's connection string for the service is kept (0600, root), for LoadCredential=.</summary>
    public static string StorePath(string name) => Path.Combine(CredentialDirectory, name + ".store");

    /// <summary>The unit text. <paramref name="dotnet"/> runs <paramref name="hostAssembly"/> (MimecastJournaling.Host.dll) as <paramref name="user"/>:<paramref name="group"/>.</summary>
    /// <remarks>
    /// A store read from a credential (<see cref="ListenerHostSettings.StoreCredential"/>, PostgreSQL) comes from
    /// <paramref name="storeSource"/>; the service then writes nowhere but its private /tmp.
    /// </remarks>
    public static string Render(ListenerHostSettings settings, string dotnet, string hostAssembly, string user, string group, string? passwordSource, string? storeSource = null)
    {
        var storeDirectory = settings.StoreCredential is null ? Path.GetDirectoryName(settings.Store)! : null;
        // A store or program under a home folder needs it readable; ProtectHome=yes would hide it.
        var underHome = new[] { settings.Store, hostAssembly, settings.CertificatePath ?? string.Empty, settings.KeyPath ?? string.Empty }
            .Any(p => p.StartsWith("/home/", StringComparison.Ordinal) || p.StartsWith("/root/", StringComparison.Ordinal));
        var command = new StringBuilder();
        command.Append(Quote(dotnet)).Append(' ').Append(Quote(hostAssembly));
        foreach (var argument in settings.ToArguments())
        {
            command.Append(' ').Append(Quote(argument));
        }
        var unit = new StringBuilder();
        unit.AppendLine(Marker);
        unit.AppendLine("# Remove it with Uninstall-JournalListenerService; change it by installing again.");
        unit.AppendLine("[Unit]");
        unit.AppendLine($"Description=MimecastJournaling journal listener ({settings.Name})");
        unit.AppendLine("After=network-online.target");
        unit.AppendLine("Wants=network-online.target");
        unit.AppendLine();
        unit.AppendLine("[Service]");
        unit.AppendLine("Type=notify");
        unit.AppendLine("ExecStart=" + command);
        unit.AppendLine("User=" + user);
        unit.AppendLine("Group=" + group);
        if (passwordSource is not null)
        {
            unit.AppendLine($"LoadCredential={ListenerHostSettings.PasswordCredentialName}:{passwordSource}");
        }
        if (settings.StoreCredential is not null && storeSource is not null)
        {
            unit.AppendLine($"LoadCredential={settings.StoreCredential}:{storeSource}");
        }
        unit.AppendLine("Environment=DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1");
        unit.AppendLine("Restart=on-failure");
        unit.AppendLine("RestartSec=5");
        unit.AppendLine("TimeoutStartSec=120");
        // The host lets sessions finish for StopTimeout, then stores what is queued.
        unit.AppendLine($"TimeoutStopSec={(int)settings.StopTimeout.TotalSeconds + 60}");
        unit.AppendLine("KillMode=mixed");
        unit.AppendLine("AmbientCapabilities=CAP_NET_BIND_SERVICE");
        unit.AppendLine("CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
        unit.AppendLine("NoNewPrivileges=yes");
        unit.AppendLine("ProtectSystem=strict");
        unit.AppendLine("ProtectHome=" + (underHome ? "read-only" : "yes"));
        if (storeDirectory is not null)
        {
            unit.AppendLine("ReadWritePaths=" + Quote(storeDirectory));
        }
        unit.AppendLine("PrivateTmp=yes");
        unit.AppendLine("PrivateDevices=yes");
        unit.AppendLine("ProtectKernelTunables=yes");
        unit.AppendLine("ProtectKernelModules=yes");
        unit.AppendLine("ProtectKernelLogs=yes");
        unit.AppendLine("ProtectControlGroups=yes");
        unit.AppendLine("ProtectClock=yes");
        unit.AppendLine("ProtectHostname=yes");
        unit.AppendLine("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX");
        unit.AppendLine("RestrictNamespaces=yes");
        unit.AppendLine("RestrictRealtime=yes");
        unit.AppendLine("RestrictSUIDSGID=yes");
        unit.AppendLine("LockPersonality=yes");
        unit.AppendLine("SystemCallArchitectures=native");
        unit.AppendLine("UMask=0077");
        unit.AppendLine("# MemoryDenyWriteExecute= stays off: the .NET JIT writes the code it runs.");
        unit.AppendLine();
        unit.AppendLine("[Install]");
        unit.AppendLine("WantedBy=multi-user.target");
        return unit.ToString();
    }

    /// <summary>What a unit written by <see cref="Render"/> runs; null for a unit this module did not write.</summary>
    public static InstalledUnit? Parse(string text)
    {
        if (!text.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }
        string? execStart = null;
        string? user = null;
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("ExecStart=", StringComparison.Ordinal))
            {
                execStart = line["ExecStart=".Length..];
            }
            else if (line.StartsWith("User=", StringComparison.Ordinal))
            {
                user = line["User=".Length..];
            }
        }
        if (execStart is null)
        {
            return null;
        }
        var words = Split(execStart);
        if (words.Count < 2)
        {
            return null;
        }
        return new InstalledUnit(ListenerHostSettings.Parse(words.Skip(2).ToList()), words[0], words[1], user ?? "root", words);
    }

    /// <summary>One word of ExecStart= (systemd.service "Command lines": double quotes, C escapes, % specifiers, $ variables).</summary>
    public static string Quote(string word)
    {
        var escaped = word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        return escaped.Length > 0 && escaped.All(c => !char.IsWhiteSpace(c) && c != ';' && c != '\'') && escaped == word
            ? word
            : "\"" + escaped + "\"";
    }

    /// <summary>Splits an ExecStart= line written by <see cref="Quote"/> back into its words.</summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inQuotes = false;
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '\\' && i + 1 < commandLine.Length)
            {
                current.Append(commandLine[++i]);
                inWord = true;
            }
            else if ((c == '%' || c == '$') && i + 1 < commandLine.Length && commandLine[i + 1] == c)
            {
                current.Append(c);
                i++;
                inWord = true;
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) && !inQuotes)
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }
}

/// <summary>A unit as written: the host's settings, the program that runs it, its user and the whole command line.</summary>
public sealed record InstalledUnit(ListenerHostSettings Settings, string Dotnet, string HostAssembly, string User, IReadOnlyList<string> CommandLine);
