using Motive.IO;

namespace Motive.Replays;

/// <summary>The LoRA a replay puts on the UNet (null: none) and where that choice came from, for the report.</summary>
public sealed record LoraChoice(string? Path, string Source)
{
    /// <summary>The word that means "no LoRA", in a recording's `lora` metadata and in `--lora`.</summary>
    public const string None = "none";

    /// <summary>
    /// The LoRA of a drag recording: <paramref name="overridePath"/> (`--lora PATH`, or `none`) when given, else the
    /// recording's own `lora` metadata: "none …" or the LoRA's path (a weights file or a folder holding
    /// pytorch_lora_weights.safetensors) relative to the recording's folder, e.g. "tiny-sd-lora/pytorch_lora_weights.safetensors
    /// loaded with model.unet.load_attn_procs (…)". Nothing else of the recording is read. A drag_update or
    /// drag_pipeline recording must say; a drag_lora_step recording trains its own adapters from its recorded
    /// `lora_init`, so without the key it has none, and one named under it is refused.
    /// </summary>
    public static LoraChoice For(string file, IReadOnlyDictionary<string, string> metadata, string format, string? overridePath = null)
    {
        LoraChoice choice;
        if (overridePath is not null)
            choice = overridePath == None ? new(null, "--lora none") : new(Weights(overridePath, "--lora"), "--lora");
        else if (RecordedPaths.FirstWord(metadata, "lora") is not { } named)
            choice = format == DragReplay.LoraStep
                ? new(null, "none: a drag_lora_step run trains its own LoRA from its recorded lora_init")
                : throw new MotiveFormatException(file, "metadata has no 'lora' (the LoRA the run had, or none); give --lora PATH or --lora none");
        else if (named.Equals(None, StringComparison.OrdinalIgnoreCase))
            choice = new(null, "metadata 'lora': none");
        else
        {
            var path = System.IO.Path.GetFullPath(named, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!);
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new FileNotFoundException($"{file}: metadata 'lora' names {path}, which is not there; give --lora PATH or --lora none");
            choice = new(Weights(path, "metadata 'lora'"), "metadata 'lora'");
        }
        if (format == DragReplay.LoraStep && choice.Path is not null)
            throw new MotiveFormatException(file, $"is a drag_lora_step run, which trains its LoRA from lora_init; a LoRA under it ({choice.Path}, from {choice.Source}) cannot be replayed");
        return choice;
    }

    /// <summary>A LoRA weights file, or the diffusers folder that holds one.</summary>
    private static string Weights(string path, string from)
    {
        if (File.Exists(path)) return path;
        var inside = System.IO.Path.Combine(path, "pytorch_lora_weights.safetensors");
        if (Directory.Exists(path) && File.Exists(inside)) return inside;
        throw new FileNotFoundException($"{from}: {path} is not a LoRA weights file (nor a folder holding pytorch_lora_weights.safetensors)");
    }
}
