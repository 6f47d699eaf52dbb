// MSBuild task (compiled by RoslynCodeTaskFactory, see PatchLibTorchSharp.targets) that makes
// TorchSharp's native glue load on Debian 12. Why and what: ../shared/docs/torchsharp-debian12.md.
//
// libLibTorchSharp.so was linked by GCC 13 and references one symbol of GLIBCXX_3.4.32,
// `std::ios_base_library_init()`, which it never calls. Debian 12's libstdc++ stops at 3.4.30.
// We flip two flags in the *output copies* (never the NuGet cache):
//   1. .dynsym: the undefined symbol `_ZSt21ios_base_library_initv` becomes WEAK;
//   2. .gnu.version_r: the `GLIBCXX_3.4.32` requirement gets VER_FLG_WEAK.
// Both are idempotent bit-sets, harmless on systems whose libstdc++ is new enough; builds still only
// patch where the system library lacks the version, so other machines get untouched files. With
// Always, the check is skipped: a tool package is installed on machines other than the one that packs it.
#nullable enable
using System;
using System.Runtime.InteropServices;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchLibTorchSharp : Task
{
    /// <summary>Folders searched (recursively) for libLibTorchSharp.so.</summary>
    [Required]
    public ITaskItem[] Directories { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Patch whatever the building machine is (for outputs that are installed elsewhere).</summary>
    public bool Always { get; set; }

    const string Symbol = "_ZSt21ios_base_library_initv";
    const string Version = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        if (!Always && (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || SystemHasVersion())) return true;
        foreach (var dir in Directories)
        {
            var root = dir.ItemSpec;
            if (!System.IO.Directory.Exists(root)) continue;
            foreach (var file in System.IO.Directory.EnumerateFiles(root, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                var bytes = File.ReadAllBytes(file);
                string? error = Patch(bytes, out bool changed);
                if (error != null) { Log.LogWarning($"{file}: not patched: {error}"); continue; }
                if (!changed) continue;
                // Write a new file and move it over: the output copy may be a hard link into the NuGet cache.
                var tmp = file + ".patching";
                File.WriteAllBytes(tmp, bytes);
                File.Delete(file);
                File.Move(tmp, file);
                Log.LogMessage(MessageImportance.High, Always
                    ? $"patched {file} so that it also loads where libstdc++ lacks {Version}"
                    : $"patched {file} for libstdc++ without {Version}");
            }
        }
        return true;
    }

    static bool SystemHasVersion()
    {
        string[] candidates =
        {
            "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        var needle = Encoding.ASCII.GetBytes(Version + "\0");
        foreach (var path in candidates)
        {
            if (!File.Exists(path)) continue;
            return IndexOf(File.ReadAllBytes(path), needle) >= 0;
        }
        return false; // unknown layout: patching is harmless, so do it
    }

    /// <summary>Applies both flag changes in place. Returns an error text, or null on success.</summary>
    public static string? Patch(byte[] elf, out bool changed)
    {
        changed = false;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            return "not an ELF file";
        if (elf[4] != 2 || elf[5] != 1) return "not a little-endian ELF64 file";
        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        if (shentsize < 64 || shoff + (ulong)(shentsize * shnum) > (ulong)elf.Length) return "bad section header table";

        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)shoff + i * shentsize;
            uint type = U32(elf, sh + 4);
            if (type != 11 && type != 0x6ffffffe) continue;
            ulong off = U64(elf, sh + 24), size = U64(elf, sh + 32);
            uint link = U32(elf, sh + 40), info = U32(elf, sh + 44);
            if (off + size > (ulong)elf.Length || link >= shnum) return "section outside the file";
            int strsh = (int)shoff + (int)link * shentsize;
            ulong stroff = U64(elf, strsh + 24), strsize = U64(elf, strsh + 32);
            if (stroff + strsize > (ulong)elf.Length) return "string table outside the file";

            if (type == 11) // SHT_DYNSYM: Elf64_Sym is 24 bytes, st_info at +4
            {
                for (ulong s = off; s + 24 <= off + size; s += 24)
                {
                    if (Name(elf, stroff, strsize, U32(elf, (int)s)) != Symbol) continue;
                                        byte oldInfo = elf[(int)s + 4];
                    byte newInfo = (byte)((2 << 4) | (oldInfo & 0xF)); // STB_WEAK
                    if (oldInfo != newInfo) { elf[(int)s + 4] = newInfo; changed = true; }
                }
            }
            else // SHT_GNU_verneed: info = number of Elf64_Verneed entries
            {
                ulong vn = off;
                for (uint n = 0; n < info && vn + 16 <= off + size; n++)
                {
                    int cnt = U16(elf, (int)vn + 2);
                    ulong aux = vn + U32(elf, (int)vn + 8);
                    for (int a = 0; a < cnt && aux + 16 <= off + size; a++)
                    {
                        if (Name(elf, stroff, strsize, U32(elf, (int)aux + 8)) == Version)
                        {
                                                        int flags = U16(elf, (int)aux + 4);
                            if ((flags & 0x2) == 0) // VER_FLG_WEAK
                            {
                                flags |= 0x2;
                                elf[(int)aux + 4] = (byte)flags;
                                elf[(int)aux + 5] = (byte)(flags >> 8);
                                changed = true;
                            }
                        }
                        uint next = U32(elf, (int)aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint vnNext = U32(elf, (int)vn + 12);
                    if (vnNext == 0) break;
                    vn += vnNext;
                }
            }
        }
        return null; // a library without the symbol or version needs nothing
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    static string Name(byte[] b, ulong stroff, ulong strsize, uint index)
    {
        if (index >= strsize) return "";
        int start = (int)(stroff + index), end = start;
        int limit = (int)(stroff + strsize);
        while (end < limit && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
    static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}
