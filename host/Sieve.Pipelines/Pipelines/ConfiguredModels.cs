using Sieve.Host.Configuration;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Passes.LmHead;
using Sieve.Host.Operators;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>Loads a model named under <c>Sieve:Models</c> with its tokenizer, rewritten by the given in-graph operators.</summary>
internal static class ConfiguredModels
{
    /// <summary>A causal LM and its tokenizer; with <paramref name="outputCut"/>, without its output projection (it returns its hidden state).</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator refuses the model.</exception>
    public static (CausalLm Model, LmTokenizer Tokenizer) LoadCausalLm(SieveOptions options, ConfigPaths paths, string modelName,
        IReadOnlyList<BoundOperator>? operators = null, IServiceProvider? services = null, OutputProjectionCut? outputCut = null) =>
        Load(options, paths, modelName, operators, services,
            "a causal LM needs its tokenizer_config.json (with vocab.json and merges.txt beside it)",
            (tokenizer, key, model) => LmTokenizer.Load(tokenizer, $"{key}:Tokenizer"),
            (session, path, model) => new CausalLm(session, path, model.MaxSequenceLength, outputCut?.Embedding), outputCut);

    /// <summary>A sentence encoder and its tokenizer.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator refuses the model.</exception>
    public static (SentenceEmbeddingModel Model, BertTextEncoder Encoder) LoadEncoder(SieveOptions options, ConfigPaths paths, string modelName,
        IReadOnlyList<BoundOperator>? operators = null, IServiceProvider? services = null) =>
        Load(options, paths, modelName, operators, services,
            "text pipelines need the model's vocabulary (vocab.txt)",
            (tokenizer, key, model) => BertTextEncoder.Load(tokenizer, model.MaxSequenceLength, $"{key}:Tokenizer"),
            (session, path, _) => new SentenceEmbeddingModel(session, path));

    /// <summary>Loads the tokenizer, then the session (disposed again if the model wrapper refuses it).</summary>
    private static (TModel Model, TTokenizer Tokenizer) Load<TModel, TTokenizer>(SieveOptions options, ConfigPaths paths, string modelName,
        IReadOnlyList<BoundOperator>? operators, IServiceProvider? services, string whyTokenizer,
        Func<string, string, ModelOptions, TTokenizer> loadTokenizer, Func<ModelSession, string, ModelOptions, TModel> wrap, OutputProjectionCut? outputCut = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: {whyTokenizer}.");
        }
        var tokenizer = loadTokenizer(paths.Resolve(model.Tokenizer), key, model);
        var modelPath = paths.Resolve(model.Path);
        var session = ModelSessionFactory.Create(modelPath, $"{key}:Path", operators ?? [], services ?? EmptyServices.Instance, outputCut);
        try
        {
            return (wrap(session, modelPath, model), tokenizer);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
