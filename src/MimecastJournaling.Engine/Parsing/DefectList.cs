namespace MimecastJournaling.Engine.Parsing;

/// <summary>Collects defects, capped so that a hostile report cannot make the list huge.</summary>
internal sealed class DefectList
{
    internal const int Limit = 50;
    private readonly List<string> _items = new();
    private int _suppressed;

    public void Add(string defect)
    {
        if (_items.Count < Limit)
        {
            _items.Add(defect);
        }
        else
        {
            _suppressed++;
        }
    }

    /// <summary>Takes over another list's defects, counting its suppressed ones as suppressed here.</summary>
    public void AddFrom(DefectList other)
    {
        foreach (var item in other._items)
        {
            Add(item);
        }
        _suppressed += other._suppressed;
    }

    public IReadOnlyList<string> ToList()
    {
        if (_suppressed == 0)
        {
            return _items.ToArray();
        }
        var all = new List<string>(_items) { $"{_suppressed} further defects were not listed." };
        return all;
    }
}
