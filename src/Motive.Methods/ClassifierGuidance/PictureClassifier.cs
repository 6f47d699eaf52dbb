using Motive.IO;
using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// A small picture classifier whose gradient steers classifier guidance: four 3×3 convolutions (three of stride 2,
/// SiLU after each), the mean over the picture, one linear layer to the class logits. Pictures enter as (B,3,H,W) in
/// [-1,1], the decoder's range, at any size (the mean makes it size-free). The mean over pixels suits "what colour is
/// the largest object": each pixel votes, and the largest object has the most pixels. State-dict keys are the field
/// names (conv1.weight … head.bias); the file's metadata names the classes and the attribute they are of.
/// </summary>
public sealed class PictureClassifier : nn.Module<Tensor, Tensor>
{
    public const string ClassesKey = "motive.classes", AttributeKey = "motive.attribute", WidthKey = "motive.width";

    private readonly Conv conv1, conv2, conv3, conv4;
    private readonly Linear head;

    public PictureClassifier(string attribute, IReadOnlyList<string> classes, int width = 16) : base(nameof(PictureClassifier))
    {
        if (classes.Count < 2) throw new ArgumentException("a classifier needs at least two classes");
        Attribute = attribute;
        Classes = classes;
        Width = width;
        conv1 = new Conv(3, width / 2, 3, stride: 2, padding: 1);
        conv2 = new Conv(width / 2, width, 3, stride: 2, padding: 1);
        conv3 = new Conv(width, 2 * width, 3, stride: 2, padding: 1);
        conv4 = new Conv(2 * width, 2 * width, 3, stride: 1, padding: 1);
        head = nn.Linear(2 * width, classes.Count);
        RegisterComponents();
    }

    /// <summary>What the classes name, e.g. "colour" or "shape".</summary>
    public string Attribute { get; }
    public IReadOnlyList<string> Classes { get; }
    public int Width { get; }

    /// <summary>Class logits (B,classes).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(conv1.forward(x));
        h = nn.functional.silu(conv2.forward(h));
        h = nn.functional.silu(conv3.forward(h));
        h = nn.functional.silu(conv4.forward(h));
        return head.forward(h.mean([2, 3])).MoveToOuterDisposeScope();
    }

    /// <summary>The index of <paramref name="name"/> among the classes; an unknown name is refused with the known ones.</summary>
    public int ClassIndex(string name)
    {
        for (int i = 0; i < Classes.Count; i++) if (Classes[i] == name) return i;
        throw new ArgumentException($"the classifier knows no {Attribute} '{name}' (known: {string.Join(", ", Classes)})");
    }

    /// <summary>Writes the weights (float32) with the classes and attribute in the file's metadata.</summary>
    public void Save(string path)
    {
        var tensors = named_parameters().Select(p => KeyValuePair.Create(p.name, p.parameter.detach().to(float32).cpu())).ToList();
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            [ClassesKey] = string.Join(",", Classes), [AttributeKey] = Attribute, [WidthKey] = Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        foreach (var (_, t) in tensors) t.Dispose();
    }

    /// <summary>Reads a classifier written by <see cref="Save"/> (strictly: every weight present, none extra), in eval mode.</summary>
    public static PictureClassifier Load(string path)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, "no such classifier file");
        using var sd = StateDict.Open(path);
        if (!sd.Metadata.TryGetValue(ClassesKey, out var classes) || !sd.Metadata.TryGetValue(AttributeKey, out var attribute))
            throw new MotiveFormatException(path, $"is not a Motive picture classifier (its metadata has no {ClassesKey} and {AttributeKey})");
        int width = sd.Metadata.TryGetValue(WidthKey, out var w) && int.TryParse(w, out int parsed) ? parsed : 16;
        var model = new PictureClassifier(attribute, classes.Split(','), width);
        WeightLoading.Load(model, sd, path);
        model.eval();
        return model;
    }
}
