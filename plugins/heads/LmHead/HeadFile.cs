using System.Security.Cryptography;
using System.Text;

namespace Sieve.Plugins.Heads.LmHead;

/// <summary>
/// A clustered LM head as <c>sieve cluster-head</c> writes it: the K centroids, the tokens of each cluster and the
/// SHA-256 of the output embedding it was made from, so that a head file for another model is refused at load.
/// Format (little-endian): magic <c>SIEVEHD1</c>, version, V, d, K, SHA-256 of W [V, d] as float32 bytes, the source
/// (model path, text), centroids [K, d] float32, offsets [K + 1] int32, tokens [V] int32 grouped by cluster, then the
/// SHA-256 of everything before it.
/// </summary>
/// <param name="Centroids">[K, d].</param>
/// <param name="Offsets">[K + 1]: cluster c's tokens are <c>Tokens[Offsets[c]..Offsets[c + 1]]</c>.</param>
/// <param name="Tokens">[V]: every token id once, grouped by cluster.</param>
/// <param name="SourceSha256">The SHA-256 of the embedding the clusters were made from (<see cref="Checksum"/>).</param>
/// <param name="Source">Where that embedding came from (the model file), for messages.</param>
public sealed record HeadFile(int Vocabulary, int Dimension, float[] Centroids, int[] Offsets, int[] Tokens, byte[] SourceSha256, string Source)
{
    public const int Version = 1;
    private static readonly byte[] Magic = "SIEVEHD1"u8.ToArray();

    public int Clusters => Offsets.Length - 1;

    /// <summary>The largest cluster.</summary>
    public int LargestCluster
    {
        get
        {
            var largest = 0;
            for (var c = 0; c < Clusters; c++)
            {
                largest = Math.Max(largest, Offsets[c + 1] - Offsets[c]);
            }
            return largest;
        }
    }

    /// <summary>The SHA-256 of an output embedding W [V, d] as float32 little-endian bytes.</summary>
    public static byte[] Checksum(ReadOnlySpan<float> weights) => SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights));

    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(Vocabulary);
            writer.Write(Dimension);
            writer.Write(Clusters);
            writer.Write(SourceSha256);
            writer.Write(Source);
            foreach (var value in Centroids)
            {
                writer.Write(value);
            }
            foreach (var value in Offsets)
            {
                writer.Write(value);
            }
            foreach (var value in Tokens)
            {
                writer.Write(value);
            }
        }
        var body = buffer.ToArray();
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            file.Write(body);
            file.Write(SHA256.HashData(body));
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <exception cref="InvalidDataException">The file is not a head file, is damaged, or is inconsistent (its message names the file).</exception>
    public static HeadFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a clustered head file (written by `sieve cluster-head`).");
        }
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            throw new InvalidDataException($"Head file {path} is damaged: its checksum does not match its content.");
        }
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"Head file {path} has format version {version}; this build reads version {Version}.");
        }
        var (vocabulary, dimension, clusters) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        if (vocabulary < 1 || dimension < 1 || clusters < 1 || clusters > vocabulary)
        {
            throw new InvalidDataException($"Head file {path} has impossible sizes: V {vocabulary}, d {dimension}, K {clusters}.");
        }
        var sha = reader.ReadBytes(32);
        var source = reader.ReadString();
        var centroids = new float[clusters * dimension];
        for (var i = 0; i < centroids.Length; i++)
        {
            centroids[i] = reader.ReadSingle();
        }
        var offsets = new int[clusters + 1];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = reader.ReadInt32();
        }
        var tokens = new int[vocabulary];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = reader.ReadInt32();
        }
        var head = new HeadFile(vocabulary, dimension, centroids, offsets, tokens, sha, source);
        head.CheckPartition(path);
        return head;
    }

    /// <summary>The offsets ascend from 0 to V and every token appears once.</summary>
    private void CheckPartition(string path)
    {
        var seen = new bool[Vocabulary];
        var ascending = Offsets[0] == 0 && Offsets[^1] == Vocabulary;
        for (var c = 0; c < Clusters && ascending; c++)
        {
            ascending = Offsets[c] <= Offsets[c + 1];
        }
        foreach (var token in Tokens)
        {
            if (!ascending || (uint)token >= (uint)Vocabulary || seen[token])
            {
                throw new InvalidDataException($"Head file {path} does not list every token of its {Vocabulary} once in ascending clusters.");
            }
            seen[token] = true;
        }
    }
}
