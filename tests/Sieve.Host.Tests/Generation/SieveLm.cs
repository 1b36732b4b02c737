using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Generation;

/// <summary>Loads the committed small LM (models/sieve-lm) the way the generate pipeline does.</summary>
internal static class SieveLm
{
    public static LmTokenizer Tokenizer() => LmTokenizer.Load(Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"), "test");

    public static CausalLm Model(int context = 4096, BoundOperator? attention = null)
    {
        var path = Path.Combine(TestPaths.LmFolder, "model.onnx");
        return new CausalLm(ModelSessionFactory.Create(path, "test", attention is null ? [] : [attention], EmptyServices.Instance), path, context);
    }
}
