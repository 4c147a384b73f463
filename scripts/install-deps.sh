#!/usr/bin/env bash
# Installs every build and test dependency of kin from Debian 12's archive. Idempotent: when all
# packages are present it only asks dpkg (well under a second). Needs root (or sudo) to install.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  gcc-multilib
  # libraries kin links
  libzydis-dev libsqlite3-dev libssl-dev libfuzzy-dev libtlsh-dev libyara-dev libpsl-dev
  libmicrohttpd-dev libpq-dev
  # test fixtures and cross-checks: Windows cross compilers, reference implementations
  gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64 python3-pefile ssdeep tlsh-tools
  binutils sqlite3 file jq
  # delay-load PE fixtures: clang links them with lld against llvm-dlltool import libraries;
  # ELF fixtures for other machines and byte orders (clang --target, ld.lld)
  lld llvm
  # indicator vectors: an independent Keccak-256 for scripts/check-ioc-vectors.py
  python3-pycryptodome
  # Go fixtures (tests/fixtures/go.cmake): Debian's Go toolchain builds them offline
  golang-go
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
