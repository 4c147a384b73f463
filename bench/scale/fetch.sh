#!/usr/bin/env bash
# fetch.sh: builds the scale corpus of bench/bench_scale.py: the Debian 12 packages listed in
# bench/scale/packages.txt, downloaded with `apt-get download` (nothing is installed, nothing
# runs) and unpacked with `dpkg-deb -x` into OUT/pkg/<package>/. Only regular ELF files are kept
# (everything else, symlinks included, is deleted), so OUT holds benign programs and shared
# libraries only. OUT/debs.tsv records package, version, .deb size and sha256, and the ELF files
# and bytes kept; packages already unpacked (OUT/done/<package>) are skipped, so the script
# resumes. Downloads go in batches of 20 packages (one apt-get call each). Never run by
# `make check`.
#
#   bench/scale/fetch.sh [OUT] [PACKAGES]   # defaults: /work/scale, bench/scale/packages.txt
#   KEEP_DEBS=1 keeps the .deb files in OUT/debs/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/work/scale}
list=${2:-$here/packages.txt}
mkdir -p "$out/pkg" "$out/debs" "$out/done"
cd "$out/debs" || exit 1
[ -f "$out/debs.tsv" ] || printf 'package\tversion\tdeb_size\tdeb_sha256\telf_files\telf_bytes\n' \
    >"$out/debs.tsv"

# Deletes what is not a regular ELF file under $1, then empty directories; prints "files bytes".
keep_elf() {
    /usr/bin/python3 - "$1" <<'EOF'
import os, sys
files = size = 0
for root, dirs, names in os.walk(sys.argv[1], topdown=False):
    for n in names:
        p = os.path.join(root, n)
        keep = False
        if not os.path.islink(p) and os.path.isfile(p):
            with open(p, 'rb') as f:
                keep = f.read(4) == b'\x7fELF'
        if keep:
            files += 1
            size += os.path.getsize(p)
        else:
            os.unlink(p)
    for d in dirs:
        p = os.path.join(root, d)
        if os.path.islink(p):
            os.unlink(p)
        elif not os.listdir(p):
            os.rmdir(p)
print(files, size)
EOF
}

unpack() {
    local pkg=$1 deb dest=$out/pkg/$1
    deb=$(ls ./"${pkg}"_*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
        echo "fetch: $pkg: not downloaded" >&2
        return
    fi
    rm -rf "$dest"
    mkdir -p "$dest"
    if ! nice -n 10 dpkg-deb -x "$deb" "$dest"; then
        echo "fetch: $pkg: dpkg-deb -x failed" >&2
        rm -rf "$dest"
        return
    fi
    local counts files bytes version
    counts=$(keep_elf "$dest")
    files=${counts% *}
    bytes=${counts#* }
    mkdir -p "$dest"
    version=$(dpkg-deb -f "$deb" Version)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$version" "$(stat -c %s "$deb")" \
        "$(sha256sum "$deb" | cut -d' ' -f1)" "$files" "$bytes" >>"$out/debs.tsv"
    [ "${KEEP_DEBS:-0}" = 1 ] || rm -f "$deb"
    touch "$out/done/$pkg"
    echo "fetch: $pkg $version: $files ELF files, $bytes bytes"
}

todo=()
while read -r pkg _; do
    [ -f "$out/done/$pkg" ] || todo+=("$pkg")
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$list")

for ((i = 0; i < ${#todo[@]}; i += 20)); do
    batch=("${todo[@]:i:20}")
    if ! nice -n 10 apt-get download -q "${batch[@]}" >/dev/null 2>"$out/debs/batch.err"; then
        # One unknown package fails the batch: fetch the rest one by one.
        for pkg in "${batch[@]}"; do
            ls ./"${pkg}"_*.deb >/dev/null 2>&1 && continue
            nice -n 10 apt-get download -q "$pkg" >/dev/null 2>"$out/debs/err" ||
                echo "fetch: $pkg: apt-get download failed: $(tail -n 1 "$out/debs/err")" >&2
        done
    fi
    rm -f "$out/debs/batch.err" "$out/debs/err"
    for pkg in "${batch[@]}"; do
        unpack "$pkg"
    done
done
echo "fetch: done; $(find "$out/pkg" -type f | wc -l) ELF files in $out/pkg"
