namespace Sieve.Cuda.Ptx;

/// <summary>A kernel compiled to PTX: the module text, its entry's name, and what compiling it cost.</summary>
/// <param name="Assembly">The PTX module (one entry).</param>
/// <param name="EntryName">The <c>.entry</c> to look up in the loaded module.</param>
/// <param name="CompileTime">ILGPU's compile time; zero when it came from the cache.</param>
/// <param name="FromCache">Whether it was read from the disk cache.</param>
internal sealed record PtxKernel(string Assembly, string EntryName, TimeSpan CompileTime, bool FromCache);
