using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MimecastJournaling.Loader;

/// <summary>
/// A private AssemblyLoadContext for the module's own assemblies and every third-party assembly
/// shipped beside them (SQLite, DnsClient, MimeKit, MSAL, …). Admins load ExchangeOnlineManagement,
/// Microsoft.Graph and Az into the same session; their versions of shared dependencies must never
/// meet ours. Anything not found in the module's folder (the BCL, System.Management.Automation)
/// falls through to the default context.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? _instance;

    private readonly string _directory;
    private readonly string[] _nativeDirectories;

    private ModuleLoadContext(string directory) : base("MimecastJournaling", isCollectible: false)
    {
        _directory = directory;
        _nativeDirectories = NativeRuntimeIdentifiers()
            .Select(rid => Path.Combine(directory, "runtimes", rid, "native"))
            .Where(Directory.Exists)
            .ToArray();
    }

    /// <summary>Loads the cmdlet assembly into the private context once per process and returns it.</summary>
    public static Assembly Initialize(string directory, string mainAssemblyName)
    {
        lock (Gate)
        {
            _instance ??= new ModuleLoadContext(Path.GetFullPath(directory));
            return _instance.LoadFromAssemblyName(new AssemblyName(mainAssemblyName));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // The loader itself stays in the default context so its types are unified.
        if (assemblyName.Name == typeof(ModuleLoadContext).Assembly.GetName().Name)
        {
            return null;
        }
        // Packages bring newer copies of framework assemblies (System.Formats.Asn1, …) for older
        // runtimes. Where the running framework has the requested version or newer, use it: one
        // copy of a framework type in the process.
        if (FrameworkHas(assemblyName))
        {
            return null;
        }
        var candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    private static bool FrameworkHas(AssemblyName requested)
    {
        var frameworkPath = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), requested.Name + ".dll");
        if (!File.Exists(frameworkPath))
        {
            return false;
        }
        var available = AssemblyName.GetAssemblyName(frameworkPath).Version;
        return requested.Version is null || (available is not null && available >= requested.Version);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // A custom context does not read deps.json, so native libraries (e_sqlite3) are probed
        // in the NuGet runtimes/<rid>/native layout that dotnet publish writes.
        foreach (var directory in _nativeDirectories)
        {
            foreach (var fileName in NativeFileNames(unmanagedDllName))
            {
                var path = Path.Combine(directory, fileName);
                if (File.Exists(path))
                {
                    return LoadUnmanagedDllFromPath(path);
                }
            }
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> NativeFileNames(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows())
        {
            yield return name + ".dll";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "lib" + name + ".dylib";
            yield return name + ".dylib";
        }
        else
        {
            yield return "lib" + name + ".so";
            yield return name + ".so";
        }
    }

    private static IEnumerable<string> NativeRuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        yield return RuntimeInformation.RuntimeIdentifier;
        if (OperatingSystem.IsWindows())
        {
            yield return "win-" + arch;
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "osx-" + arch;
            yield return "osx";
        }
        else
        {
            yield return "linux-" + arch;
            yield return "linux-musl-" + arch;
        }
    }
}
