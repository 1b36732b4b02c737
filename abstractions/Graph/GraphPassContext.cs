namespace Sieve.Abstractions;

/// <summary>What a graph pass knows about the session it prepares.</summary>
/// <param name="Device">Where the session runs: custom operators for <see cref="DeviceKind.Cuda"/> receive device memory.</param>
/// <param name="Implementation">The implementation that fills the slot, as messages name it (e.g. <c>weight-quant/dense</c>).</param>
public sealed record GraphPassContext(DeviceKind Device, string Implementation);
