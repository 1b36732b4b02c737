using System.Runtime.InteropServices;
using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;
using Sieve.Plugins.Quantization;
using Sieve.Plugins.Quantization.Format;

namespace Sieve.Tools.Quantize;

/// <summary>What <c>sieve quantize</c> was asked.</summary>
internal sealed record QuantizeRequest(string ModelPath, string OutputFolder, QuantizationSettings Settings, string Method, string? TokenizerPath,
    string? CalibrationPath, string? SensitivityPath, int CalibrationTokens, int CalibrationContext);

/// <summary>
/// <c>sieve quantize</c>: writes a drop-in model folder. Method <c>squeeze</c>: every MatMul(X, W) / Gemm(A, B, C) with a
/// constant float matrix becomes <c>ai.sieve::DenseSparseMatMul(X)</c> (Gemm: W = alpha·B, transposed when transB, and
/// an Add of beta·C after it), the matrices go to <c>weights.sqz</c> and leave model.onnx. Method <c>rtn</c> (the
/// baseline): the weights are rounded to nearest in groups of 128 and stored back dequantized, so the model stays plain
/// ONNX. Both write <c>quantization.json</c> and copy the source folder's other files (tokenizer, manifests, eval data).
/// </summary>
internal static class ModelQuantizer
{
    public const string WeightsFileName = "weights.sqz";

    public static QuantizationManifest Run(QuantizeRequest request, TextWriter log)
    {
        if (request.Settings.Problem() is { } problem)
        {
            throw new SieveException(problem + ".");
        }
        var model = OnnxModelFile.Read(request.ModelPath);
        var graph = new OnnxModelGraph(model, request.ModelPath);
        var nodes = graph.Nodes.Select(n => (Node: n, Weight: QuantizableWeights.WeightOf(graph, n))).Where(p => p.Weight is not null).ToList();
        if (nodes.Count == 0)
        {
            throw new SieveException($"Model {request.ModelPath} has no MatMul or Gemm with a constant float weight matrix (an initializer, float32 or a Cast of float16): nothing to quantize.");
        }
        var squeeze = request.Method == "squeeze";
        var (sensitivity, calibrationTokens) = Sensitivities(request, squeeze, log);
        Directory.CreateDirectory(request.OutputFolder);
        var initializers = model.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var matrices = new Dictionary<string, DenseSparseMatrix>(StringComparer.Ordinal);
        long parameters = 0, before = 0, after = 0;
        var sensitivityKind = "uniform";
        foreach (var (node, weight) in nodes)
        {
            var isGemm = node.OpType == "Gemm";
            var transB = isGemm && node.Attributes.TryGetValue("transB", out var t) && t.AsInt != 0;
            var alpha = isGemm && node.Attributes.TryGetValue("alpha", out var a) ? a.AsFloat : 1f;
            var beta = isGemm && node.Attributes.TryGetValue("beta", out var b) ? b.AsFloat : 1f;
            var stored = weight!.ToFloats();
            var (rows, columns) = ((int)weight.Shape[0], (int)weight.Shape[1]);
            var (k, n) = transB ? (columns, rows) : (rows, columns);
            var key = transB || alpha != 1f ? $"{weight.Name}#gemm:{node.Name}" : weight.Name;
            if (!squeeze)
            {
                if (!matrices.ContainsKey(key))
                {
                    var oriented = transB ? Transpose(stored, rows, columns) : stored;
                    var rounded = RoundToNearestQuantizer.Quantize(oriented, k, n, request.Settings.Bits);
                    SetFloats(initializers[weight.Name], transB ? Transpose(rounded, k, n) : rounded);
                    matrices[key] = null!;
                    parameters += (long)k * n;
                    before += (long)k * n * 4;
                    after += RoundToNearestQuantizer.Bytes(k, n, request.Settings.Bits);
                }
                continue;
            }
            if (!matrices.ContainsKey(key))
            {
                var w = transB ? Transpose(stored, rows, columns) : stored;
                if (alpha != 1f)
                {
                    for (var i = 0; i < w.Length; i++)
                    {
                        w[i] *= alpha;
                    }
                }
                var s = SensitivityOf(sensitivity, weight.Name, k, n, transB);
                sensitivityKind = s.Kind;
                var matrix = DenseSparseQuantizer.Quantize(key, w, k, n, s, request.Settings);
                matrices[key] = matrix;
                parameters += (long)k * n;
                before += (long)k * n * 4;
                after += matrix.Bytes;
                log.WriteLine($"  {key} [{k}, {n}]: {matrix.SparseCount} sparse values, {matrix.Bytes:N0} bytes (fp32 {k * n * 4L:N0})");
            }
            var product = isGemm && node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? node.Outputs[0] + "/dense-sparse" : node.Outputs[0];
            var replacement = new List<GraphNode>
            {
                new(node.Name, ModelOutputs.OpType, GraphNode.SieveDomain, [node.Inputs[0]], [product], new Dictionary<string, NodeAttributeValue>
                {
                    ["weight"] = NodeAttributeValue.Of(key),
                    ["bits"] = NodeAttributeValue.Of((long)request.Settings.Bits),
                }),
            };
            if (product != node.Outputs[0])
            {
                var bias = node.Inputs[2];
                if (beta != 1f)
                {
                    graph.TryGetConstant(bias, out var c);
                    var scaled = c.ToFloats().Select(v => v * beta).ToArray();
                    bias = $"{bias}/beta/{node.Name}";
                    var tensor = new TensorProto { Name = bias, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(scaled.AsSpan())) };
                    tensor.Dims.AddRange(c.Shape.Dimensions.ToArray());
                    model.Graph.Initializer.Add(tensor);
                }
                replacement.Add(new GraphNode(node.Name + "/bias", "Add", "", [product, bias], [node.Outputs[0]], new Dictionary<string, NodeAttributeValue>()));
            }
            var cast = QuantizableWeights.CastOf(graph, node.Inputs[1]);
            graph.Replace([node], replacement);
            if (cast is not null && graph.Consumers(cast.Outputs[0]).Count == 0 && !graph.IsGraphOutput(cast.Outputs[0]))
            {
                graph.Replace([cast], []);
            }
        }
        graph.Complete();

