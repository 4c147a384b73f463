#!/usr/bin/env bash
# copy_fixture_seeds.sh: refreshes the fixture_* seeds of fuzz/corpus/ from the test fixtures the
# build compiles from our own sources (tests/fixtures/). Compiled PE fixtures are stripped with
# the mingw strip to stay under 20 KB (their CodeView record, imports, TLS, resources and .pdata
# survive); the fuzz_load copies get a mode byte (0x00: detect, with TLSH/ssdeep).
#
#   fuzz/copy_fixture_seeds.sh [build/dev]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fix=$(cd "${1:-$top/build/dev}" && pwd)/tests/fixtures
pe=$top/fuzz/corpus/fuzz_pe
load=$top/fuzz/corpus/fuzz_load
rm -f "$pe"/fixture_* "$load"/fixture_*
for f in pe_main32.exe pe_main64.exe pe_dll32.dll pe_dll64.dll pe_delay32.exe pe_delay64.exe \
         pe_overlay64.exe; do
  case $f in *32*) strip=i686-w64-mingw32-strip ;; *) strip=x86_64-w64-mingw32-strip ;; esac
  $strip -o "$pe/fixture_$f" "$fix/$f"
done
for f in "$fix"/pe_crafted32.exe "$fix"/pe_machine_*.exe "$fix"/malformed/*.exe; do
  cp "$f" "$pe/fixture_$(basename "$f")"
done
for f in pe_main64.exe pe_dll32.dll; do
  { printf '\000'; cat "$pe/fixture_$f"; } >"$load/fixture_$f"
done
for f in prog_gcc64.stripped prog_gcc32.stripped libkinbe_mips32be.so libkinbe_ppc64be.so \
         libkinbe_arm64.so free_arm32; do
  { printf '\000'; cat "$fix/elf/$f"; } >"$load/fixture_elf_$f"
done
find "$pe" "$load" -name 'fixture_*' -size +20k -print | sed 's/^/copy_fixture_seeds: over 20 KB: /'
echo "copy_fixture_seeds: $(ls "$pe" | grep -c ^fixture_) fuzz_pe, $(ls "$load" | grep -c ^fixture_) fuzz_load"
