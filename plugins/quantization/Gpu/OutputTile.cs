using ILGPU;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>One thread's 4 × 4 outputs of a GEMM tile, in registers.</summary>
internal struct OutputTile
{
    public float C00, C01, C02, C03, C10, C11, C12, C13, C20, C21, C22, C23, C30, C31, C32, C33;

    /// <summary>Adds the outer product of rows a0..a3 and columns b0..b3.</summary>
    public void Add(float a0, float a1, float a2, float a3, float b0, float b1, float b2, float b3)
    {
        C00 += a0 * b0; C01 += a0 * b1; C02 += a0 * b2; C03 += a0 * b3;
        C10 += a1 * b0; C11 += a1 * b1; C12 += a1 * b2; C13 += a1 * b3;
        C20 += a2 * b0; C21 += a2 * b1; C22 += a2 * b2; C23 += a2 * b3;
        C30 += a3 * b0; C31 += a3 * b1; C32 += a3 * b2; C33 += a3 * b3;
    }

    /// <summary>Element (i, j).</summary>
    public readonly float Get(int i, int j) => (i * 4 + j) switch
    {
        0 => C00, 1 => C01, 2 => C02, 3 => C03,
        4 => C10, 5 => C11, 6 => C12, 7 => C13,
        8 => C20, 9 => C21, 10 => C22, 11 => C23,
        12 => C30, 13 => C31, 14 => C32, _ => C33,
    };

    /// <summary>Stores the tile's elements that fall inside Y [rows, columns] at (row, column).</summary>
    public readonly void Store(ArrayView<float> y, int row, int column, int rows, int columns)
    {
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                if (row + i < rows && column + j < columns)
                {
                    y[(row + i) * columns + column + j] = Get(i, j);
                }
            }
        }
    }
}
