namespace Sieve.Plugins.Attention;

/// <summary>One layer of a <see cref="LayerReusePolicy"/>.</summary>
/// <param name="Layer">The attention node's layer index.</param>
/// <param name="Mode">A <see cref="LayerMode"/>.</param>
/// <param name="Source">For <see cref="LayerMode.Reuse"/>: the computing layer whose blocks it takes; else null.</param>
/// <param name="Sensitivity">From the profile: the mean fraction of the visible blocks that holds 90 % of the attention mass.</param>
public sealed record LayerPlan(int Layer, string Mode, int? Source, double Sensitivity);
