using ILGPU;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>Eight running sums, one per row of X (registers: a GPU thread cannot index an array of locals).</summary>
internal struct RowAccumulators
{
    public float A0, A1, A2, A3, A4, A5, A6, A7;

    /// <summary>Adds <paramref name="weight"/>·x[r, ·] for the first <paramref name="rows"/> rows; row r's value at <paramref name="at"/> + r·<paramref name="stride"/>.</summary>
    public void Add(float weight, ArrayView<float> x, int at, int stride, int rows)
    {
        A0 += weight * x[at];
        if (rows <= 1) { return; }
        A1 += weight * x[at + stride];
        if (rows <= 2) { return; }
        A2 += weight * x[at + 2 * stride];
        if (rows <= 3) { return; }
        A3 += weight * x[at + 3 * stride];
        if (rows <= 4) { return; }
        A4 += weight * x[at + 4 * stride];
        if (rows <= 5) { return; }
        A5 += weight * x[at + 5 * stride];
        if (rows <= 6) { return; }
        A6 += weight * x[at + 6 * stride];
        if (rows <= 7) { return; }
        A7 += weight * x[at + 7 * stride];
    }

    /// <summary>Row <paramref name="row"/>'s sum.</summary>
    public readonly float Get(int row) => row switch
    {
        0 => A0,
        1 => A1,
        2 => A2,
        3 => A3,
        4 => A4,
        5 => A5,
        6 => A6,
        _ => A7,
    };
}
