namespace Sieve.Abstractions;

/// <summary>The attributes of one custom-operator node, read when its kernel is created.</summary>
public interface INodeAttributes
{
    /// <summary>The node's name.</summary>
    string NodeName { get; }

    /// <summary>An integer attribute, or <paramref name="fallback"/> when the node has none of that name.</summary>
    long GetInt(string name, long fallback);

    /// <summary>A float attribute, or <paramref name="fallback"/>.</summary>
    float GetFloat(string name, float fallback);

    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    string GetString(string name, string fallback);
}
