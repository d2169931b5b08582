using System.Reflection;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// A store that delegates to a real one, except that the named methods fail as an unreachable
/// database does (StoreUnavailable) while <see cref="Failing"/> is set: to prove each path answers
/// store trouble with a temporary reply.
/// </summary>
public class FailingStore : DispatchProxy
{
    private IJournalStore _inner = null!;
    private HashSet<string> _methods = [];

    public bool Failing { get; set; }

    /// <summary>How many calls of the named methods still succeed once failing (to get past earlier steps of a session).</summary>
    public int CallsBeforeFailure { get; set; }

    public static (IJournalStore Store, FailingStore Control) Around(IJournalStore inner, params string[] methods)
    {
        var store = Create<IJournalStore, FailingStore>();
        var control = (FailingStore)(object)store;
        control._inner = inner;
        control._methods = [.. methods];
        return (store, control);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (Failing && _methods.Contains(method!.Name) && CallsBeforeFailure-- <= 0)
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable, "The test made the store unavailable.");
        }
        try
        {
            return method!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
