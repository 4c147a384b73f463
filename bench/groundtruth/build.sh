#!/usr/bin/env bash
# Builds kin's compiled ground truth: benign C programs from Debian source packages, compiled as PE
# (mingw-w64 gcc and clang, x86 and x64) and ELF (gcc, x64 and x86) at several optimisation levels,
# each kept with symbols plus a stripped copy and a <binary>.functions.tsv (address, size, name,
# origin, kind; see gt_functions.py) for the function discovery and matching benchmarks.
# Extends the corpus script ../shared/corpus/build-groundtruth.sh (lua and zlib, mingw only).
#
# Usage: bench/groundtruth/build.sh [OUT_DIR]            (default /work/gt, or $KIN_GT_DIR)
# Environment (all optional; lists are space separated):
#   PACKAGES    zlib lua5.4 xz-utils libzstd lz4 sqlite3 mbedtls
#   TOOLCHAINS  pe-gcc-x64 pe-gcc-x86 pe-clang-x64 pe-clang-x86 elf-gcc-x64 elf-gcc-x86
#               (also available: elf-clang-x64 elf-clang-x86)
#   OPTS        O0 O1 O2 O3 Os
#   SUITE       bookworm   (the Debian suite of the main version of every package)
#   XVERSIONS   "zlib:bullseye lua5.4:bullseye xz-utils:bullseye sqlite3:bullseye libzstd:trixie
#               lz4:trixie": other upstream versions for the cross-version task, built only with
#   XTOOLCHAINS pe-gcc-x64 elf-gcc-x64 and XOPTS O0 O2
#   JOBS        2 (parallel compiles; this machine is shared)
#   REGEN_TRUTH 1: only rewrite every indexed binary's functions.tsv (after a gt_functions.py change)
# Sources come from Debian through a private apt configuration in OUT_DIR/apt (deb-src for bullseye,
# bookworm and trixie): the system's apt sources are never touched. Finished builds are skipped, so
# the script can be re-run to resume or extend. Needs: apt-get, dpkg-source, mingw-w64, clang,
# gcc-multilib, tclsh (sqlite3's amalgamation), /usr/bin/python3.
# Output: OUT/bin/<tag>{.exe,.elf} (symbols + DWARF), <tag>.stripped{.exe,.elf}, <tag>.map,
#         <tag>.functions.tsv, and OUT/binaries.tsv (one row per build; the benchmarks read it)
#         where tag = <program>_<version>_<format>-<arch>_<compiler>_<opt>.
set -euo pipefail

