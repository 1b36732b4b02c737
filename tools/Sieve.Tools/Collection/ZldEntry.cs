namespace Sieve.Tools.Collection;

/// <summary>One entry of a SWORD lexicon/dictionary module: its index key and its stored markup.</summary>
internal sealed record ZldEntry(string Key, string Text);
