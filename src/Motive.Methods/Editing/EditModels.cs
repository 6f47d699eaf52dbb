using Motive.IO.Images;
using Motive.Models.Loading;
using Motive.Models.Raft;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.Editing;

/// <summary>
/// The models of a session, each loaded once and shared by every edit that names it (a server or batch worker
/// loads them at start). Methods leave a shared model exactly as they found it (modes, hooks, adapters).
/// </summary>
public sealed class EditModels(string device = "cpu", double? maxMemoryMiB = null) : IDisposable
{
    private readonly Dictionary<string, StableDiffusionModel> diffusion = [];
    private readonly Dictionary<string, RaftModel> raft = [];

    public string Device { get; } = device;

    /// <summary>The most memory an edit may need by its estimate: the given limit, else what the device has (null: unknown, nothing refused).</summary>
    public double? MaxMemoryMiB { get; } = maxMemoryMiB ?? Motive.Models.Runtime.DeviceMemory.TotalMiB(torch.device(device));

    /// <summary>Stable Diffusion as <paramref name="m"/> names it, its path already resolved (null = the embedded model).</summary>
    public StableDiffusionModel Diffusion(ModelRef m)
    {
        var path = m.Path ?? EmbeddedModel.Dir;
        var key = $"{Path.GetFullPath(path)}|{m.Config}|{m.Variant}|{m.Dtype}";
        if (!diffusion.TryGetValue(key, out var model))
            diffusion[key] = model = StableDiffusionModel.Load(path, new LoadOptions(ParseDType(m.Dtype), Device, m.Config, m.Variant));
        return model;
    }

    /// <summary>A RAFT checkpoint (princeton layout) by path (null = the embedded toy RAFT), on the session's device.</summary>
    public RaftModel Raft(string? path)
    {
        path ??= EmbeddedModel.RaftPath;
        var key = Path.GetFullPath(path);
        if (!raft.TryGetValue(key, out var model))
        {
            raft[key] = model = RaftLoader.Load(path);
            model.to(torch.device(Device));
        }
        return model;
    }

    /// <summary>The model's own image size from its configs (no weights read): UNet sample_size × the VAE's downsampling; 512 for a single file without configs.</summary>
    public static int NativeSize(ModelRef model)
    {
        var dir = model.Path ?? EmbeddedModel.Dir;
        if (!Directory.Exists(dir)) dir = model.Config ?? Path.GetDirectoryName(Path.GetFullPath(dir))!;
        return DiffusersFolder.Is(dir) ? DiffusersFolder.NativeSize(dir) : 512;
    }

    /// <summary>A request's model with its files resolved through <paramref name="inputs"/> and its dtype checked.</summary>
    public static ModelRef Resolve(ModelRef model, IEditInputs inputs)
    {
        ParseDType(model.Dtype);
        return model with
        {
            Path = model.Path is { } p ? inputs.Resolve(p, InputKind.Model) : null,
            Config = model.Config is { } c ? inputs.Resolve(c, InputKind.Folder) : null,
        };
    }

    /// <summary>
    /// What a cache key needs of a model: its path, dtype and variant, and the size and time of every file in it (its
    /// training/ folder left out), so that a changed weight file gives another key.
    /// </summary>
    public static string Identity(ModelRef model)
    {
        var path = Path.GetFullPath(model.Path ?? EmbeddedModel.Dir);
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}training{Path.DirectorySeparatorChar}")).Order(StringComparer.Ordinal)
            : new[] { path }.AsEnumerable();
        var sb = new System.Text.StringBuilder(path).Append('|').Append(model.Dtype).Append('|').Append(model.Variant);
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            sb.Append('|').Append(Path.GetRelativePath(path, f)).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
        }
        return sb.ToString();
    }

    /// <summary>A --device a command may name: cpu or cuda (cuda only where a CUDA device is).</summary>
    public static void CheckDevice(string device)
    {
        if (!device.StartsWith("cpu", StringComparison.Ordinal) && !device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"--device must be cpu or cuda, not '{device}'");
        if (device.StartsWith("cuda", StringComparison.Ordinal) && !TorchSharp.torch.cuda.is_available())
            throw new ArgumentException("--device cuda: no CUDA device is available here");
    }

    /// <summary>fp32 | fp16 | bf16 (or their long names).</summary>
    public static ScalarType ParseDType(string name) => name switch
    {
        "fp32" or "float32" => ScalarType.Float32,
        "fp16" or "float16" => ScalarType.Float16,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"the model dtype must be fp32, fp16 or bf16, not '{name}'"),
    };

    /// <summary><see cref="ParseDType"/> of a command's --dtype, the error naming the option.</summary>
    public static ScalarType DTypeOption(string name, string option = "--dtype")
    {
        try
        {
            return ParseDType(name);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{option}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var m in diffusion.Values) m.Dispose();
        foreach (var m in raft.Values) m.Dispose();
        diffusion.Clear();
        raft.Clear();
    }
}

/// <summary>
/// What a plan runs with: the session's models, the folder its intermediates go to (a <see cref="ResultFolder"/>'s
/// work folder, or null for none), where progress goes, the cancellation token (Ctrl+C, DELETE) and the cache folder
/// of what edits may reuse (DragDiffusion's per-image LoRAs; null = <see cref="DefaultCacheDir"/>), and how often a
/// method sends a picture of its current estimate with its progress (every <paramref name="PreviewEvery"/> steps; 0 = never,
/// what the CLI asks: a preview costs a decode where the method has none at hand).
/// </summary>
public sealed record EditSession(EditModels Models, string? WorkDir = null, Action<EditProgress>? Progress = null, CancellationToken Cancel = default,
    string? CacheDir = null, int PreviewEvery = 0)
{
    /// <summary>$MOTIVE_CACHE, else $XDG_CACHE_HOME/motive, else ~/.cache/motive.</summary>
    public static string DefaultCacheDir =>
        Environment.GetEnvironmentVariable("MOTIVE_CACHE") is { Length: > 0 } m ? m
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "motive");

    public string Cache => CacheDir ?? DefaultCacheDir;

    public void Report(string phase, int step, int total) => Progress?.Invoke(new EditProgress(phase, step, total));

    /// <summary>Progress with a picture of the current estimate (x̂₀), made only every <see cref="PreviewEvery"/> steps and when someone listens.</summary>
    public void Preview(string phase, int step, int total, Func<RgbImage> picture)
    {
        if (PreviewEvery > 0 && Progress is not null && step % PreviewEvery == 0) Progress(new EditProgress(phase, step, total, picture()));
    }
}
