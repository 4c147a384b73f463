#!/usr/bin/env bash
# hash_tools.sh: whole-file hashes of `kin info --json` against the reference tools: md5sum,
# sha1sum, sha256sum, the ssdeep CLI (libfuzzy) and Debian's `tlsh -f` (tlsh-tools), on every
# fixture, every file in tests/data, /bin/ls, and generated files (random bytes from a fixed seed,
# zeros, text) from 100 bytes to 1 MiB. Files kin cannot load as PE/ELF are read with --raw
# (hashes cover the whole file either way). Tools run once over all files where they can, so the
# check stays fast. Exits non-zero when any hash disagrees.
# Usage: hash_tools.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
for tool in md5sum sha1sum sha256sum ssdeep tlsh /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "hash_tools: $tool missing (scripts/install-deps.sh)"; exit 1; }
done
exec /usr/bin/python3 - "$@" <<'PY'
import json, os, random, re, subprocess, sys, tempfile

kin, fixtures, data = sys.argv[1:4]
tmp = tempfile.TemporaryDirectory(prefix="kin-hash-")  # removed at exit
work = tmp.name

def put(name, content):
    with open(os.path.join(work, name), "wb") as f:
        f.write(content)

# Generated inputs: fixed seeds, so every run sees the same bytes.
for n in (100, 256, 300, 4096, 65543, 1 << 20):
    put(f"random_{n}.bin", random.Random(n).randbytes(n))
put("zeros_4096.bin", bytes(4096))
put("text_20000.txt", "".join(f"line {i} of a benign text file\n" for i in range(700)).encode()[:20000])
put("half_random.bin", random.Random(7).randbytes(8192) + bytes(8192))

files = []
for top in (work, data, fixtures):
    for root, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d != "CMakeFiles"]
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and os.path.getsize(p) > 0 and not n.endswith(".cmake"):
                files.append(p)
if os.path.isfile("/bin/ls"):
    files.append("/bin/ls")
files.sort()

def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()

got = {}
for line in run([kin, "info", "--json"] + files).splitlines():
    o = json.loads(line)
    got[o["file"]] = o
rest = [f for f in files if f not in got]
if rest:
    for line in run([kin, "info", "--json", "--raw", "--arch", "x64"] + rest).splitlines():
        o = json.loads(line)
        got[o["file"]] = o

want = {f: {} for f in files}
for tool, key in (("md5sum", "md5"), ("sha1sum", "sha1"), ("sha256sum", "sha256")):
    for line in run([tool] + files).splitlines():
        h, name = line.split("  ", 1)
        want[name][key] = h
# ssdeep prints absolute paths.
by_abs = {os.path.abspath(f): f for f in files}
by_abs.update({os.path.realpath(f): f for f in files})
for line in run(["ssdeep", "-s"] + files).splitlines()[1:]:
    h, name = line.rsplit(",", 1)
    want[by_abs[name.strip('"')]]["ssdeep"] = h
for f in files:
    out = run(["tlsh", "-f", f]).split("\t")[0]
    # kin gives null where TLSH refuses the input (under 256 bytes, too little variety).
    want[f]["tlsh"] = out if re.fullmatch(r"[0-9A-F]{70}", out) else None
    want[f]["tlsh_t1"] = "T1" + out if want[f]["tlsh"] else None

bad = 0
for f in files:
    if f not in got:
        print(f"hash_tools: kin could not read {f}")
        bad += 1
        continue
    for key in ("md5", "sha1", "sha256", "ssdeep", "tlsh", "tlsh_t1"):
        if got[f].get(key) != want[f].get(key):
            print(f"hash_tools: {key} differs for {f}: kin {got[f].get(key)!r} reference {want[f].get(key)!r}")
            bad += 1
if len(files) < 10:
    print(f"hash_tools: only {len(files)} files checked")
    sys.exit(1)
if bad:
    sys.exit(1)
print(f"hash_tools: md5, sha1, sha256, ssdeep, tlsh agree with the reference tools on {len(files)} files")
PY
