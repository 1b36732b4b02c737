using System.Runtime.InteropServices;

namespace Sieve.Kernels;

internal static class ListExtensions
{
    public static ReadOnlySpan<T> AsSpan<T>(this List<T> list) => CollectionsMarshal.AsSpan(list);
}
