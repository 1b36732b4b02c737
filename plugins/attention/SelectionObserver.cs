namespace Sieve.Plugins.Attention;

/// <summary>Sees the blocks (ascending, counted from the row's first valid key) that one query of one key/value head attends to.</summary>
internal delegate void SelectionObserver(int batch, int keyValueHead, int query, ReadOnlySpan<int> blocks);
