#!/usr/bin/python3
"""elf_readelf.py: kin's ELF loader (through `kin info --json --symbols`) against binutils readelf.

For each file: class, data, OS/ABI, type, machine, entry point (readelf -h); every section's name,
address, offset, size, file bytes and W/A/X flags (-S); the segment count and every PT_LOAD, the
interpreter and the image base (-l); every .dynsym and .symtab entry's name, value, size, type
and binding (-s); DT_NEEDED and DT_SONAME (-d); the GNU build-id (-n); imports: every
JUMP_SLOT/GLOB_DAT relocation's slot and symbol (-r) with the library its version needs (-V). Prints one line per
mismatch and exits 1 if there was any. Usage: elf_readelf.py KIN [--header-only] FILE...
"""
import json
import os
import re
import subprocess
import sys

MACHINES = {
    "Intel 80386": 3,
    "MIPS R3000": 8,
    "PowerPC64": 21,
    "ARM": 40,
    "Advanced Micro Devices X86-64": 62,
    "AArch64": 183,
}
TYPES = {"REL": 1, "EXEC": 2, "DYN": 3, "CORE": 4}
OSABIS = {"UNIX - System V": 0, "UNIX - GNU": 3, "UNIX - FreeBSD": 9}
SYM_TYPES = {"FUNC": "func", "IFUNC": "func", "OBJECT": "object", "COMMON": "object"}

errors = 0


def fail(path, what, want, got):
    global errors
    errors += 1
    print(f"elf_readelf: {path}: {what}: readelf {want!r}, kin {got!r}")


def readelf(opt, path):
    r = subprocess.run(["readelf", "-W", opt, path], capture_output=True, text=True)
    return r.stdout


def header(path):
    h = {}
    for line in readelf("-h", path).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            h[k.strip()] = v.strip()
    return h


def sections(path):
    out = []
    pat = re.compile(
        r"^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)"
        r"\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$")
    for line in readelf("-S", path).splitlines():
        m = pat.match(line)
        if m and int(m.group(1)) > 0:
            out.append({"name": m.group(2), "type": m.group(3), "va": int(m.group(4), 16),
                        "offset": int(m.group(5), 16), "vsize": int(m.group(6), 16),
                        "flags": m.group(7)})
    return out


def segments(path):
    segs, interp = [], None
    pat = re.compile(r"^\s+(\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)"
                     r"\s+0x([0-9a-f]+)\s+(.{3})\s+(0x[0-9a-f]+|\d+)\s*$")
    for line in readelf("-l", path).splitlines():
        m = pat.match(line)
        if m:
            fl = m.group(7)
            segs.append({"type": m.group(1), "offset": int(m.group(2), 16),
                         "va": int(m.group(3), 16), "filesz": int(m.group(5), 16),
                         "memsz": int(m.group(6), 16),
                         "flags": (4 if "R" in fl else 0) | (2 if "W" in fl else 0) |
                                  (1 if "E" in fl else 0)})
        m = re.search(r"\[Requesting program interpreter: (.*)\]", line)
        if m:
            interp = m.group(1)
    return segs, interp


def symbols(path):
    """Symbols of every table in file order, entry 0 skipped, with the table's source."""
    out = []
    source = None
    pat = re.compile(r"^\s*(\d+): ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)"
                     r"(?: (.*))?$")
    for line in readelf("-s", path).splitlines():
        # "<OS specific>: 10" (STB_GNU_UNIQUE) and friends: one token, as kin names them.
        line = re.sub(r"<(?:OS|processor) specific>: (\d+)",
                      lambda m: "UNIQUE" if m.group(1) == "10" else "BIND" + m.group(1), line)
        m = re.match(r"Symbol table '(.*)' contains", line)
        if m:
            source = "dynsym" if m.group(1) == ".dynsym" else "symtab"
            continue
        m = pat.match(line)
        if not m or int(m.group(1)) == 0:
            continue
        name = m.group(7) or ""
        # readelf appends symbol versions: "puts@GLIBC_2.2.5 (2)".
        name = re.sub(r" \(\d+\)$", "", name)
        name = re.sub(r"@.*$", "", name) if source == "dynsym" else name
        # readelf shows a section symbol under its section's name; its own name is empty.
        name = "" if m.group(4) == "SECTION" else name
        out.append({"name": name, "va": int(m.group(2), 16), "size": int(m.group(3), 0),
                    "type": SYM_TYPES.get(m.group(4), "other"), "bind": m.group(5).lower(),
                    "source": source})
    return out


