using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Sieve.Host.Generation;

/// <summary>
/// A byte-level BPE tokenizer for a causal LM: <c>tokenizer_config.json</c> (pre-tokenizer pattern, special tokens,
/// end-of-text token) beside <c>vocab.json</c> and <c>merges.txt</c>, loaded with Microsoft.ML.Tokenizers. Thread-safe.
/// </summary>
internal sealed class LmTokenizer
{
    private readonly BpeTokenizer _tokenizer;

    private LmTokenizer(BpeTokenizer tokenizer, IReadOnlyDictionary<string, int> specialTokens, int endOfText, int vocabularySize)
    {
        _tokenizer = tokenizer;
        SpecialTokens = specialTokens;
        EndOfText = endOfText;
        VocabularySize = vocabularySize;
    }

    /// <summary>Special tokens (e.g. <c>&lt;|endoftext|&gt;</c>) and their ids.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>The document separator; generation stops when it is produced.</summary>
    public int EndOfText { get; }

    public int VocabularySize { get; }

    /// <param name="configPath">The <c>tokenizer_config.json</c>.</param>
    /// <param name="setting">The configuration key that named it, for messages.</param>
    /// <exception cref="SieveException">A file is missing or malformed.</exception>
    public static LmTokenizer Load(string configPath, string setting)
    {
        var folder = Path.GetDirectoryName(configPath)!;
        foreach (var file in new[] { configPath, Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt") })
        {
            if (!File.Exists(file))
            {
                throw new SieveException($"Tokenizer file not found: {file} ({setting} names tokenizer_config.json, with vocab.json and merges.txt beside it).");
            }
        }
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(configPath));
            var root = config.RootElement;
            var special = root.GetProperty("special_tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
            var pattern = new Regex(root.GetProperty("pre_tokenizer_pattern").GetString()!, RegexOptions.Compiled);
            var tokenizer = BpeTokenizer.Create(new BpeOptions(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"))
            {
                PreTokenizer = new RegexPreTokenizer(pattern, special),
                SpecialTokens = special,
                ByteLevel = true,
            });
            return new LmTokenizer(tokenizer, special, root.GetProperty("eot_id").GetInt32(), root.GetProperty("vocab_size").GetInt32());
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new SieveException($"Tokenizer {configPath} ({setting}) cannot be loaded: {error.Message}", error);
        }
    }

    public int[] Encode(string text) => [.. _tokenizer.EncodeToIds(text)];

    public string Decode(ReadOnlySpan<int> ids) => _tokenizer.Decode(ids.ToArray());
}
