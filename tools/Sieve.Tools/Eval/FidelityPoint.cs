namespace Sieve.Tools.Eval;

/// <summary>Cosine similarity of sparse-attention embeddings to the model's own, at one block density.</summary>
/// <param name="Density">The configured fraction of key blocks per query block.</param>
/// <param name="KeptFraction">Mean over texts of ceil(density · blocks) / blocks: short texts keep more than the density.</param>
internal sealed record FidelityPoint(double Density, double KeptFraction, double MinCosine, double MeanCosine);
