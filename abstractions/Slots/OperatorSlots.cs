namespace Sieve.Abstractions;

/// <summary>The names of the operator slots, as used in <c>Sieve:Operators:&lt;slot&gt;</c>.</summary>
public static class OperatorSlots
{
    /// <summary>Attention inside a model graph (<see cref="IAttention"/>).</summary>
    public const string Attention = "attention";

    /// <summary>The key/value cache between decode steps (<see cref="IKvCache"/>).</summary>
    public const string KvCache = "kv-cache";

    /// <summary>Weight quantization of constant MatMul weights (<see cref="IWeightQuantizer"/>).</summary>
    public const string WeightQuant = "weight-quant";

    /// <summary>The language-model output head (<see cref="ILmHead"/>).</summary>
    public const string LmHead = "lm-head";

    /// <summary>The lexical (vocabulary-weight) head for sparse retrieval (<see cref="ILexicalHead"/>).</summary>
    public const string LexicalHead = "lexical-head";

    /// <summary>The sparse inverted index (<see cref="ISparseIndex"/>).</summary>
    public const string SparseIndex = "sparse-index";

    /// <summary>Vision token sparsification (<see cref="ITokenSparsifier"/>).</summary>
    public const string TokenSparsifier = "token-sparsifier";

    /// <summary>The diffusion sampling schedule (<see cref="ISampler"/>).</summary>
    public const string Sampler = "sampler";
}
