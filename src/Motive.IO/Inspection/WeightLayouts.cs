namespace Motive.IO.Inspection;

/// <summary>Recognises which model a set of state-dict keys belongs to, by the key layouts of the published checkpoints.</summary>
public static class WeightLayouts
{
    public static string Describe(IReadOnlyCollection<string> keys, out List<KeyValuePair<string, string>> facts)
    {
        facts = [];
        bool Has(string prefix) => keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));

        if (Has("model.diffusion_model."))
        {
            facts.Add(new("UNet tensors", keys.Count(k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal)).ToString()));
            facts.Add(new("VAE tensors", keys.Count(k => k.StartsWith("first_stage_model.", StringComparison.Ordinal)).ToString()));
            facts.Add(new("text encoder tensors", keys.Count(k => k.StartsWith("cond_stage_model.", StringComparison.Ordinal)).ToString()));
            return "Stable Diffusion single-file checkpoint (original LDM layout)";
        }

        bool module = keys.Count > 0 && keys.All(k => k.StartsWith("module.", StringComparison.Ordinal));
        var bare = module ? keys.Select(k => k["module.".Length..]).ToList() : keys.ToList();
        bool BareHas(string prefix) => bare.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        if (BareHas("fnet.") && BareHas("cnet.") && BareHas("update_block."))
        {
            bool small = bare.Contains("update_block.gru.convz.weight");
            facts.Add(new("prefix", module ? "module. (saved from DataParallel)" : "none"));
            return small ? "RAFT-small checkpoint (princeton layout)" : "RAFT checkpoint (princeton layout)";
        }
        if (BareHas("feature_encoder.") && BareHas("update_block."))
            return "RAFT checkpoint (torchvision layout)";

        string[] loraMarks = [".lora.down.", ".lora.up.", "lora_down.", "lora_up.", ".lora_A.", ".lora_B."];
        if (keys.Any(k => loraMarks.Any(m => k.Contains(m, StringComparison.Ordinal))))
            return "LoRA weights";
        if (Has("conv_in.") && Has("down_blocks.") && Has("time_embedding."))
            return "diffusers UNet2DConditionModel weights";
        if (Has("encoder.conv_in.") && Has("decoder.conv_in."))
            return "diffusers AutoencoderKL weights";
        if (Has("text_model.encoder.") || (Has("encoder.layers.") && Has("embeddings.token_embedding.")))
            return "CLIP text model weights (transformers layout)";
        return "tensors";
    }
}
