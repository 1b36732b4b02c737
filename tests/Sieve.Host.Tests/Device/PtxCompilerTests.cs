using System.Diagnostics;
using System.Text.RegularExpressions;
using Sieve.Cuda.Ptx;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// Every GPU kernel compiles to PTX here (no GPU needed), its PTX parameters sit where the host packs them, and, where
/// a PTX assembler is installed (.ci/run unpacks Debian's ptxas into .tools/), the PTX assembles for sm_90.
/// </summary>
public partial class PtxCompilerTests
{
    private static readonly PtxCompiler Compiler = new(cacheDirectory: null);

    public static TheoryData<string> Kernels => GpuKernels.Names();

    [Fact]
    public void Discovery_FindsTheKernelsOfEveryAssembly()
    {
        var names = GpuKernels.All.Select(GpuKernels.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("Sieve.Kernels:FlashAttentionKernel.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Kernels:FlashAttentionHalfKernel.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Tools:BenchDataKernels.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Plugins.Attention:", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Kernels:FusedLexicalHeadKernel.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Plugins.Heads:FusedAssignmentKernel.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("Sieve.Plugins.Heads:ClusterMeanKernel.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Compile_Kernel_PtxParametersMatchThePackedLayout(string name)
    {
        var kernel = GpuKernels.ByName(name);
        var ptx = Compiler.Compile(kernel, 90);
        var entry = Regex.Match(ptx.Assembly, @"\.entry\s+" + Regex.Escape(ptx.EntryName) + @"\s*\((?<params>[^)]*)\)", RegexOptions.Singleline);
        Assert.True(entry.Success, $"{name}: no .entry {ptx.EntryName} in the PTX");
        var declared = ParamPattern().Matches(entry.Groups["params"].Value).Select(Size).ToList();
        var offsets = new List<(int Offset, int Size)>();
        var offset = 0;
        foreach (var (size, alignment) in declared)
        {
            offset = (offset + alignment - 1) / alignment * alignment;
            offsets.Add((offset, size));
            offset += size;
        }
        var signature = KernelSignature.Of(kernel);
        Assert.Equal(offsets, signature.Parameters.Select(p => (p.Offset, p.Size)));
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void Assemble_Kernel_PtxasAcceptsItForSm90(string name)
    {
        var ptxas = FindPtxas();
        Skip.If(ptxas is null, "No ptxas here: .ci/run unpacks Debian's nvidia-cuda-toolkit ptxas into .tools/; set SIEVE_PTXAS to use another.");
        var ptx = Compiler.Compile(GpuKernels.ByName(name), 90);
        using var folder = new TempFolder();
        var file = folder.File("kernel.ptx");
        // Debian's ptxas (CUDA 11.8) reads PTX ISA up to 7.8; the kernels use nothing newer than that.
        File.WriteAllText(file, Regex.Replace(ptx.Assembly, @"^\.version \d+\.\d+", ".version 7.8", RegexOptions.Multiline));
        var start = new ProcessStartInfo(ptxas!, ["-arch=sm_90", "-v", file, "-o", folder.File("kernel.cubin")]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{name}: ptxas failed:\n{log}");
        Assert.Contains("Used", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_WithDiskCache_SecondCompilerReadsTheSamePtx()
    {
        using var folder = new TempFolder();
        var kernel = GpuKernels.All.First(k => k.Name == "SwapLastTwo");
        using var first = new PtxCompiler(folder.Path);
        var compiled = first.Compile(kernel, 90);
        using var second = new PtxCompiler(folder.Path);
        var cached = second.Compile(kernel, 90);
        Assert.False(compiled.FromCache);
        Assert.True(cached.FromCache);
        Assert.Equal(compiled.Assembly, cached.Assembly);
        Assert.Equal(compiled.EntryName, cached.EntryName);
        Assert.Single(Directory.GetFiles(folder.Path, "*.ptx"));
    }

    internal static string? FindPtxas()
    {
        if (Environment.GetEnvironmentVariable("SIEVE_PTXAS") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }
        var unpacked = Path.Combine(TestPaths.RepoRoot, ".tools", "ptxas", "usr", "bin", "ptxas");
        return File.Exists(unpacked) ? unpacked : null;
    }

    private static (int Size, int Alignment) Size(Match param)
    {
        if (param.Groups["bytes"].Success)
        {
            return (int.Parse(param.Groups["bytes"].Value, System.Globalization.CultureInfo.InvariantCulture),
                param.Groups["align"].Success ? int.Parse(param.Groups["align"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1);
        }
        var bits = int.Parse(param.Groups["bits"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (bits / 8, bits / 8);
    }

    [GeneratedRegex(@"\.param\s+(?:\.align\s+(?<align>\d+)\s+)?\.(?:b8\s+\S+?\[(?<bytes>\d+)\]|[bsuf](?<bits>\d+)\s)")]
    private static partial Regex ParamPattern();
}
