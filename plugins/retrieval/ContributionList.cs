namespace Sieve.Plugins.Retrieval;

/// <summary>
/// One window's (list, contribution) entries, chained per document: what the essential lists gave each document,
/// kept so that its exact score can be summed in term order. Grows as needed; reused across windows of one search.
/// </summary>
internal sealed class ContributionList
{
    private int[] _lists = new int[1024];
    private float[] _values = new float[1024];
    private int[] _next = new int[1024];
    private int _count;

    public void Clear() => _count = 0;

    /// <summary>Appends an entry linked to <paramref name="next"/>; returns its index.</summary>
    public int Add(int list, float value, int next)
    {
        if (_count == _lists.Length)
        {
            Array.Resize(ref _lists, 2 * _count);
            Array.Resize(ref _values, 2 * _count);
            Array.Resize(ref _next, 2 * _count);
        }
        _lists[_count] = list;
        _values[_count] = value;
        _next[_count] = next;
        return _count++;
    }

    public int List(int entry) => _lists[entry];

    public float Value(int entry) => _values[entry];

    public int Next(int entry) => _next[entry];
}
