#!/usr/bin/python3
"""
gt_manifest.py: a kin corpus manifest (sha256, path, family, actor, version, arch) of the
compiled Debian ground truth (bench/groundtruth/build.sh writes DIR/binaries.tsv), so that
bench_attribution can measure attribution on programs, toolchains and versions the dev corpus
never tuned it on.

Each program is a family and its upstream project an actor (zlib's minigzip is zlib's; every
actor has one family, so there is no leave-one-family-out here). The stripped copy of each
binary is listed. --versions chooses what leave-one-version-out holds out:

  build     a version is one upstream version built by one compiler at one level ("5.4.4 gcc12
            O2", all formats and bitnesses): the other levels, the other compiler and the other
            upstream version stay indexed (a new build of a known family);
  upstream  a version is the upstream version ("5.4.4"): every build of it is held out and only
            the builds of the other upstream version stay (x64 gcc -O0/-O2, PE and ELF), so most
            queries differ from all their relatives in version and also in compiler, level or
            bitness: the harder case.

usage: gt_manifest.py [--gt /work/gt] [--versions build|upstream] > manifest.tsv
Standard library only.
"""
import argparse
import os
import sys

from kinbench import file_digest, load_index

# Upstream project (actor) of each program that build.sh compiles.
ACTORS = {
    'lua': 'lua',
    'lz4': 'lz4',
    'mbedtls-benchmark': 'mbedtls',
    'minigzip': 'zlib',
    'sqlite3': 'sqlite',
    'xz': 'xz-utils',
    'zstd': 'zstd',
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--gt', default='/work/gt', help='build.sh output directory')
    ap.add_argument('--versions', choices=('build', 'upstream'), default='build')
    args = ap.parse_args()
    out = sys.stdout
    out.write('sha256\tpath\tfamily\tactor\tversion\tarch\n')
    for r in load_index(args.gt):
        path = r['stripped']
        if not os.path.exists(path):
            print(f'gt_manifest: missing {path}', file=sys.stderr)
            continue
        program = r['program']
        actor = ACTORS.get(program, program)
        if args.versions == 'build':
            version = f"{r['version']} {r['compiler']} {r['opt']}"
        else:
            version = r['version']
        arch = f"{r['format']}-{r['arch']}"
        out.write(f'{file_digest(path)}\t{path}\t{program}\t{actor}\t{version}\t{arch}\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
