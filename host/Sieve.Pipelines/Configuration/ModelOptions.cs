namespace Sieve.Host.Configuration;

/// <summary><c>Sieve:Models:&lt;name&gt;</c>: one ONNX model and its tokenizer.</summary>
public sealed class ModelOptions
{
    /// <summary>The .onnx file.</summary>
    public string Path { get; set; } = "";

    /// <summary>The tokenizer's vocabulary (BERT WordPiece <c>vocab.txt</c>).</summary>
    public string? Tokenizer { get; set; }

    /// <summary>Longest input in tokens, special tokens included; longer inputs are truncated and reported.</summary>
    public int MaxSequenceLength { get; set; } = 512;
}
