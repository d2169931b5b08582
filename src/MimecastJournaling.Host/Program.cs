using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;

namespace MimecastJournaling.Host;

/// <summary>
/// dotnet MimecastJournaling.Host.dll --store PATH|--store-credential NAME [--bind ADDRESS] [--port N] [--implicit-tls-port N]
/// [--certificate PFX] [--certificate-password-file FILE] [--server-name NAME] [--max-connections N]
/// [--stop-timeout SECONDS] [--name SERVICE]. Exit codes: 0 stopped cleanly, 1 could not start or
/// failed, 2 bad arguments.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--help"] or ["-h"] or ["-?"])
        {
            Console.WriteLine("MimecastJournaling journal listener host. Options: " + string.Join(" ", ListenerHostSettings.KnownOptions.Select(o => $"[{o} <value>]")));
            Console.WriteLine("--store (a store file or a PostgreSQL connection string) or --store-credential (a systemd credential holding it) is required. "
                + "A certificate password is read from --certificate-password-file or, under systemd, from the credential '"
                + ListenerHostSettings.PasswordCredentialName + "' (LoadCredential=).");
            return 0;
        }
        ListenerHostSettings settings;
        try
        {
            settings = ListenerHostSettings.Parse(args).WithStoreFromCredential(Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY"));
        }
        catch (JournalConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ApplicationName = "MimecastJournaling.Host",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddWindowsService(options => options.ServiceName = settings.Name);
        builder.Services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !OperatingSystem.IsWindows()
            && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // The library speaks sd_notify only when its parent process is systemd. Like sd_notify(3),
            // report to NOTIFY_SOCKET whenever it is set (a supervisor other than systemd, a test).
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.StopTimeout + TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<ListenerService>();

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MimecastJournaling.Host");
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (JournalConfigurationException e)
        {
            logger.LogCritical("{ErrorId}: {Message}", e.ErrorId, e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ExternalException)
        {
            logger.LogCritical(e, "The journal listener host failed: {Message}", e.Message);
            return 1;
        }
    }
}
