#!/usr/bin/env bash
# hash_tools.sh: whole-file hashes of `kin info --json` against the reference tools: md5sum,
# sha1sum, sha256sum, the ssdeep CLI (libfuzzy) and Debian's `tlsh -f` (tlsh-tools), on every
# fixture, every file in tests/data, /bin/ls, and generated files (random bytes from a fixed seed,
# zeros, text) from 100 bytes to 1 MiB. Files kin cannot load as PE/ELF are read with --raw
# (hashes cover the whole file either way). Exits non-zero on the first disagreement.
# Usage: hash_tools.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
KIN=$1
FIX=$2
DATA=$3
for tool in md5sum sha1sum sha256sum ssdeep tlsh jq /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "hash_tools: $tool missing (scripts/install-deps.sh)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Generated inputs: fixed seeds, so every run sees the same bytes.
/usr/bin/python3 - "$work" <<'PY'
import random, sys
out = sys.argv[1]
def put(name, data):
    with open(f"{out}/{name}", "wb") as f:
        f.write(data)
for n in (100, 256, 300, 4096, 65543, 1 << 20):
    put(f"random_{n}.bin", random.Random(n).randbytes(n))
put("zeros_4096.bin", bytes(4096))
put("text_20000.txt", "".join(f"line {i} of a benign text file\n" for i in range(700)).encode()[:20000])
put("half_random.bin", random.Random(7).randbytes(8192) + bytes(8192))
PY

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  { find "$work" "$DATA" -type f -print0; [ -d "$FIX" ] && find "$FIX" -type f -not -path '*/CMakeFiles/*' \
      -not -name '*.cmake' -print0; [ -f /bin/ls ] && printf '%s\0' /bin/ls; } | sort -z)

checked=0
fail=0
for f in "${files[@]}"; do
  [ -s "$f" ] || continue
  json=$("$KIN" info --json "$f" 2>/dev/null || true)
  [ -n "$json" ] || json=$("$KIN" info --json --raw --arch x64 "$f" 2>/dev/null || true)
  if [ -z "$json" ]; then
    echo "hash_tools: kin could not read $f"; fail=1; continue
  fi
  IFS=$'\t' read -r got_md5 got_sha1 got_sha256 got_ssdeep got_tlsh got_tlsh_t1 < <(
    jq -r '[.md5, .sha1, .sha256, .ssdeep, .tlsh, .tlsh_t1] | map(. // "-") | @tsv' <<<"$json")
  want_md5=$(md5sum <"$f" | cut -d' ' -f1)
  want_sha1=$(sha1sum <"$f" | cut -d' ' -f1)
  want_sha256=$(sha256sum <"$f" | cut -d' ' -f1)
  line=$(ssdeep -b -s "$f" | sed -n 2p)
  want_ssdeep=${line%,\"*}
  want_tlsh=$(tlsh -f "$f" 2>/dev/null | cut -f1 | grep -E '^[0-9A-F]{70}$' || true)
  want_tlsh=${want_tlsh:--} # kin's null (TLSH refuses small or uniform inputs) reads as "-"
  want_tlsh_t1=-
  [ "$want_tlsh" = - ] || want_tlsh_t1=T1$want_tlsh
  for k in md5 sha1 sha256 ssdeep tlsh tlsh_t1; do
    got_var=got_$k
    want_var=want_$k
    if [ "${!got_var}" != "${!want_var}" ]; then
      echo "hash_tools: $k differs for $f: kin '${!got_var}' reference '${!want_var}'"; fail=1
    fi
  done
  checked=$((checked + 1))
done
[ "$checked" -ge 10 ] || { echo "hash_tools: only $checked files checked"; exit 1; }
[ $fail -eq 0 ] || exit 1
echo "hash_tools: md5, sha1, sha256, ssdeep, tlsh agree with the reference tools on $checked files"
