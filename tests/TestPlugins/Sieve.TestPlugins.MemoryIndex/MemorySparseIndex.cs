using System.Globalization;
using Sieve.Abstractions;

namespace Sieve.TestPlugins.MemoryIndex;

/// <summary>Stores "origin" then "id term:weight ..." lines; searches by exact dot product.</summary>
public sealed class MemorySparseIndex(MemoryIndexOptions options) : ISparseIndex
{
    public ISparseIndexWriter Create(string path, string origin) => new Writer(path, origin);

    public ISparseIndexReader Open(string path, string origin)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != origin)
        {
            throw new InvalidDataException($"{path} was built from '{(lines.Length == 0 ? "" : lines[0])}', not '{origin}'.");
        }
        var documents = lines.Skip(1).Select(Parse).ToList();
        return new Reader(documents, options.ScoreScale);
    }

    private static (string Id, Dictionary<int, float> Terms) Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var terms = parts.Skip(1).Select(p => p.Split(':')).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => float.Parse(p[1], CultureInfo.InvariantCulture));
        return (parts[0], terms);
    }

    private sealed class Writer(string path, string origin) : ISparseIndexWriter
    {
        private readonly List<string> _lines = [origin];

        public void Add(string id, SparseVector vector)
        {
            var terms = new List<string>();
            for (var i = 0; i < vector.Count; i++)
            {
                terms.Add(string.Create(CultureInfo.InvariantCulture, $"{vector.Terms[i]}:{vector.Weights[i]}"));
            }
            _lines.Add(id + " " + string.Join(' ', terms));
        }

        public void Complete()
        {
            File.WriteAllLines(path + ".tmp", _lines);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        public void Dispose() { }
    }

    private sealed class Reader(List<(string Id, Dictionary<int, float> Terms)> documents, double scale) : ISparseIndexReader
    {
        public IReadOnlyList<SearchHit> Search(SparseVector query, int k)
        {
            var hits = new List<SearchHit>();
            foreach (var (id, terms) in documents)
            {
                float score = 0;
                for (var i = 0; i < query.Count; i++)
                {
                    score += terms.GetValueOrDefault(query.Terms[i]) * query.Weights[i];
                }
                hits.Add(new SearchHit(id, (float)(score * scale)));
            }
            return hits.OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).Take(k).ToList();
        }

        public void Dispose() { }
    }
}
