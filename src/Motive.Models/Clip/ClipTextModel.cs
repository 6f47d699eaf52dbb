using Motive.IO;
using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Clip;

/// <summary>transformers' CLIPTextConfig, the fields the text encoder uses.</summary>
public sealed record ClipTextConfig(long VocabSize, long HiddenSize, long IntermediateSize, long Layers, long Heads,
    long MaxPositions, string Activation, double LayerNormEps)
{
    public static ClipTextConfig From(JsonConfig c)
    {
        var cfg = new ClipTextConfig(c.Long("vocab_size", 49408), c.Long("hidden_size", 768), c.Long("intermediate_size", 3072),
            c.Long("num_hidden_layers", 12), c.Long("num_attention_heads", 12), c.Long("max_position_embeddings", 77),
            c.String("hidden_act", "quick_gelu"), c.Double("layer_norm_eps", 1e-5));
        if (cfg.Activation is not ("quick_gelu" or "gelu")) throw new MotiveFormatException(c.Path, $"hidden_act '{cfg.Activation}' is not supported");
        return cfg;
    }
}

public sealed class ClipEmbeddings : nn.Module
{
    private readonly Embedding token_embedding, position_embedding;

    public ClipEmbeddings(ClipTextConfig c) : base(nameof(ClipEmbeddings))
    {
        token_embedding = nn.Embedding(c.VocabSize, c.HiddenSize);
        position_embedding = nn.Embedding(c.MaxPositions, c.HiddenSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor ids) =>
        token_embedding.forward(ids) + position_embedding.forward(arange(ids.shape[1], device: ids.device))[TensorIndex.None];
}

public sealed class ClipAttention : nn.Module
{
    private readonly Linear q_proj, k_proj, v_proj, out_proj;
    private readonly long heads;

    public ClipAttention(ClipTextConfig c) : base(nameof(ClipAttention))
    {
        heads = c.Heads;
        q_proj = nn.Linear(c.HiddenSize, c.HiddenSize);
        k_proj = nn.Linear(c.HiddenSize, c.HiddenSize);
        v_proj = nn.Linear(c.HiddenSize, c.HiddenSize);
        out_proj = nn.Linear(c.HiddenSize, c.HiddenSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2], d = c / heads;
        Tensor Heads(Linear l) => l.forward(x).view(b, n, heads, d).transpose(1, 2);
        var o = F.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj), is_casual: true);
        return out_proj.forward(o.transpose(1, 2).reshape(b, n, c));
    }
}

public sealed class ClipMlp : nn.Module
{
    private readonly Linear fc1, fc2;
    private readonly bool quick;

    public ClipMlp(ClipTextConfig c) : base(nameof(ClipMlp))
    {
        fc1 = nn.Linear(c.HiddenSize, c.IntermediateSize);
        fc2 = nn.Linear(c.IntermediateSize, c.HiddenSize);
        quick = c.Activation == "quick_gelu";
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        var h = fc1.forward(x);
        h = quick ? h * sigmoid(h * 1.702) : F.gelu(h);
        return fc2.forward(h);
    }
}

public sealed class ClipEncoderLayer : nn.Module
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1, layer_norm2;
    private readonly ClipMlp mlp;

    public ClipEncoderLayer(ClipTextConfig c) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(c);
        layer_norm1 = nn.LayerNorm([c.HiddenSize], c.LayerNormEps);
        mlp = new ClipMlp(c);
        layer_norm2 = nn.LayerNorm([c.HiddenSize], c.LayerNormEps);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        x = x + self_attn.Forward(layer_norm1.forward(x));
        return x + mlp.Forward(layer_norm2.forward(x));
    }
}

public sealed class ClipEncoder : nn.Module
{
    private readonly ModuleList<ClipEncoderLayer> layers = new();

    public ClipEncoder(ClipTextConfig c) : base(nameof(ClipEncoder))
    {
        for (int i = 0; i < c.Layers; i++) layers.Add(new ClipEncoderLayer(c));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        foreach (var l in layers) x = l.Forward(x);
        return x;
    }
}

/// <summary>transformers' CLIPTextModel (text_model part): token ids (B,77) → last hidden state (B,77,D), causal.</summary>
public sealed class ClipTextModel : nn.Module
{
    private readonly ClipEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    public ClipTextModel(ClipTextConfig config) : base(nameof(ClipTextModel))
    {
        Config = config;
        embeddings = new ClipEmbeddings(config);
        encoder = new ClipEncoder(config);
        final_layer_norm = nn.LayerNorm([config.HiddenSize], config.LayerNormEps);
        RegisterComponents();
    }

    public ClipTextConfig Config { get; }

    public Tensor Forward(Tensor inputIds) => final_layer_norm.forward(encoder.Forward(embeddings.Forward(inputIds)));
}
