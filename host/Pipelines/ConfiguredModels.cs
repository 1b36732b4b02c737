using Sieve.Host.Configuration;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>Loads a model named under <c>Sieve:Models</c> with its tokenizer, rewritten by the given in-graph operators.</summary>
internal static class ConfiguredModels
{
    /// <summary>A causal LM and its tokenizer.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator refuses the model.</exception>
    public static (CausalLm Model, LmTokenizer Tokenizer) LoadCausalLm(SieveOptions options, ConfigPaths paths, string modelName,
        IReadOnlyList<BoundOperator>? operators = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: a causal LM needs its tokenizer_config.json (with vocab.json and merges.txt beside it).");
        }
        var tokenizer = LmTokenizer.Load(paths.Resolve(model.Tokenizer), $"{key}:Tokenizer");
        var modelPath = paths.Resolve(model.Path);
        var session = ModelSessionFactory.Create(modelPath, $"{key}:Path", operators ?? [], services ?? EmptyServices.Instance);
        try
        {
            return (new CausalLm(session, modelPath, model.MaxSequenceLength), tokenizer);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A sentence encoder and its tokenizer.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator refuses the model.</exception>
    public static (SentenceEmbeddingModel Model, BertTextEncoder Encoder) LoadEncoder(SieveOptions options, ConfigPaths paths, string modelName,
        IReadOnlyList<BoundOperator>? operators = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: text pipelines need the model's vocabulary (vocab.txt).");
        }
        var encoder = BertTextEncoder.Load(paths.Resolve(model.Tokenizer), model.MaxSequenceLength, $"{key}:Tokenizer");
        var modelPath = paths.Resolve(model.Path);
        var session = ModelSessionFactory.Create(modelPath, $"{key}:Path", operators ?? [], services ?? EmptyServices.Instance);
        try
        {
            return (new SentenceEmbeddingModel(session, modelPath), encoder);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
