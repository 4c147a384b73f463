#!/usr/bin/env bash
# elf_readelf.sh: kin's ELF loader against binutils readelf (tests/xcheck/elf_readelf.py) on every
# ELF fixture: header, sections, segments, symbols, DT_NEEDED, DT_SONAME, build-id and imports
# (slot relocations and the library of their version) must agree
# on the compiled and hand-made files (and none may raise an anomaly). On the malformed files
# whose header readelf still reads, the header facts must agree.
# Usage: elf_readelf.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
KIN=$1
FIX=$2
here=$(dirname "$0")
command -v readelf >/dev/null || { echo "elf_readelf: readelf (binutils) missing"; exit 1; }
shopt -s nullglob
fixtures=("$FIX"/elf/*)
[ ${#fixtures[@]} -ge 20 ] || { echo "elf_readelf: ELF fixtures missing in $FIX/elf"; exit 1; }
/usr/bin/python3 "$here/elf_readelf.py" "$KIN" "${fixtures[@]}"
# Malformed files with a readable header (the others are refused by readelf or by kin).
bad=()
for f in "$FIX"/malformed/elf_*.elf; do
  case $(basename "$f") in
    elf_trunc_*|elf_bad_ident.elf) ;;
    *) bad+=("$f") ;;
  esac
done
/usr/bin/python3 "$here/elf_readelf.py" "$KIN" --header-only "${bad[@]}"
