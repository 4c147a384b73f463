#!/usr/bin/env bash
# elf_plt_names.sh: PLT stubs of ELF programs are thunks named after the import they jump through.
# objdump names each stub `<sym@plt>` from the PLT relocations; `kin funcs` must report a thunk
# at that address whose name ends in the same symbol ("thunk:libc.so.6!printf"), on compiled
# x86 and x64 fixtures with and without symbols, including i386 position-independent PLTs
# (`jmp [ebx+off]`, ebx = DT_PLTGOT).
# Usage: elf_plt_names.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
KIN=$1
FIX=$2
command -v objdump >/dev/null || { echo "elf_plt_names: objdump (binutils) missing"; exit 1; }
fail=0
checked=0
for name in prog_gcc32 prog_gcc32.stripped prog_clang32 prog_gcc64 prog_gcc64.stripped \
            prog_clang64 libkinfix_gcc64.so libkinfix_gcc64.so.stripped libkinfix_clang64.so \
            libkinfix_gcc32.so libkinfix_clang32.so; do
  f="$FIX/elf/$name"
  [ -f "$f" ] || { echo "elf_plt_names: fixture $name missing"; exit 1; }
  want=$(objdump -d "$f" | sed -n 's/^0*\([0-9a-f]*\) <\([^@>]*\)@plt>:$/\1 \2/p')
  [ -n "$want" ] || { echo "elf_plt_names: $name: objdump shows no PLT stub"; fail=1; continue; }
  got=$("$KIN" funcs --json "$f" |
        jq -r 'select(.name != null and (.name | startswith("thunk:"))) |
               "\(.address) \(.name | sub("^thunk:"; "") | sub("^.*!"; ""))"')
  while read -r addr sym; do
    checked=$((checked + 1))
    if ! grep -qx "$((16#$addr)) $sym" <<<"$got"; then
      echo "elf_plt_names: $name: no thunk named $sym at 0x$addr"
      fail=1
    fi
  done <<<"$want"
done
echo "elf_plt_names: $checked PLT stubs checked"
[ "$checked" -ge 20 ] || { echo "elf_plt_names: too few stubs"; exit 1; }
exit $fail
