using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Attention;

/// <summary>Options of <c>attention/block-sparse</c> (<c>Sieve:Operators:attention:Options</c>); <c>attention/layer-reuse</c> adds its policy.</summary>
public class BlockSparseAttentionOptions : IValidatableObject
{
    /// <summary>Tokens per key block and per query block (InfLLM-V2: 64).</summary>
    [Range(4, 4096)]
    public int BlockSize { get; set; } = 64;

    /// <summary>Key blocks each query block attends to, the forced ones (first block, local window) included.</summary>
    [Range(1, 1_000_000)]
    public int TopKBlocks { get; set; } = 16;

    /// <summary>When set (0–1], overrides <see cref="TopKBlocks"/>: that fraction of the key blocks, rounded up.</summary>
    [Range(0.0, 1.0)]
    public double Density { get; set; }

    /// <summary>Key blocks on each side of the query block that are always kept (only before it when causal).</summary>
    [Range(0, 1024)]
    public int WindowBlocks { get; set; } = 1;

    /// <summary>Always keep the first key block (the attention sink).</summary>
    public bool KeepFirstBlock { get; set; } = true;

    /// <summary>Inputs with fewer keys than this run dense attention.</summary>
    [Range(0, int.MaxValue)]
    public int DenseBelow { get; set; } = 2048;

    /// <summary>
    /// How each query chooses its key blocks (<see cref="BlockSelection"/>): <c>compressed</c> (InfLLM-V2's stage 1, per
    /// query token), <c>key-bounds</c> (Quest's bound from each block's elementwise key minimum and maximum), <c>oracle</c>
    /// (the exact attention mass per block, computed densely: a measuring tool), or <c>compressed-tile</c> (the compressed
    /// scores summed over a tile of <see cref="BlockSize"/> queries that share one choice: what the GPU kernels run).
    /// </summary>
    public string Selection { get; set; } = BlockSelection.Compressed;

    /// <summary>Tokens mean-pooled into one compressed key (InfLLM-V2: 32).</summary>
    [Range(1, 4096)]
    public int CompressionKernel { get; set; } = 32;

    /// <summary>Distance between compressed keys (InfLLM-V2: 16).</summary>
    [Range(1, 4096)]
    public int CompressionStride { get; set; } = 16;

    /// <summary>Tokens mean-pooled into one coarse key, over which <c>compressed</c> takes its softmax normaliser (InfLLM-V2: 128).</summary>
    [Range(1, 65536)]
    public int NormalizerKernel { get; set; } = 128;

    /// <summary>Distance between coarse keys (InfLLM-V2: 64).</summary>
    [Range(1, 65536)]
    public int NormalizerStride { get; set; } = 64;

    /// <summary>
    /// On the GPU, the precision of the block scores that choose the key blocks: <c>fp32</c> (the CPU's numbers exactly) or
    /// <c>fp16</c> (queries and compressed keys rounded to fp16 and scored on tensor cores, fp32 accumulation: many times
    /// faster at long contexts; head size 128). Attention over the chosen blocks is fp32 either way. Ignored on the CPU.
    /// </summary>
    public string ScorePrecision { get; set; } = "fp32";

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ScorePrecision is not ("fp32" or "fp16"))
        {
            yield return new ValidationResult($"must be fp32 or fp16, got '{ScorePrecision}'", [nameof(ScorePrecision)]);
        }
        if (!BlockSelection.All.Contains(Selection))
        {
            yield return new ValidationResult($"must be one of {string.Join(", ", BlockSelection.All)}, got '{Selection}'", [nameof(Selection)]);
        }
        if (NormalizerStride > NormalizerKernel)
        {
            yield return new ValidationResult($"must not exceed NormalizerKernel ({NormalizerKernel}), got {NormalizerStride}", [nameof(NormalizerStride)]);
        }
        if (BlockSize % 4 != 0)
        {
            yield return new ValidationResult($"must be a multiple of 4, got {BlockSize}", [nameof(BlockSize)]);
        }
        if (CompressionStride > CompressionKernel)
        {
            yield return new ValidationResult($"must not exceed CompressionKernel ({CompressionKernel}), got {CompressionStride}", [nameof(CompressionStride)]);
        }
    }
}
