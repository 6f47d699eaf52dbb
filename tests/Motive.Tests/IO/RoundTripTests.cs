using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Flows;
using Motive.IO.Numpy;
using Motive.IO.Pickle;
using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using Motive.IO.Tensors;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.IO;

[Trait(Tier.Category, Tier.Unit)]
public class RoundTripTests
{
    static torch.Tensor Sample(DType d, long[] shape, int seed)
    {
        var g = new torch.Generator((ulong)seed);
        using var f = torch.randn(shape, generator: g).mul(50);
        return d switch
        {
            DType.BOOL => f.gt(0),
            DType.U8 => f.abs().clamp(0, 255).to(torch.uint8),
            _ => f.to(d.ToTorch()),
        };
    }

    public static TheoryData<DType> AllDTypes => new(Enum.GetValues<DType>());

    [Theory, MemberData(nameof(AllDTypes))]
    public void Safetensors_EveryDType_RoundTripsBitsAndMetadata(DType d)
    {
        using var dir = new TempDir();
        var path = dir.File("x.safetensors");
        using var a = Sample(d, [3, 5, 2], 1);
        using var b = Sample(d, [7], 2);
        using var empty = Sample(d, [0, 4], 3);
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode ✓" };
        SafetensorsWriter.Write(path, [new("a", a), new("b.c", b), new("empty", empty)], meta);

        using var f = SafetensorsFile.Open(path);
        Assert.Equal(meta, f.Metadata);
        Assert.Equal(["a", "b.c", "empty"], f.Tensors.Select(t => t.Name));
        Assert.All(f.Tensors, t => Assert.Equal(d, t.DType));
        using var a2 = f.Tensors[0].Load();
        using var b2 = f.Tensors[1].Load();
        using var e2 = f.Tensors[2].Load();
        Assert.True(TensorAssert.BitEqual(a, a2));
        Assert.True(TensorAssert.BitEqual(b, b2));
        Assert.Equal(new long[] { 0, 4 }, e2.shape);
    }

    [Theory, MemberData(nameof(AllDTypes))]
    public void TorchSave_EveryDType_RoundTripsThroughOurPickleReader(DType d)
    {
        using var dir = new TempDir();
        var path = dir.File("x.pth");
        using var a = Sample(d, [4, 3], 4);
        using var b = Sample(d, [2, 2, 2], 5);
        TorchSaveWriter.WriteStateDict(path, [new("layer.weight", a), new("layer.bias", b)]);
        using var sd = StateDict.Open(path);
        Assert.Equal("torch-zip", sd.Format);
        Assert.Equal(["layer.weight", "layer.bias"], sd.Keys);
        using var a2 = sd.Load("layer.weight");
        using var b2 = sd.Load("layer.bias");
        Assert.True(TensorAssert.BitEqual(a, a2));
        Assert.True(TensorAssert.BitEqual(b, b2));
    }

    [Fact]
    public void StateDict_LoadConvertsDType()
    {
        using var sd = StateDict.Open(Fixtures.Parity("tiny-sd-single.safetensors"));
        var name = sd.Keys.First();
        using var h = sd.Load(name);
        using var f = sd.Load(name, torch.float32);
        Assert.Equal(torch.float16, h.dtype);
        Assert.Equal(torch.float32, f.dtype);
        Assert.True(TensorAssert.BitEqual(h.to(torch.float32), f));
    }

    public static TheoryData<string> FlowExtensions => new(FlowFile.Extensions);

    [Theory, MemberData(nameof(FlowExtensions))]
    public void Flow_EveryFormat_RoundTripsExactly(string ext)
    {
        using var dir = new TempDir();
        using var flow = torch.randn([2, 9, 13], generator: new torch.Generator(7)).mul(10);
        var path = dir.File("f" + ext);
        FlowFile.Write(path, flow);
        using var back = FlowFile.Read(path);
        Assert.Equal(new long[] { 2, 9, 13 }, back.shape);
        Assert.True(TensorAssert.BitEqual(flow, back), $"{ext} changed the flow");
    }

    [Fact]
    public void Flow_PthFile_IsSavedAsGenerateDotPyLoadsIt()
    {
        using var dir = new TempDir();
        using var flow = torch.randn(2, 4, 6);
        var path = dir.File("right.pth");
        FlowFile.Write(path, flow);
        using var ck = TorchCheckpoint.Open(path);
        Assert.Equal(new long[] { 1, 2, 4, 6 }, CheckpointTensors.Single(ck).Shape);
    }