OUT=${1:-${KIN_GT_DIR:-/work/gt}}
PACKAGES=${PACKAGES:-zlib lua5.4 xz-utils libzstd lz4 sqlite3 mbedtls}
TOOLCHAINS=${TOOLCHAINS:-pe-gcc-x64 pe-gcc-x86 pe-clang-x64 pe-clang-x86 elf-gcc-x64 elf-gcc-x86}
OPTS=${OPTS:-O0 O1 O2 O3 Os}
SUITE=${SUITE:-bookworm}
XVERSIONS=${XVERSIONS-zlib:bullseye lua5.4:bullseye xz-utils:bullseye sqlite3:bullseye libzstd:trixie lz4:trixie}
XTOOLCHAINS=${XTOOLCHAINS:-pe-gcc-x64 elf-gcc-x64}
XOPTS=${XOPTS:-O0 O2}
JOBS=${JOBS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
NICE="nice -n 15"

mkdir -p "$OUT/src/dl" "$OUT/bin" "$OUT/obj" "$OUT/apt/etc" "$OUT/apt/lists/partial" \
  "$OUT/apt/cache/archives/partial"
OUT=$(cd "$OUT" && pwd)
INDEX="$OUT/binaries.tsv"
[ -s "$INDEX" ] || printf 'tag\tpackage\tprogram\tversion\tsuite\tformat\tarch\tcompiler\topt\tbinary\tstripped\tfunctions\tproject_funcs\tlibrary_funcs\tcompile_s\tcommand\n' >"$INDEX"
log() { printf '[gt %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "${REGEN_TRUTH:-0}" = 1 ]; then
  tail -n +2 "$INDEX" | while IFS=$'\t' read -r tag _ _ _ _ fmt arch _ _ bin _ gt _; do
    prefix=""
    [ "$fmt" = pe ] && { [ "$arch" = x64 ] && prefix=x86_64-w64-mingw32- || prefix=i686-w64-mingw32-; }
    counts=$(/usr/bin/python3 "$HERE/gt_functions.py" "$OUT/$bin" "$OUT/bin/$tag.map" "$OUT/obj/$tag" "$OUT/$gt" "$prefix")
    log "truth $tag: $counts"
  done
  exit 0
fi

# --- 1. Sources: a private apt configuration with deb-src entries only. -------------------------
cat >"$OUT/apt/etc/sources.list" <<'EOF'
deb-src http://deb.debian.org/debian bullseye main
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian trixie main
EOF
APT_OPTS=(-o "Dir::Etc::sourcelist=$OUT/apt/etc/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
  -o "Dir::State::Lists=$OUT/apt/lists" -o "Dir::Cache=$OUT/apt/cache" -o "APT::Sandbox::User=root")
apt_updated=0

# fetch PKG SUITE: unpacks the Debian source (with Debian's patches) into OUT/src/PKG-SUITE and
# prints its upstream version.
fetch() {
  local pkg=$1 suite=$2 dir="$OUT/src/$1-$2"
  if [ ! -d "$dir" ]; then
    if [ $apt_updated = 0 ] && ! ls "$OUT/apt/lists/"*"_${suite}_"*Sources* >/dev/null 2>&1; then
      apt-get "${APT_OPTS[@]}" -qq update >&2
      apt_updated=1
    fi
    mkdir -p "$OUT/src/dl/$pkg-$suite"
    (cd "$OUT/src/dl/$pkg-$suite" && apt-get "${APT_OPTS[@]}" -qq source --download-only "$pkg/$suite" >&2)
    (cd "$OUT/src/dl/$pkg-$suite" && dpkg-source -x ./*.dsc "$dir" >/dev/null)
  fi
  sed -n 's/^Version: //p' "$OUT/src/dl/$pkg-$suite/"*.dsc | head -1 |
    sed 's/^[0-9]*://; s/+really/~/; s/[.+~-]dfsg.*//; s/-[^-]*$//; s/~.*//'
}

# --- 2. Toolchains. ------------------------------------------------------------------------------
# toolchain TC sets CC, FMT (pe|elf), ARCH (x64|x86), CCNAME, TRIPLE, PREFIX (binutils), EXT, SYSLIBS.
toolchain() {
  local libgcc
  case $1 in
    pe-gcc-x64) CC=x86_64-w64-mingw32-gcc TRIPLE=x86_64-w64-mingw32 ;;
    pe-gcc-x86) CC=i686-w64-mingw32-gcc TRIPLE=i686-w64-mingw32 ;;
    pe-clang-x64 | pe-clang-x86)
      TRIPLE=x86_64-w64-mingw32
      [ "$1" = pe-clang-x86 ] && TRIPLE=i686-w64-mingw32
      libgcc=$(dirname "$("$TRIPLE-gcc" -print-libgcc-file-name)")
      CC="clang --target=$TRIPLE -L$libgcc" ;;
    elf-gcc-x64) CC=gcc TRIPLE=x86_64-linux-gnu ;;
    elf-gcc-x86) CC="gcc -m32" TRIPLE=i686-linux-gnu ;;
    elf-clang-x64) CC=clang TRIPLE=x86_64-linux-gnu ;;
    elf-clang-x86) CC="clang -m32" TRIPLE=i686-linux-gnu ;;
    *) echo "unknown toolchain $1" >&2; exit 2 ;;
  esac
  FMT=${1%%-*}
  case $1 in *-x64) ARCH=x64 ;; *) ARCH=x86 ;; esac
  case $1 in
    *clang*) CCNAME=clang$(clang -dumpversion | cut -d. -f1) ;;
    *) CCNAME=gcc$(${CC%% *} -dumpversion | cut -d. -f1 | cut -d- -f1) ;;
  esac
  if [ "$FMT" = pe ]; then
    PREFIX=$TRIPLE- EXT=.exe SYSLIBS="-lws2_32 -ladvapi32"
  else
    PREFIX="" EXT=.elf SYSLIBS="-lm -ldl -lpthread"
  fi
}