        var modelOut = Path.Combine(request.OutputFolder, "model.onnx");
        CopyCompanions(Path.GetDirectoryName(Path.GetFullPath(request.ModelPath))!, request.OutputFolder, Path.GetFileName(request.ModelPath));
        File.WriteAllBytes(modelOut, graph.Model.ToByteArray());
        string? weightsFile = null, weightsSha = null;
        long modelBytesAfter = new FileInfo(modelOut).Length;
        if (squeeze)
        {
            var weightsPath = Path.Combine(request.OutputFolder, WeightsFileName);
            QuantizedWeightsFile.Write(weightsPath, [.. matrices.Values]);
            weightsFile = WeightsFileName;
            weightsSha = QuantizationManifest.Sha256(weightsPath);
            modelBytesAfter += new FileInfo(weightsPath).Length;
        }
        var manifest = new QuantizationManifest
        {
            Method = request.Method,
            Bits = request.Settings.Bits,
            OutlierFraction = squeeze ? request.Settings.OutlierFraction : 0,
            SensitiveFraction = squeeze ? request.Settings.SensitiveFraction : 0,
            Sensitivity = squeeze ? sensitivityKind : "none",
            SensitivityFile = request.SensitivityPath,
            Calibration = request.CalibrationPath,
            CalibrationTokens = calibrationTokens,
            SourceModel = Path.GetFullPath(request.ModelPath),
            ModelSha256 = QuantizationManifest.Sha256(modelOut),
            WeightsFile = weightsFile,
            WeightsSha256 = weightsSha,
            Matrices = matrices.Count,
            Parameters = parameters,
            SparseValues = squeeze ? matrices.Values.Sum(m => (long)m.SparseCount) : 0,
            WeightBytesBefore = before,
            WeightBytesAfter = after,
            ModelFileBytesBefore = new FileInfo(request.ModelPath).Length,
            ModelFileBytesAfter = modelBytesAfter,
        };
        manifest.Save(request.OutputFolder);
        log.WriteLine($"{request.Method} {request.Settings.Bits}-bit: {matrices.Count} matrices, {parameters:N0} weights, {manifest.BitsPerWeight:F2} bits per weight " +
            $"({before:N0} → {after:N0} bytes); model files {manifest.ModelFileBytesBefore:N0} → {modelBytesAfter:N0} bytes; wrote {request.OutputFolder}");
        return manifest;
    }

    private static (Dictionary<string, SensitivitySource> Sources, long Tokens) Sensitivities(QuantizeRequest request, bool squeeze, TextWriter log)
    {
        var sources = new Dictionary<string, SensitivitySource>(StringComparer.Ordinal);
        if (!squeeze)
        {
            return (sources, 0);
        }
        if (request.SensitivityPath is not null)
        {
            foreach (var (name, (shape, values)) in SafetensorsSensitivity.Read(request.SensitivityPath))
            {
                sources[name] = new SensitivitySource(shape, values, null);
            }
            return (sources, 0);
        }
        if (request.CalibrationPath is null)
        {
            throw new SieveException("sieve quantize --method squeeze needs --calibration F (text to measure activations on) or --sensitivity F (a Fisher-diagonal file).");
        }
        if (request.TokenizerPath is null)
        {
            throw new SieveException($"--calibration needs the model's tokenizer: no tokenizer_config.json or vocab.txt beside {request.ModelPath}.");
        }
        var (meanSquares, tokens) = ActivationCalibration.Measure(request.ModelPath, request.TokenizerPath, request.CalibrationPath,
            request.CalibrationTokens, request.CalibrationContext, log);
        foreach (var (name, values) in meanSquares)
        {
            sources[name] = new SensitivitySource(null, null, values);
        }
        return (sources, tokens);
    }

    private static WeightSensitivity SensitivityOf(Dictionary<string, SensitivitySource> sources, string name, int k, int n, bool transposed)
    {
        if (sources.Count == 0)
        {
            return WeightSensitivity.Uniform;
        }
        if (!sources.TryGetValue(name, out var source))
        {
            throw new SieveException($"The sensitivity has nothing for weight {name} (expected a tensor of that name).");
        }
        if (source.PerInput is not null)
        {
            return WeightSensitivity.PerInput(source.PerInput);
        }
        var shape = source.Shape!;
        if (shape.Length != 2 || shape[0] * shape[1] != (long)k * n)
        {
            throw new SieveException($"The sensitivity of {name} has shape [{string.Join(", ", shape)}]; the weight is [{(transposed ? n : k)}, {(transposed ? k : n)}].");
        }
        if (!transposed && shape[0] != k)
        {
            throw new SieveException($"The sensitivity of {name} has shape [{string.Join(", ", shape)}], not the initializer's [{k}, {n}] (transpose a PyTorch weight.grad).");
        }
        return WeightSensitivity.PerWeight(transposed ? Transpose(source.PerWeight!, n, k) : source.PerWeight!, n);
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    private static void SetFloats(TensorProto tensor, float[] values)
    {
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.RawData = tensor.DataType == (int)TensorProto.Types.DataType.Float16
            ? ByteString.CopyFrom(MemoryMarshal.AsBytes(Array.ConvertAll(values, v => (Half)v).AsSpan()))
            : ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>Copies the source folder's other files (tokenizer, manifests, eval data) so that the output is a drop-in model folder.</summary>
    private static void CopyCompanions(string source, string target, string modelFile)
    {
        if (Path.GetFullPath(source) == Path.GetFullPath(target))
        {
            throw new SieveException($"--out {target} is the source model's folder; choose another.");
        }
        var inside = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !Path.GetFullPath(f).StartsWith(inside, StringComparison.Ordinal)).ToList())
        {
            var relative = Path.GetRelativePath(source, file);
            var name = Path.GetFileName(file);
            if (relative == modelFile || name is QuantizationManifest.FileName or WeightsFileName || name.EndsWith(".onnx", StringComparison.Ordinal))
            {
                continue;
            }
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private sealed record SensitivitySource(long[]? Shape, float[]? PerWeight, float[]? PerInput);
}

/// <summary>The operator the quantized models call.</summary>
internal static class ModelOutputs
{
    public const string OpType = DenseSparseMatMulPass.OpType;
}
