namespace Sieve.Abstractions;

/// <summary>Element types a tensor view can carry (the subset of ONNX types Sieve's operators use).</summary>
public enum TensorElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float32,

    /// <summary>16-bit IEEE float.</summary>
    Float16,

    /// <summary>Signed 8-bit integer (quantized weights and caches).</summary>
    Int8,

    /// <summary>Unsigned 8-bit integer (quantized impacts).</summary>
    UInt8,

    /// <summary>Signed 32-bit integer.</summary>
    Int32,

    /// <summary>Signed 64-bit integer (token ids, masks).</summary>
    Int64,

    /// <summary>Boolean, one byte each (masks; contract 4.0).</summary>
    Bool,
}