# --- 3. One build: compile every source with the same flags, link with a map, strip, ground truth.
# build PKG SUITE VERSION PROGRAM TC OPT SRCDIR "CPPFLAGS" "LIBS" SOURCES... (relative to SRCDIR)
build() {
  local pkg=$1 suite=$2 ver=$3 prog=$4 tc=$5 opt=$6 srcdir=$7 cppflags=$8 libs=$9
  shift 9
  toolchain "$tc"
  local tag="${prog}_${ver}_${FMT}-${ARCH}_${CCNAME}_${opt}"
  local bin="$OUT/bin/$tag$EXT" stripped="$OUT/bin/$tag.stripped$EXT" gt="$OUT/bin/$tag.functions.tsv"
  if [ -s "$gt" ] && grep -q "^$tag	" "$INDEX"; then
    return 0
  fi
  local od="$OUT/obj/$tag"
  rm -rf "$od"
  mkdir -p "$od"
  local cflags="-$opt -g"
  log "build $tag ($# sources)"
  local t0 t1
  t0=$(date +%s.%N)
  # Object names keep the source path (zstd and xz have equal base names in different directories).
  if ! printf '%s\n' "$@" | $NICE xargs -P "$JOBS" -I{} sh -c \
    "o=\$(echo '{}' | sed 's|^\./||; s|/|__|g; s|\.c\$|.o|'); cd '$srcdir' && $CC $cflags $cppflags -c '{}' -o '$od/'\$o" \
    >"$od/compile.log" 2>&1; then
    log "FAILED compile $tag (see $od/compile.log)"
    tail -5 "$od/compile.log" >&2
    return 1
  fi
  if ! $NICE $CC $cflags -o "$bin" "$od"/*.o -Wl,-Map="$OUT/bin/$tag.map" $libs $SYSLIBS >"$od/link.log" 2>&1; then
    log "FAILED link $tag (see $od/link.log)"
    tail -5 "$od/link.log" >&2
    return 1
  fi
  t1=$(date +%s.%N)
  "${PREFIX}strip" -o "$stripped" "$bin"
  local counts
  counts=$(/usr/bin/python3 "$HERE/gt_functions.py" "$bin" "$OUT/bin/$tag.map" "$od" "$gt" "$PREFIX")
  [ "$(cut -f3 <<<"$counts")" = 0 ] || log "$tag: $(cut -f3 <<<"$counts") starts from DWARF only"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n' "$tag" "$pkg" "$prog" "$ver" \
    "$suite" "$FMT" "$ARCH" "$CCNAME" "$opt" "bin/$tag$EXT" "bin/$tag.stripped$EXT" "bin/$tag.functions.tsv" \
    "$(cut -f1 <<<"$counts")" "$(cut -f2 <<<"$counts")" "$(echo "$t1 - $t0" | bc)" \
    "$CC $cflags $cppflags -c <each source>; $CC $cflags -o $tag$EXT *.o -Wl,-Map=$tag.map $libs $SYSLIBS" >>"$INDEX"
  rm -rf "$od"/*.o
}

# --- 4. Recipes: one program per package, linking every object of the library (so all of its
# functions are present), compiled from the source list below.
# configure_tree PKG SUITE TC: an out-of-tree autoconf configure (config.h) for packages that need one.
configure_tree() {
  local src="$OUT/src/$1-$2" dir="$OUT/src/$1-$2-cfg-$3"
  toolchain "$3"
  if [ ! -s "$dir/config.h" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    log "configure $1-$2 for $3"
    (cd "$dir" && $NICE "$src/configure" --host="$TRIPLE" CC="$CC" --disable-nls --disable-shared \
      --enable-static --disable-threads --disable-assembler >configure.log 2>&1) || {
      log "configure failed: $dir/configure.log"
      return 1
    }
  fi
  echo "$dir"
}

recipe() { # PKG SUITE TC OPT
  local pkg=$1 suite=$2 tc=$3 opt=$4 ver src
  ver=$(fetch "$pkg" "$suite")
  src="$OUT/src/$pkg-$suite"
  toolchain "$tc"
  case $pkg in
    zlib)
      build "$pkg" "$suite" "$ver" minigzip "$tc" "$opt" "$src" "-I$src" "" \
        adler32.c compress.c crc32.c deflate.c gzclose.c gzlib.c gzread.c gzwrite.c infback.c \
        inffast.c inflate.c inftrees.c trees.c uncompr.c zutil.c test/minigzip.c ;;
    lua5.4)
      local defs="-std=gnu99 -DLUA_COMPAT_5_3"
      [ "$FMT" = elf ] && defs="$defs -DLUA_USE_LINUX"
      build "$pkg" "$suite" "$ver" lua "$tc" "$opt" "$src/src" "$defs" "" \
        $(cd "$src/src" && ls ./*.c | grep -v -e luac.c -e onelua.c) ;;
    sqlite3)
      # The amalgamation (sqlite3.c, shell.c) is generated once per version with the host compiler.
      local amal="$OUT/src/$pkg-$suite-amal"
      if [ ! -s "$amal/sqlite3.c" ] || [ ! -s "$amal/shell.c" ]; then
        rm -rf "$amal"
        mkdir -p "$amal"
        log "sqlite3 amalgamation $suite"
        (cd "$amal" && $NICE "$src/configure" --disable-tcl >configure.log 2>&1 &&
          $NICE make -j"$JOBS" OPTS= sqlite3.c shell.c >make.log 2>&1)
      fi
      build "$pkg" "$suite" "$ver" sqlite3 "$tc" "$opt" "$amal" "-I$amal -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION" "" \
        sqlite3.c shell.c ;;
    xz-utils)
      local cfg
      cfg=$(configure_tree "$pkg" "$suite" "$tc")
      toolchain "$tc"
      # The source list is what liblzma's and xz's automake files compile for this configuration.
      local lz_srcs xz_srcs
      lz_srcs=$(cd "$cfg/src/liblzma" && make -s -f Makefile -f - print-srcs <<<'print-srcs: ; @echo $(liblzma_la_SOURCES)' 2>/dev/null)
      xz_srcs=$(cd "$cfg/src/xz" && make -s -f Makefile -f - print-srcs <<<'print-srcs: ; @echo $(xz_SOURCES)' 2>/dev/null)
      local files=() f
      for f in $lz_srcs; do case $f in *.c) files+=("src/liblzma/$f") ;; esac; done
      for f in $xz_srcs; do case $f in *.c) files+=("src/xz/$f") ;; esac; done
      [ "${#files[@]}" -gt 20 ] || { log "xz: could not list sources ($cfg)"; return 1; }
      local inc="-DHAVE_CONFIG_H -I$cfg -I$src/src/liblzma/api -I$src/src/liblzma/common -I$src/src/liblzma/check
        -I$src/src/liblzma/lz -I$src/src/liblzma/rangecoder -I$src/src/liblzma/lzma -I$src/src/liblzma/delta
        -I$src/src/liblzma/simple -I$src/src/common -DTUKLIB_SYMBOL_PREFIX=lzma_ -DLZMA_API_STATIC"
      build "$pkg" "$suite" "$ver" xz "$tc" "$opt" "$src" "$(echo $inc)" "" \
        $(printf '%s\n' "${files[@]}" | sed 's|/\./|/|g' | awk '!seen[$0]++') ;;
    libzstd)
      build "$pkg" "$suite" "$ver" zstd "$tc" "$opt" "$src" \
        "-I$src/lib -I$src/lib/common -I$src/lib/compress -I$src/lib/dictBuilder -DZSTD_DISABLE_ASM -DXXH_NAMESPACE=ZSTD_ -DZSTD_LEGACY_SUPPORT=0" "" \
        $(cd "$src" && ls lib/common/*.c lib/compress/*.c lib/decompress/*.c lib/dictBuilder/*.c programs/*.c) ;;
    lz4)
      build "$pkg" "$suite" "$ver" lz4 "$tc" "$opt" "$src" "-I$src/lib" "" \
        $(cd "$src" && ls lib/*.c programs/*.c) ;;
    mbedtls)
      build "$pkg" "$suite" "$ver" mbedtls-benchmark "$tc" "$opt" "$src" "-I$src/include -I$src/library" "" \
        $(cd "$src" && ls library/*.c) programs/test/benchmark.c ;;
    *) echo "no recipe for $pkg" >&2; return 1 ;;
  esac
}

failed=()
for pkg in $PACKAGES; do
  for tc in $TOOLCHAINS; do
    for opt in $OPTS; do
      recipe "$pkg" "$SUITE" "$tc" "$opt" || failed+=("$pkg/$SUITE/$tc/$opt")
    done
  done
done
for pv in $XVERSIONS; do
  case " $PACKAGES " in *" ${pv%%:*} "*) ;; *) continue ;; esac
  for tc in $XTOOLCHAINS; do
    for opt in $XOPTS; do
      recipe "${pv%%:*}" "${pv#*:}" "$tc" "$opt" || failed+=("$pv/$tc/$opt")
    done
  done
done
log "index: $INDEX ($(($(wc -l <"$INDEX") - 1)) binaries)"
if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
