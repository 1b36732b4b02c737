namespace Sieve.Host.Generation;

/// <summary>What a <c>generate</c> record gets for the fields it leaves out (from the job's settings).</summary>
internal sealed record GenerationDefaults(int MaxNewTokens, float Temperature, float TopP, int Seed);
