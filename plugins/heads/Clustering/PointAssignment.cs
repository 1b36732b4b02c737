namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// What an assignment pass gives for N points: each point's nearest centroid (ties: the lower id), its squared
/// distance, and the squared distance to the second nearest (what a balanced pass loses by moving the point).
/// </summary>
public sealed class PointAssignment(int points)
{
    public int[] Nearest { get; } = new int[points];

    public float[] Distance { get; } = new float[points];

    /// <summary>+∞ when K = 1.</summary>
    public float SecondDistance(int point) => _second[point];

    internal float[] Second => _second;

    private readonly float[] _second = new float[points];

    public int Count => Nearest.Length;
}
