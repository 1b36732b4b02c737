using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// The output head of a causal LM in generation (slot <c>lm-head</c>): for each decode step, the candidate tokens and
/// their logits the sampler picks from. The reference (<c>lm-head/dense</c>) passes the model's own logits over the whole
/// vocabulary; a head that <see cref="ReadsHiddenState"/> has the host cut the model's output projection, so the model
/// returns its last hidden state and the head computes logits for the tokens it keeps (a clustered head: those of the
/// clusters nearest the hidden state). Thread-safe: one instance may bind several models.
/// </summary>
[Experimental("SIEVE001")]
public interface ILmHead
{
    /// <summary>
    /// True when the head scores from the last hidden state: the host then removes the model's output projection (the
    /// final MatMul that makes the logits) and hands its weights to <see cref="Bind"/>. False when the head reads the
    /// model's logits, which leaves the model untouched.
    /// </summary>
    bool ReadsHiddenState { get; }

    /// <summary>Prepares the head for one model. Called once per model load, before any record runs.</summary>
    /// <param name="embedding">The model's output embedding (its weights only when <see cref="ReadsHiddenState"/>).</param>
    /// <returns>A scorer owned by the caller, who disposes it when the model is unloaded.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="embedding"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The head cannot serve this model (its message names the file or setting).</exception>
    ILmHeadScorer Bind(OutputEmbedding embedding);
}
