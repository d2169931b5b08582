using System.Net;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;

namespace MimecastJournaling.Engine.Tests.Hosting;

/// <summary>The host's command line and the systemd unit that carries it: what one writes, the other reads.</summary>
public sealed class ServiceHostSettingsTests
{
    private static readonly ListenerHostSettings Full = new()
    {
        Name = "journal-eu",
        Store = "/var/lib/mimecast journaling/50% of $HOME/journaling.db",
        BindAddress = IPAddress.Parse("192.0.2.10"),
        Port = 2525,
        ImplicitTlsPort = 465,
        CertificatePath = "/etc/letsencrypt/live/archive \"new\"/fullchain.pem",
        KeyPath = "/etc/letsencrypt/live/archive \"new\"/privkey.pem",
        MetricsPrefix = "http://127.0.0.1:9425/",
        ServerName = "archive.contoso.com",
        MaxConnections = 250,
        MaxConnectionsPerSource = 60,
        StopTimeout = TimeSpan.FromSeconds(45),
    };

    [Fact]
    public void Arguments_round_trip()
    {
        var parsed = ListenerHostSettings.Parse(Full.ToArguments());
        Assert.Equal(Full, parsed);
        Assert.Equal(["192.0.2.10:2525", "192.0.2.10:465 (implicit TLS)"], parsed.Endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void Defaults_need_only_the_store()
    {
        var settings = ListenerHostSettings.Parse(["--store", "/srv/mj/journaling.db"]);
        Assert.Equal(IPAddress.Any, settings.BindAddress);
        Assert.Equal(25, settings.Port);
        Assert.Null(settings.ImplicitTlsPort);
        Assert.Null(settings.CertificatePath);
        Assert.Equal(["--name", "mimecastjournaling", "--store", "/srv/mj/journaling.db", "--bind", "0.0.0.0", "--port", "25"], settings.ToArguments());
    }

    [Theory]
    [InlineData(new[] { "--port", "25" }, "Give either --store")]
    [InlineData(new[] { "--store", "/x.db", "--store-credential", "store" }, "not both")]
    [InlineData(new[] { "--store", "/x.db", "--prot", "25" }, "'--prot' is not an option")]
    [InlineData(new[] { "--store", "/x.db", "--port" }, "--port needs a value")]
    [InlineData(new[] { "--store", "/x.db", "--port", "70000" }, "--port '70000' is not a number from 0 to 65535")]
    [InlineData(new[] { "--store", "/x.db", "--bind", "mail.contoso.com" }, "is not an IP address")]
    [InlineData(new[] { "--store", "/x.db", "--certificate-password", "secret" }, "'--certificate-password' is not an option")]
    public void Bad_arguments_are_refused_with_what_is_accepted(string[] arguments, string expected)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => ListenerHostSettings.Parse(arguments));
        Assert.Equal("HostArgumentInvalid", e.ErrorId);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("--certificate-password-file", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unit_is_hardened_and_its_ExecStart_reads_back_to_the_same_settings()
    {
        var unit = SystemdUnit.Render(Full, "/usr/bin/dotnet", "/opt/mj/bin/MimecastJournaling.Host.dll", "mimecastjournaling", "mimecastjournaling",
            "/etc/mimecastjournaling/journal-eu.certificate-password");
        var lines = unit.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(SystemdUnit.Marker, lines[0]);
        foreach (var expected in new[]
        {
            "Type=notify", "User=mimecastjournaling", "Group=mimecastjournaling", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
            "ReadWritePaths=\"/var/lib/mimecast journaling/50%% of $$HOME\"", "PrivateTmp=yes", "UMask=0077", "TimeoutStopSec=105",
            "LoadCredential=certificate-password:/etc/mimecastjournaling/journal-eu.certificate-password", "WantedBy=multi-user.target",
        })
        {
            Assert.Contains(expected, lines);
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("MemoryDenyWriteExecute=", StringComparison.Ordinal));

        var installed = SystemdUnit.Parse(unit);
        Assert.NotNull(installed);
        Assert.Equal(Full, installed.Settings);
        Assert.Equal("/usr/bin/dotnet", installed.Dotnet);
        Assert.Equal("/opt/mj/bin/MimecastJournaling.Host.dll", installed.HostAssembly);
        Assert.Equal("mimecastjournaling", installed.User);
    }

    [Fact]
    public void A_store_under_a_home_folder_keeps_home_readable()
    {
        var unit = SystemdUnit.Render(Full with { Store = "/home/admin/journaling.db" }, "/usr/bin/dotnet", "/opt/mj/MimecastJournaling.Host.dll", "mj", "mj", null);
        Assert.Contains("ProtectHome=read-only", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("LoadCredential=", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PostgreSQL_store_comes_from_a_credential_and_never_sits_in_the_unit()
    {
        var settings = Full with { Store = string.Empty, StoreCredential = ListenerHostSettings.StoreCredentialName };
        var unit = SystemdUnit.Render(settings, "/usr/bin/dotnet", "/opt/mj/bin/MimecastJournaling.Host.dll", "mj", "mj", null, SystemdUnit.StorePath("journal-eu"));
        var lines = unit.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains("LoadCredential=store:/etc/mimecastjournaling/journal-eu.store", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("ReadWritePaths=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal) && l.Contains("--store-credential store", StringComparison.Ordinal) && !l.Contains("--store ", StringComparison.Ordinal));
        Assert.Equal(settings, SystemdUnit.Parse(unit)!.Settings);
    }

    [Fact]
    public void The_host_reads_the_store_from_its_credential_and_says_when_it_is_missing()
    {
        var folder = Directory.CreateTempSubdirectory("mj-credentials-").FullName;
        try
        {
            const string location = "Host=db.contoso.test;Database=journal;Username=mj;Password=never-in-a-unit";
            File.WriteAllText(Path.Combine(folder, "store"), location + "\n");
            var parsed = ListenerHostSettings.Parse(["--store-credential", "store", "--port", "2525"]);
            Assert.Equal(string.Empty, parsed.Store);

            Assert.Equal(location, parsed.WithStoreFromCredential(folder).Store);
            var e = Assert.Throws<JournalConfigurationException>(() => parsed.WithStoreFromCredential(null));
            Assert.Equal("HostStoreCredentialMissing", e.ErrorId);
            Assert.Contains("LoadCredential=store:", e.Message, StringComparison.Ordinal);
            // A store given on the command line is left as it is.
            var direct = ListenerHostSettings.Parse(["--store", "/srv/mj/journaling.db"]);
            Assert.Same(direct, direct.WithStoreFromCredential(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_unit_not_written_by_the_module_is_not_ours() =>
        Assert.Null(SystemdUnit.Parse("[Unit]\nDescription=postfix\n[Service]\nExecStart=/usr/sbin/postfix start\n"));
}
