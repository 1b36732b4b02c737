using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU;
using Sieve.Abstractions;

namespace Sieve.Cuda.Ptx;

/// <summary>
/// The parameter layout ILGPU's PTX backend gives an explicitly grouped kernel (NOTES §5, checked against the driver
/// with <c>cuFuncGetParamInfo</c>): one parameter per C# parameter in order, each at its natural alignment; an
/// <c>ArrayView&lt;T&gt;</c> is 16 bytes {u64 address, i64 length in elements}; scalars and structs of 4-byte fields
/// are copied. Checks a launch's arguments against it and packs them into the buffer <c>cuLaunchKernel</c> takes.
/// Immutable; thread-safe.
/// </summary>
internal sealed class KernelSignature
{
    private KernelSignature(string kernel, IReadOnlyList<KernelParameter> parameters)
    {
        Kernel = kernel;
        Parameters = parameters;
        var last = parameters.Count == 0 ? null : parameters[^1];
        BufferSize = last is null ? 0 : last.Offset + last.Size;
    }

    public string Kernel { get; }

    public IReadOnlyList<KernelParameter> Parameters { get; }

    /// <summary>Bytes of the packed buffer (the last parameter's end; no tail padding, as ILGPU's own launcher).</summary>
    public int BufferSize { get; }

    /// <exception cref="ArgumentException">The method is not static or has a parameter the host cannot pass.</exception>
    public static KernelSignature Of(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var kernel = $"{method.DeclaringType?.Name}.{method.Name}";
        if (!method.IsStatic || method.ReturnType != typeof(void))
        {
            throw new ArgumentException($"Kernel {kernel} must be a static method returning void.", nameof(method));
        }
        var parameters = new List<KernelParameter>();
        var offset = 0;
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            var name = parameter.Name ?? $"#{parameters.Count}";
            KernelParameter described;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ArrayView<>))
            {
                described = new KernelParameter(name, type, true, type.GetGenericArguments()[0], 0, 16, 8);
            }
            else if (type.IsPrimitive || type == typeof(System.Half) || type == typeof(ILGPU.Half))
            {
                var size = SizeOf(type);
                described = new KernelParameter(name, type, false, type, 0, size, size);
            }
            else if (type.IsValueType && !type.IsEnum && type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is { Length: > 0 } fields
                && fields.All(f => f.FieldType == typeof(int) || f.FieldType == typeof(float) || f.FieldType == typeof(uint)))
            {
                described = new KernelParameter(name, type, false, type, 0, SizeOf(type), 4);
            }
            else
            {
                throw new ArgumentException($"Kernel {kernel}: parameter '{name}' of type {type.Name} cannot be passed; use ArrayView<T>, " +
                    "a primitive, or a struct of int/float fields.", nameof(method));
            }
            offset = Align(offset, described.Alignment);
            parameters.Add(described with { Offset = offset });
            offset += described.Size;
        }
        return new KernelSignature(kernel, parameters);
    }

    /// <summary>Checks <paramref name="arguments"/> against the parameters and packs them.</summary>
    /// <exception cref="ArgumentException">Wrong count, kind or type; the message names the kernel and parameter.</exception>
    public byte[] Pack(KernelArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var items = arguments.Items;
        if (items.Count != Parameters.Count)
        {
            throw new ArgumentException($"Kernel {Kernel} takes {Parameters.Count} arguments, {items.Count} were given.", nameof(arguments));
        }
        var buffer = new byte[BufferSize];
        for (var i = 0; i < items.Count; i++)
        {
            var (parameter, argument) = (Parameters[i], items[i]);
            if (parameter.IsView)
            {
                if (argument.Kind != KernelArgumentKind.View || !SameElement(parameter.ElementType, argument.ElementType))
                {
                    throw Mismatch(parameter, argument);
                }
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(parameter.Offset), argument.Address.Value);
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(parameter.Offset + 8), argument.Length);
            }
            else
            {
                if (argument.Kind != KernelArgumentKind.Value || argument.ElementType != parameter.ElementType || argument.Bytes.Length != parameter.Size)
                {
                    throw Mismatch(parameter, argument);
                }
                argument.Bytes.Span.CopyTo(buffer.AsSpan(parameter.Offset));
            }
        }
        return buffer;
    }

    private ArgumentException Mismatch(KernelParameter parameter, KernelArgument argument) =>
#pragma warning disable CA2208 // The bad value is one of Pack's arguments.
        new($"Kernel {Kernel}: parameter '{parameter.Name}' is {(parameter.IsView ? $"a view of {parameter.ElementType.Name}" : parameter.ElementType.Name)}, " +
            $"the argument is {(argument.Kind == KernelArgumentKind.View ? $"a view of {argument.ElementType.Name}" : argument.ElementType.Name)}.", "arguments");
#pragma warning restore CA2208

    /// <summary>Same type, or two 16-bit types (raw fp16 may be declared as ushort on one side and Half on the other).</summary>
    private static bool SameElement(Type parameter, Type argument) =>
        parameter == argument || (SizeOf(parameter) == 2 && SizeOf(argument) == 2);

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static int Align(int offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