def dynamic(path):
    needed, soname = [], None
    for line in readelf("-d", path).splitlines():
        m = re.search(r"\(NEEDED\)\s+Shared library: \[(.*)\]", line)
        if m:
            needed.append(m.group(1))
        m = re.search(r"\(SONAME\)\s+Library soname: \[(.*)\]", line)
        if m:
            soname = m.group(1)
    return needed, soname


SLOT_RELOCS = ("_JUMP_SLOT", "_JMP_SLOT", "_GLOB_DAT")


def imports(path):
    """(slot, name, library) of each slot relocation; the library is the file whose version
    needs list the symbol's version index (--dyn-syms "(N)", -V "Version: N")."""
    files, cur = {}, None
    for line in readelf("-V", path).splitlines():
        m = re.search(r"Version: \d+\s+File: (\S+)\s+Cnt:", line)
        if m:
            cur = m.group(1)
            continue
        m = re.search(r"Name: \S+\s+Flags: .*Version: (\d+)", line)
        if m and cur:
            files[int(m.group(1))] = cur
    versions = {}
    for line in readelf("--dyn-syms", path).splitlines():
        m = re.match(r"\s*(\d+): .* \((\d+)\)$", line)
        if m:
            versions[int(m.group(1))] = int(m.group(2))
    out = []
    for line in readelf("-r", path).splitlines():
        f = line.split()
        if len(f) < 5 or not f[2].endswith(SLOT_RELOCS):
            continue
        name = f[4].partition("@")[0]  # offset info type value name[@version]
        if not name:
            continue
        info = int(f[1], 16)
        sym = info >> 32 if len(f[1]) > 8 else info >> 8
        out.append((int(f[0], 16), name, files.get(versions.get(sym))))
    return sorted(out)


def build_id(path):
    m = re.search(r"Build ID: ([0-9a-f]+)", readelf("-n", path))
    return m.group(1) if m else ""


def check_header(path, k, h):
    want_class = {"ELF32": 32, "ELF64": 64}.get(h.get("Class"))
    if want_class != k["elf"]["class"]:
        fail(path, "class", h.get("Class"), k["elf"]["class"])
    data = "big" if "big endian" in h.get("Data", "") else "little"
    if data != k["elf"]["data"]:
        fail(path, "data", h.get("Data"), k["elf"]["data"])
    mach = MACHINES.get(h.get("Machine"))
    if mach is None or mach != k["elf"]["machine"]:
        fail(path, "machine", h.get("Machine"), k["elf"]["machine"])
    typ = TYPES.get(h.get("Type", "").split(" ")[0])
    if typ != k["elf"]["type"]:
        fail(path, "type", h.get("Type"), k["elf"]["type"])
    osabi = OSABIS.get(h.get("OS/ABI"))
    if osabi != k["elf"]["osabi"]:
        fail(path, "osabi", h.get("OS/ABI"), k["elf"]["osabi"])
    entry = int(h.get("Entry point address", "0"), 16)
    got = [e["va"] for e in k["entry_points"] if e["kind"] == "main"]
    if got != ([entry] if entry else []):
        fail(path, "entry", hex(entry), got)


def check_sections(path, k, size):
    want = sections(path)
    got = k["sections"]
    if len(want) != len(got):
        fail(path, "section count", len(want), len(got))
        return
    for w, g in zip(want, got):
        file_bytes = 0 if w["type"] == "NOBITS" else max(0, min(w["vsize"], size - w["offset"]))
        for key, val in (("name", w["name"]), ("va", w["va"]), ("offset", w["offset"]),
                         ("vsize", w["vsize"]), ("size", file_bytes)):
            if g[key] != val:
                fail(path, f"section {w['name']} {key}", val, g[key])
        wax = (1 if "W" in w["flags"] else 0) | (2 if "A" in w["flags"] else 0) | \
              (4 if "X" in w["flags"] else 0)
        if g["characteristics"] & 7 != wax:
            fail(path, f"section {w['name']} W/A/X flags", w["flags"], g["characteristics"])


