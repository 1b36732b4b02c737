namespace Sieve.Host.Onnx.Bridge;

/// <summary>An ONNX Runtime C API call failed; the message names the call and carries ORT's message.</summary>
public sealed class OrtBridgeException : Exception
{
    public OrtBridgeException(string message) : base(message) { }

    public OrtBridgeException(string message, Exception inner) : base(message, inner) { }

    public OrtBridgeException() { }
}
