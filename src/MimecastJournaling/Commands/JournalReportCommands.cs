using System.Management.Automation;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Commands;

/// <summary>Reads journal report files and shows what the parser sees (for debugging a report).</summary>
[Cmdlet(VerbsCommunications.Read, "JournalReport", DefaultParameterSetName = PathSet)]
[OutputType(typeof(JournalReport))]
public sealed class ReadJournalReportCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var file in FileInput.Resolve(this, ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
        {
            if (FileInput.TryRead(this, file) is { } bytes)
            {
                WriteObject(JournalReportParser.Parse(bytes));
            }
        }
    }
}
