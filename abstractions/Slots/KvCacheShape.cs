using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>What one generation batch needs of its KV cache (contract 4.0: one argument, so later fields are minor versions).</summary>
/// <param name="Layers">Number of decoder layers.</param>
/// <param name="Batch">Number of sequences.</param>
/// <param name="KeyValueHeads">Key/value heads per layer.</param>
/// <param name="MaxLength">Maximum tokens per sequence (prompt plus generated).</param>
/// <param name="HeadSize">Size of one head.</param>
/// <param name="Device">Where the model runs: the buffers live there, so a step copies nothing between host and GPU.</param>
[Experimental("SIEVE001")]
public sealed record KvCacheShape(int Layers, int Batch, int KeyValueHeads, int MaxLength, int HeadSize, DeviceKind Device = DeviceKind.Cpu);
