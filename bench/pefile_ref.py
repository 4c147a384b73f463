#!/usr/bin/python3
"""pefile_ref.py: the reference side of bench_info.sh and xcheck_corpus.py.

Reads file paths, one per line, on stdin; parses each one fully with Debian's python3-pefile
(pefile.PE(path), which parses every data directory) and prints one tab-separated line per file:

    path  imphash  rich_hash  error

imphash is pefile's get_imphash(), rich_hash its get_rich_header_hash(); both are "" when pefile
computes nothing; error is "" or pefile's message for files it refuses. Run with /usr/bin/python3
(Debian's pefile is installed for the system interpreter).
"""
import sys

import pefile


def main():
    for line in sys.stdin:
        path = line.rstrip('\n')
        if not path:
            continue
        imphash = rich = err = ''
        try:
            pe = pefile.PE(path)
            imphash = pe.get_imphash() or ''
            rich = pe.get_rich_header_hash() or ''
            pe.close()
        except Exception as e:  # pefile raises PEFormatError and others on bad input
            err = ('%s: %s' % (type(e).__name__, e)).replace('\t', ' ').replace('\n', ' ')
        sys.stdout.write('%s\t%s\t%s\t%s\n' % (path, imphash, rich, err))
    return 0


if __name__ == '__main__':
    sys.exit(main())
