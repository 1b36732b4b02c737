using Microsoft.ML.Tokenizers;

namespace Sieve.Host.Text;

/// <summary>
/// BERT WordPiece tokenization (lower-casing, accent stripping) with truncation to the model's limit.
/// Thread-safe: the tokenizer is immutable.
/// </summary>
internal sealed class BertTextEncoder
{
    private readonly BertTokenizer _tokenizer;

    private BertTextEncoder(BertTokenizer tokenizer, int maxLength)
    {
        _tokenizer = tokenizer;
        MaxLength = maxLength;
    }

    /// <summary>Longest encoding in tokens, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <exception cref="SieveException">The vocabulary file is missing or unreadable.</exception>
    public static BertTextEncoder Load(string vocabularyPath, int maxLength, string setting)
    {
        if (!File.Exists(vocabularyPath))
        {
            throw new SieveException($"Tokenizer vocabulary not found: {vocabularyPath} ({setting}).");
        }
        try
        {
            return new BertTextEncoder(BertTokenizer.Create(vocabularyPath, new BertOptions { LowerCaseBeforeTokenization = true }), maxLength);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new SieveException($"Tokenizer vocabulary {vocabularyPath} ({setting}) could not be read: {error.Message}", error);
        }
    }

    /// <summary>Encodes <paramref name="text"/> as [CLS] tokens [SEP], cut to <see cref="MaxLength"/>.</summary>
    public EncodedText Encode(string text)
    {
        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true);
        if (ids.Count <= MaxLength)
        {
            return new EncodedText(ids.ToArray(), ids.Count);
        }
        var kept = new int[MaxLength];
        for (var i = 0; i < MaxLength - 1; i++)
        {
            kept[i] = ids[i];
        }
        kept[^1] = _tokenizer.SeparatorTokenId;
        return new EncodedText(kept, ids.Count);
    }
}
