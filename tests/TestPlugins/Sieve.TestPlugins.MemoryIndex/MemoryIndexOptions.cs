using System.ComponentModel.DataAnnotations;

namespace Sieve.TestPlugins.MemoryIndex;

public sealed class MemoryIndexOptions
{
    /// <summary>Scores are multiplied by this (lets tests see that options were bound).</summary>
    [Range(0.001, 1000.0)]
    public double ScoreScale { get; set; } = 1.0;
}
