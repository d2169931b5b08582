namespace MimecastJournaling.Engine.Tests.Parsing;

/// <summary>Locates tests/Fixtures, copied beside the test assembly by the csproj.</summary>
internal static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static byte[] Report(string name) => File.ReadAllBytes(Path.Combine(Root, "Reports", name));

    public static IEnumerable<string> AllReports() =>
        Directory.GetFiles(Path.Combine(Root, "Reports"), "*.eml").OrderBy(p => p, StringComparer.Ordinal);

    public static IEnumerable<string> FuzzSeeds() =>
        Directory.GetFiles(Path.Combine(Root, "Fuzz"), "*.eml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);
}
