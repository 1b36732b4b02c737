namespace Sieve.Tools.Eval;

/// <summary>What <c>sieve eval lm-head</c> measured for one Probe.</summary>
/// <param name="Probe">Clusters kept per step.</param>
/// <param name="Candidates">Mean tokens scored exactly per step.</param>
/// <param name="TopOneAgreement">Held-out positions where the clustered head's best token is the dense head's.</param>
/// <param name="Coverage">Held-out positions whose true next token is among the candidates.</param>
/// <param name="Perplexity">Of the clustered head's full distribution: exact logits for the candidates, the cluster's centroid score for every other token.</param>
/// <param name="CoveredPerplexity">Over the covered positions only, the candidates' softmax alone.</param>
/// <param name="DenseCoveredPerplexity">The dense head's perplexity over the same covered positions.</param>
/// <param name="GreedyTokenAgreement">Generated positions where clustered greedy decoding gave the dense head's token.</param>
/// <param name="GreedyIdentical">Prompts whose whole greedy continuation equals the dense head's.</param>
/// <param name="GreedyPrefix">Mean tokens generated before the first difference.</param>
internal sealed record LmHeadProbeResult(int Probe, double Candidates, double TopOneAgreement, double Coverage, double Perplexity,
    double CoveredPerplexity, double DenseCoveredPerplexity, double GreedyTokenAgreement, int GreedyIdentical, double GreedyPrefix);