def check_segments(path, k):
    want, interp = segments(path)
    got = k["elf"]["segments"]
    if len(want) != len(got):
        fail(path, "segment count", len(want), len(got))
        return
    for i, (w, g) in enumerate(zip(want, got)):
        if (w["type"] == "LOAD") != (g["type"] == 1):
            fail(path, f"segment {i} PT_LOAD", w["type"], g["type"])
        if w["type"] != "LOAD":
            continue
        for key in ("offset", "va", "filesz", "memsz", "flags"):
            if w[key] != g[key]:
                fail(path, f"PT_LOAD {i} {key}", w[key], g[key])
    if interp != k["elf"]["interpreter"]:
        fail(path, "interpreter", interp, k["elf"]["interpreter"])
    loads = [w["va"] for w in want if w["type"] == "LOAD" and w["memsz"] > 0]
    base = (min(loads) & ~0xfff) if loads else 0
    if base != k["base"]:
        fail(path, "base", hex(base), hex(k["base"]))


def check_symbols(path, k):
    want = symbols(path)
    if not want and "There are no sections" in readelf("-S", path):
        # Section headers stripped: readelf cannot list .dynsym; kin reads it through DT_SYMTAB
        # and must find what readelf lists in the same file before stripping.
        original = re.sub(r"[._]noshdr", "", path)
        if original != path:
            want = [s for s in symbols(original) if s["source"] == "dynsym"]
    got = k.get("symbols", [])
    if len(want) != k["symbol_count"] or len(got) != len(want):
        fail(path, "symbol count", len(want), k["symbol_count"])
        return
    for i, (w, g) in enumerate(zip(want, got)):
        for key in ("name", "va", "size", "type", "bind", "source"):
            if w[key] != g[key]:
                fail(path, f"symbol {i} ({w['name']}) {key}", w[key], g[key])


def check_dynamic(path, k):
    needed, soname = dynamic(path)
    if needed != k["elf"]["needed"]:
        fail(path, "DT_NEEDED", needed, k["elf"]["needed"])
    if soname != k["elf"]["soname"]:
        fail(path, "DT_SONAME", soname, k["elf"]["soname"])
    bid = build_id(path)
    if bid != (k["elf"]["build_id"] or ""):  # kin prints null when there is none
        fail(path, "build-id", bid, k["elf"]["build_id"])


def check_imports(path, k):
    # readelf cannot name relocations without section headers: a ".noshdr" fixture is compared
    # with the file it was stripped from.
    ref = path[: -len(".noshdr")] if path.endswith(".noshdr") else path
    want = imports(ref if os.path.exists(ref) else path)
    got = sorted((m["slot"], m["name"], m["library"]) for m in k["imports"])
    if len(want) != len(got):
        fail(path, "import count", len(want), len(got))
    for w, g in zip(want, got):
        if w != g:
            fail(path, "import", w, g)
            break


def main():
    kin = sys.argv[1]
    args = sys.argv[2:]
    header_only = "--header-only" in args
    files = [a for a in args if a != "--header-only"]
    checked = 0
    for path in files:
        r = subprocess.run([kin, "info", "--json", "--symbols", path], capture_output=True,
                           text=True)
        if r.returncode != 0:
            fail(path, "kin info exit status", 0, r.returncode)
            continue
        k = json.loads(r.stdout)
        if k["format"] != "elf":
            fail(path, "format", "elf", k["format"])
            continue
        with open(path, "rb") as f:
            size = len(f.read())
        check_header(path, k, header(path))
        if not header_only:
            check_sections(path, k, size)
            check_segments(path, k)
            check_symbols(path, k)
            check_dynamic(path, k)
            check_imports(path, k)
            if k["anomalies"]:
                fail(path, "anomalies", [], [a["kind"] for a in k["anomalies"]])
        checked += 1
    print(f"elf_readelf: {checked} files checked{' (headers)' if header_only else ''}, "
          f"{errors} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
