using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>
/// One object a cmdlet returned: a flat, case-insensitive property bag. Values are
/// <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, null,
/// <see cref="IReadOnlyList{T}"/> of those, or a nested <see cref="ExchangeObject"/>. The
/// "<c>Prop@odata.type</c>" sidecars the service adds are dropped.
/// </summary>
public sealed class ExchangeObject : IReadOnlyDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _properties;

    /// <summary>Creates an object from properties (copied).</summary>
    public ExchangeObject(IEnumerable<KeyValuePair<string, object?>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        _properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in properties) _properties[k] = v;
    }

    /// <inheritdoc />
    public object? this[string key] => _properties.TryGetValue(key, out var v) ? v : null;
    /// <inheritdoc />
    public IEnumerable<string> Keys => _properties.Keys;
    /// <inheritdoc />
    public IEnumerable<object?> Values => _properties.Values;
    /// <inheritdoc />
    public int Count => _properties.Count;
    /// <inheritdoc />
    public bool ContainsKey(string key) => _properties.ContainsKey(key);
    /// <inheritdoc />
    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The property as text (numbers and booleans in invariant form), or null.</summary>
    public string? GetString(string name) => this[name] switch
    {
        null => null,
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => string.Join(",", list),
        var other => other.ToString(),
    };

    /// <summary>The property as a boolean ("True"/"False" strings accepted), or null.</summary>
    public bool? GetBoolean(string name) => this[name] switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        _ => null,
    };

    /// <summary>The property as an integer (numeric strings accepted), or null.</summary>
    public long? GetInt64(string name) => this[name] switch
    {
        long l => l,
        double d when d == Math.Floor(d) => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    /// <summary>The property as a date and time (ISO 8601 or invariant text), or null.</summary>
    public DateTimeOffset? GetDateTime(string name) =>
        GetString(name) is { Length: > 0 } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>The property as a list of strings (a single value becomes a one-item list; null, an empty list).</summary>
    public IReadOnlyList<string> GetStrings(string name) => this[name] switch
    {
        null => Array.Empty<string>(),
        IReadOnlyList<object?> list => list.Where(x => x is not null).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)!).ToArray(),
        var one => new[] { Convert.ToString(one, CultureInfo.InvariantCulture)! },
    };

    /// <inheritdoc />
    public override string ToString() => GetString("Identity") ?? GetString("Name") ?? $"ExchangeObject ({Count} properties)";

    internal static ExchangeObject FromJson(JsonElement element)
    {
        var props = new List<KeyValuePair<string, object?>>();
        foreach (var p in element.EnumerateObject())
        {
            // "Prop@odata.type" / "Prop@data.type" / "@odata.*" annotations are metadata, not properties.
            if (p.Name.Contains('@', StringComparison.Ordinal)) continue;
            props.Add(new(p.Name, ToValue(p.Value)));
        }
        return new ExchangeObject(props);
    }

    internal static object? ToValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.Object => FromJson(e),
        _ => null,
    };
}

/// <summary>What one cmdlet invocation returned, over all pages.</summary>
/// <param name="Objects">The objects, in the order the service sent them.</param>
/// <param name="Warnings">The cmdlet's warnings (<c>@adminapi.warnings</c>).</param>
/// <param name="Pages">How many responses were read (1 + followed nextLinks; 0 when a retry hook completed the call).</param>
public sealed record ExchangeCommandResult(IReadOnlyList<ExchangeObject> Objects, IReadOnlyList<string> Warnings, int Pages)
{
    /// <summary>An empty result.</summary>
    public static ExchangeCommandResult Empty { get; } = new(Array.Empty<ExchangeObject>(), Array.Empty<string>(), 0);
}

/// <summary>
/// Cmdlet parameters in the order given. Values: string, bool (switches are <c>true</c>), numbers,
/// enums (sent by name), <see cref="DateTime"/>/<see cref="DateTimeOffset"/> (ISO 8601 UTC),
/// <see cref="Guid"/>, sequences (JSON arrays), dictionaries (Exchange hashtables) or null.
/// </summary>
public sealed class ExchangeParameters : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items = new();

    /// <summary>Adds or replaces a parameter.</summary>
    public ExchangeParameters Add(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var i = _items.FindIndex(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i >= 0) _items[i] = new(name, value); else _items.Add(new(name, value));
        return this;
    }

    /// <summary>Adds the parameter only when <paramref name="value"/> is not null.</summary>
    public ExchangeParameters AddIfNotNull(string name, object? value) => value is null ? this : Add(name, value);

    /// <summary>True when a parameter of that name (any case) is present.</summary>
    public bool Contains(string name) => _items.Exists(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The number of parameters.</summary>
    public int Count => _items.Count;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
