using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

/// <summary>
/// A training table the VAE encoded once, kept in a run's state folder: current while its key (the table's layout
/// version, item count, scene size and the VAE weights' write time and length) is the one asked for, rebuilt otherwise.
/// </summary>
internal static class EncodedTable
{
    public static string Key(string version, int count, int imageSize, string vaeWeights) =>
        $"{version}:{count}:{imageSize}:{File.GetLastWriteTimeUtc(vaeWeights).Ticks}:{new FileInfo(vaeWeights).Length}";

    /// <summary>The table at <paramref name="path"/> when it exists with <paramref name="key"/>; null otherwise.</summary>
    public static StateDict? OpenCurrent(string path, string key)
    {
        if (!File.Exists(path)) return null;
        var sd = StateDict.Open(path);
        if (sd.Metadata.TryGetValue("key", out var k) && k == key) return sd;
        sd.Dispose();
        return null;
    }

    /// <summary>Writes <paramref name="tensors"/> (the latents among them as fp16) to a temporary file, then moves it into place.</summary>
    public static void Write(string path, string key, string world, Tensor latents, params (string Name, Tensor Value)[] tensors)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var half = latents.to(float16))
            SafetensorsWriter.Write(path + ".tmp", tensors.Select(t => KeyValuePair.Create(t.Name, t.Value)).Prepend(KeyValuePair.Create("latents", half)),
                new Dictionary<string, string> { ["key"] = key, ["world"] = world });
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
