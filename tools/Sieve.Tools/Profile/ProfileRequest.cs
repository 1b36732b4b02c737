using Sieve.Plugins.Attention;

namespace Sieve.Tools.Profile;

/// <summary>What <c>sieve profile</c> was asked: the model, the calibration text, the budget and where to write the policy.</summary>
internal sealed record ProfileRequest(string ModelName, string ModelPath, string TokenizerPath, string DataPath, string OutPath, int Context, int Windows,
    int DenseLayers, int ComputeBudget, double Coverage, int SampleEvery, BlockSparseAttentionOptions Attention);