    [Fact]
    public void Flow_NpyLayouts_ChannelLastFirstAndFortranOrder_AllMeanTheSame()
    {
        using var dir = new TempDir();
        using var flow = torch.randn([2, 5, 7], generator: new torch.Generator(3));
        var hw2 = dir.File("hw2.npy");
        var chw = dir.File("chw.npy");
        var fortran = dir.File("fortran.npy");
        using (var t = flow.permute(1, 2, 0).contiguous()) NpyFile.Write(hw2, t);
        NpyFile.Write(chw, flow);
        WriteFortranNpy(fortran, flow);
        foreach (var p in new[] { hw2, chw, fortran })
        {
            using var back = FlowFile.Read(p);
            Assert.True(TensorAssert.BitEqual(flow, back), Path.GetFileName(p));
        }
    }

    [Fact]
    public void Flow_NumpyArrayPickledByTorchSave_AsTheGuiSavesIt_Reads()
    {
        // gui.py: torch.save(numpy array (H, W, 2) float32) — pickle protocol 2 with numpy reconstruction.
        using var dir = new TempDir();
        using var flow = torch.randn([2, 3, 4], generator: new torch.Generator(11));
        using var hw2 = flow.permute(1, 2, 0).contiguous();
        var raw = System.Text.Encoding.Latin1.GetString(RawTensor.ToBytes(hw2));
        var p = new PickleWriter()
            .Global("numpy.core.multiarray", "_reconstruct").Mark()
            .Global("numpy", "ndarray").Ints([0]).Global("_codecs", "encode").Mark().String("b").String("latin1").Tuple().Reduce()
            .Tuple().Reduce()
            .Mark().Int(1).Ints([3, 4, 2])
            .Global("numpy", "dtype").Mark().String("f4").False().Op(0x88).Tuple().Reduce()
            .Mark().Int(3).String("<").Op(0x4e).Op(0x4e).Op(0x4e).Int(-1).Int(-1).Int(0).Tuple().Op(0x62)
            .False().Global("_codecs", "encode").Mark().String(raw).String("latin1").Tuple().Reduce()
            .Tuple().Op(0x62);
        var path = dir.File("flow.pth");
        CheckpointBuilder.WriteZip(path, p.Stop(), new Dictionary<string, byte[]>());
        using var back = FlowFile.Read(path);
        Assert.True(TensorAssert.BitEqual(flow, back));
    }

    [Fact]
    public void Flow_WithNaN_IsRefusedWithTheFileName()
    {
        using var dir = new TempDir();
        using var flow = torch.zeros(2, 4, 4);
        flow[0, 1, 1] = torch.tensor(float.NaN);
        var path = dir.File("nan.flo");
        File.WriteAllBytes(path, FloFormat.Encode(flow));
        var e = Assert.Throws<FlowFormatException>(() => FlowFile.Read(path));
        Assert.Contains("NaN", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void Flow_WrongShape_IsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        using var t = torch.zeros(3, 4, 4);
        SafetensorsWriter.Write(path, [new("flow", t)]);
        var e = Assert.Throws<FlowFormatException>(() => FlowFile.Read(path));
        Assert.Contains("(3, 4, 4)", e.Message);
    }

    static void WriteFortranNpy(string path, torch.Tensor chw)
    {
        // Fortran order of shape (H, W, 2) = C order of the reversed shape (2, W, H).
        using var hw2 = chw.permute(1, 2, 0);
        using var rev = hw2.permute(2, 1, 0).contiguous();
        var shape = $"({hw2.shape[0]}, {hw2.shape[1]}, 2)";
        var dict = $"{{'descr': '<f4', 'fortran_order': True, 'shape': {shape}, }}";
        dict += new string(' ', 63 - (10 + dict.Length) % 64) + "\n";
        using var fs = File.Create(path);
        fs.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        fs.Write(BitConverter.GetBytes((ushort)dict.Length));
        fs.Write(System.Text.Encoding.ASCII.GetBytes(dict));
        fs.Write(RawTensor.ToBytes(rev));
    }
}
