using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Commands;

/// <summary>Tab completion of names from the store the command line points at (its -Store, or the default).</summary>
public abstract class StoreNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> names;
        try
        {
            var location = fakeBoundParameters.Contains("Store") ? fakeBoundParameters["Store"] as string : null;
            // Completing a name must not create a store that does not exist yet.
            names = JournalBackend.Exists(location) ? Names(JournalBackend.Open(location).Store) : [];
        }
        catch (Exception)
        {
            // Completion must never throw at the prompt; no store means nothing to offer.
            yield break;
        }
        var prefix = wordToComplete.Trim('\'', '"');
        foreach (var name in names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            var text = name.Any(c => char.IsWhiteSpace(c) || "'\"$`;(){}@,&|<>#".Contains(c)) ? "'" + name.Replace("'", "''") + "'" : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }
    }

    protected abstract IEnumerable<string> Names(IJournalStore store);
}

public sealed class DefinitionNameCompleter : StoreNameCompleter
{
    protected override IEnumerable<string> Names(IJournalStore store) => store.GetDefinitions().Select(d => d.Description);
}

public sealed class DomainNameCompleter : StoreNameCompleter
{
    protected override IEnumerable<string> Names(IJournalStore store) => store.GetDomains().Select(d => d.Name);
}
