using System.CommandLine;
using Sieve.Host.Cli;
using Sieve.Plugins.Quantization;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve quantize MODEL</c>: the options it reads.</summary>
internal static class QuantizeVerb
{
    public static SieveVerb Create() => new(SieveCommands.Quantize,
        "Quantizes a model's constant MatMul/Gemm weights (SqueezeLLM dense-and-sparse, or the round-to-nearest baseline) into a drop-in model folder.",
        "sieve quantize models/sieve-lm/model.onnx --bits 4 --calibration calib.txt --out models/sieve-lm-q4",
        "sieve quantize minilm --bits 3 --calibration samples/calibration.txt --out out/minilm-q3 --outliers 0 --sensitive 0",
        "sieve quantize sieve-lm --bits 4 --sensitivity fisher.safetensors --out out/lm-q4",
        "sieve quantize sieve-lm --bits 3 --method rtn --out out/lm-rtn3")
    {
        new Argument<string>("MODEL") { Description = "An .onnx file (its tokenizer beside it), or a model name under Sieve:Models." },
        new Option<int>("--bits") { Description = "Bits per weight index: 3 or 4.", HelpName = "3|4", DefaultValueFactory = _ => 4 },
        VerbOptions.Text("--calibration", "FILE", null, "Text for the activation sensitivity (LM: one stream; encoder: one text per line)."),
        VerbOptions.Text("--out", "DIR", null, "The output folder (model.onnx, weights.sqz, quantization.json and the source's other files)."),
        VerbOptions.Text("--sensitivity", "FILE", null, "A safetensors file of Fisher diagonals per weight (instead of --calibration)."),
        VerbOptions.Number("--outliers", QuantizationSettings.DefaultOutlierFraction, "Fraction of weights kept exactly for their magnitude."),
        VerbOptions.Number("--sensitive", QuantizationSettings.DefaultSensitiveFraction, "Fraction of weights kept exactly for their sensitivity."),
        VerbOptions.Text("--method", "squeeze|rtn", "squeeze", "squeeze: dense-and-sparse; rtn: round-to-nearest, groups of 128 (the baseline).", "squeeze", "rtn"),
        VerbOptions.PositiveInt("--calibration-tokens", 16384, "Calibration: tokens to run at most."),
        VerbOptions.PositiveInt("--calibration-context", 512, "Calibration: window length for a causal LM."),
    };
}
