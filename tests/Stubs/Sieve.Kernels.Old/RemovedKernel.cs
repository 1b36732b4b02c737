namespace Sieve.Kernels;

/// <summary>A kernel the 3.0 kernels had and 4.0 does not: calling it from a 4.0 host would fail with MissingMethodException.</summary>
public static class RemovedKernel
{
    public static int Run() => 3;
}
