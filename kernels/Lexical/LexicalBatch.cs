using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// One validated <see cref="ILexicalEncoder.Encode"/> call: the sizes, the lengths, and the hidden states as memory that
/// worker threads can read (the view's own memory, or a pooled copy when the view was created over a span). Dispose
/// returns the copy. Not thread-safe; created and disposed on the calling thread.
/// </summary>
public sealed class LexicalBatch : IDisposable
{
    private float[]? _copy;

    private LexicalBatch(ReadOnlyMemory<float> hidden, int[] lengths, int sequence, int hiddenSize, float[]? copy)
    {
        Hidden = hidden;
        Lengths = lengths;
        Sequence = sequence;
        HiddenSize = hiddenSize;
        _copy = copy;
    }

    /// <summary>[batch, sequence, hiddenSize], row-major.</summary>
    public ReadOnlyMemory<float> Hidden { get; }

    /// <summary>Valid tokens per sequence, each in [0, <see cref="Sequence"/>].</summary>
    public int[] Lengths { get; }

    /// <summary>Sequences in the batch.</summary>
    public int Batch => Lengths.Length;

    /// <summary>The padded sequence dimension of <see cref="Hidden"/>.</summary>
    public int Sequence { get; }

    /// <summary>Features per token, the projection's hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>Checks an <see cref="ILexicalEncoder.Encode"/> call against the bound projection; the one entry check.</summary>
    /// <exception cref="ArgumentException">A size does not match (the message says which).</exception>
    public static LexicalBatch Open(TensorView<float> hidden, ReadOnlySpan<int> lengths, ReadOnlySpan<SparseVector> output, VocabularyProjection projection)
    {
        var sequence = Validate(hidden, lengths, output, projection);
        float[]? copy = null;
        ReadOnlyMemory<float> memory;
        try
        {
            memory = hidden.Memory;
        }
        catch (InvalidOperationException) when (hidden.Device == DeviceKind.Cpu)
        {
            // A view over a span: worker threads cannot see it, so they read a pooled copy.
            copy = ArrayPool<float>.Shared.Rent(hidden.Span.Length);
            hidden.Span.CopyTo(copy);
            memory = copy.AsMemory(0, hidden.Span.Length);
        }
        return new LexicalBatch(memory, lengths.ToArray(), sequence, projection.HiddenSize, copy);
    }

    /// <summary>The checks of <see cref="Open"/>, which also serve device views; returns the sequence dimension.</summary>
    /// <exception cref="ArgumentException">A size does not match (the message says which).</exception>
    public static int Validate(TensorView<float> hidden, ReadOnlySpan<int> lengths, ReadOnlySpan<SparseVector> output, VocabularyProjection projection)
    {
        var shape = hidden.Shape ?? throw new ArgumentException("The hidden view is uninitialized.", nameof(hidden));
        if (shape.Rank != 3)
        {
            throw new ArgumentException($"Hidden states must be [batch, sequence, hiddenSize], got {shape}.", nameof(hidden));
        }
        if (shape[2] != projection.HiddenSize)
        {
            throw new ArgumentException(
                $"Hidden states {shape} have hidden size {shape[2]}, the vocabulary projection {projection.HiddenSize}.", nameof(hidden));
        }
        var batch = shape[0];
        var sequence = shape[1];
        if (lengths.Length != batch)
        {
            throw new ArgumentException($"{lengths.Length} lengths for a batch of {batch}.", nameof(lengths));
        }
        if (output.Length != batch)
        {
            throw new ArgumentException($"The output has {output.Length} entries for a batch of {batch}.", nameof(output));
        }
        for (var b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 0 || lengths[b] > sequence)
            {
                throw new ArgumentException($"Length {lengths[b]} of sequence {b} is outside [0, {sequence}].", nameof(lengths));
            }
        }
        return (int)sequence;
    }

    /// <summary>The valid rows of sequence <paramref name="b"/>, [length, hiddenSize].</summary>
    public ReadOnlySpan<float> Rows(int b) => Hidden.Span.Slice(b * Sequence * HiddenSize, Lengths[b] * HiddenSize);

    /// <summary>Returns the pooled copy, if one was made.</summary>
    public void Dispose()
    {
        if (_copy is not null)
        {
            ArrayPool<float>.Shared.Return(_copy);
            _copy = null;
        }
    }
}
