#!/usr/bin/env bash
# Checks that #include "..." lines in src/ only point down the pipeline:
# core <- load <- ioc <- ledger <- disasm <- func <- sig <- store <- match <- api, and that only src/disasm/
# includes Zydis. cli/ and server/ may include only kin.h and their own headers.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=(core load ioc ledger disasm func sig store match api)
rank() { local i; for i in "${!stages[@]}"; do [ "${stages[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
bad=0
for f in $(git ls-files 'src/*.c' 'src/*.h' 'src/*.cpp'); do
  own=$(echo "$f" | cut -d/ -f2); r=$(rank "$own")
  while IFS= read -r inc; do
    target=$(echo "$inc" | sed -E 's/.*"(\.\.\/)*([a-z_]+)\/.*/\2/')
    [ "$target" = "$inc" ] && continue
    t=$(rank "$target"); [ "$t" -lt 0 ] && continue
    if [ "$t" -gt "$r" ]; then echo "layering: $f includes $target (upward)"; bad=1; fi
  done < <(grep -E '^#include "' "$f" || true)
  if [ "$own" != disasm ] && grep -qE '^#include <Zy(dis|core)' "$f"; then
    echo "layering: $f includes Zydis (only src/disasm/ may)"; bad=1
  fi
done
for f in $(git ls-files 'cli/*.c' 'cli/*.h' 'server/*.c' 'server/*.h'); do
  if grep -E '^#include "' "$f" | grep -qE '"\.\./src|"(core|load|ioc|ledger|disasm|func|sig|store|match|api)/'; then
    echo "layering: $f reaches into src/ (use include/kin.h)"; bad=1
  fi
done
[ $bad -eq 0 ] && echo "layering: ok"
exit $bad
