using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Heads.Gpu;

/// <summary>
/// One thread's 8 tokens × 8 terms of a <see cref="LexicalTile"/>: A0..A3 are its tokens 4·ty + j, A4..A7 its tokens
/// 64 + 4·ty + j; each Vec8 holds terms 4·tx + x (X0..X3) and 64 + 4·tx + x (X4..X7). Device code.
/// </summary>
internal struct TileLogits
{
    public Vec8 A0;
    public Vec8 A1;
    public Vec8 A2;
    public Vec8 A3;
    public Vec8 A4;
    public Vec8 A5;
    public Vec8 A6;
    public Vec8 A7;

    /// <summary>The token offset in the tile of row j for thread row ty.</summary>
    public static int Token(int ty, int j) => j < 4 ? 4 * ty + j : 64 + 4 * ty + j - 4;
}
