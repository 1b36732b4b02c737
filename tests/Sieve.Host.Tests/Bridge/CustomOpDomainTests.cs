using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Bridge;

namespace Sieve.Host.Tests.Bridge;

/// <summary>
/// Who releases the <c>ai.sieve</c> domain and its ops, with ORT's CPU provider. Released ops are seen through their GC
/// handles: an op is collected only once the block holding its GC handle is freed. Kernels are seen the same way: ORT
/// destroys them when it releases the session.
/// </summary>
public class CustomOpDomainTests
{
    [Fact]
    public void Dispose_Twice_FreesEveryOpAndRefusesFurtherUse()
    {
        var (domain, ops) = CreateDomain(DeviceKind.Cpu, new TwiceOperator("Twice"), new TwiceOperator("Thrice"));
        Collect();
        Assert.All(ops, op => Assert.True(op.IsAlive)); // held by the domain's op blocks

        domain.Dispose();
        domain.Dispose();
        Collect();

        Assert.False(domain.KeptForProcess);
        Assert.All(ops, op => Assert.False(op.IsAlive));
        using var options = new SessionOptions();
        Assert.Throws<ObjectDisposedException>(() => domain.AddTo(options));
    }

    [Fact]
    public void Dispose_WithAnOpOfTheCudaProvider_KeepsTheDomainAndEveryOpForTheProcess()
    {
        // One op with a CUDA kernel makes the domain the CUDA provider's; the other stays on the CPU provider, kept too.
        var (domain, ops) = CreateDomain(DeviceKind.Cuda, new TwiceOperator("Twice", withCudaKernel: true), new TwiceOperator("Thrice"));

        domain.Dispose();
        Collect();

        Assert.True(domain.KeptForProcess);
        Assert.All(ops, op => Assert.True(op.IsAlive));
        using var options = new SessionOptions();
        Assert.Throws<ObjectDisposedException>(() => domain.AddTo(options));
    }

    [Fact]
    public void Finalizer_ForgottenDomain_FreesItsOps()
    {
        var ops = ForgetDomain();

        Collect();

        Assert.All(ops, op => Assert.False(op.IsAlive));
    }

    [Fact]
    public void Dispose_SessionThenDomain_KernelsGoWithTheSessionOpsWithTheDomain()
    {
        var twice = new TwiceOperator();
        var (session, domain, op) = CreateSession(twice);
        Assert.Single(twice.Kernels);

        session.Dispose();
        Collect();
        Assert.All(twice.Kernels, kernel => Assert.False(kernel.IsAlive));
        Assert.True(op.IsAlive); // the session is gone, the domain is not

        domain.Dispose();
        Collect();
        Assert.False(op.IsAlive);
    }

    [Fact]
    public void Dispose_ModelSession_ReleasesItsSessionDomainAndOps()
    {
        var twice = new TwiceOperator();
        var (session, domain, op) = CreateSession(twice);
        var model = new ModelSession(session, domain, [], "twice", ExecutionDevice.Cpu);

        model.Dispose();
        Collect();

        Assert.Single(twice.Kernels);
        Assert.All(twice.Kernels, kernel => Assert.False(kernel.IsAlive));
        Assert.False(op.IsAlive);
    }

    [Fact]
    public void Finalizer_ForgottenModelSession_ReleasesItsSessionDomainAndOps()
    {
        var twice = new TwiceOperator();
        var op = ForgetModelSession(twice);

        // The session's finalizer (a normal one) runs before the handles' (critical ones): ORT destroys the kernels
        // through the op blocks before they are freed.
        Collect();

        Assert.Single(twice.Kernels);
        Assert.All(twice.Kernels, kernel => Assert.False(kernel.IsAlive));
        Assert.False(op.IsAlive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (CustomOpDomain Domain, WeakReference[] Ops) CreateDomain(DeviceKind session, params TwiceOperator[] operators)
    {
        var ops = operators.Select(o => new PassCustomOp(o.Operator, "test", session)).ToList();
        return (new CustomOpDomain(ops), [.. ops.Select(op => new WeakReference(op))]);
    }

    // Not inlined, so no local of the caller keeps the domain or the ops reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] ForgetDomain() => CreateDomain(DeviceKind.Cpu, new TwiceOperator("Twice"), new TwiceOperator("Thrice")).Ops;

    /// <summary>A session of <see cref="TwiceOperator.Model"/> with its domain, run once (y = 2·x checked).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (InferenceSession Session, CustomOpDomain Domain, WeakReference Op) CreateSession(TwiceOperator twice)
    {
        var op = new PassCustomOp(twice.Operator, "test", DeviceKind.Cpu);
        var domain = new CustomOpDomain([op]);
        var session = OnnxSessionFactory.Create(TwiceOperator.Model(), "twice.onnx", "test", ExecutionDevice.Cpu, domain.AddTo);
        using var runOptions = new RunOptions();
        using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3 }, [3]);
        using var outputs = session.Run(runOptions, ["x"], [x], ["y"]);
        Assert.Equal([2f, 4f, 6f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
        return (session, domain, new WeakReference(op));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ForgetModelSession(TwiceOperator twice)
    {
        var (session, domain, op) = CreateSession(twice);
        _ = new ModelSession(session, domain, [], "twice", ExecutionDevice.Cpu);
        return op;
    }

    /// <summary>Runs the finalizers of what is unreachable, then collects what they let go.</summary>
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
