/*
 * tlsh_shim.cpp: the only C++ in kin: a C entry point to Debian's libtlsh (a C++ class). The
 * digest is the one `tlsh -f` prints: 70 upper-case hex digits, without the "T1" prefix of newer
 * TLSH versions (the CLI adds that form itself). Inputs TLSH refuses (under 256 bytes, or too
 * little variety) give "". kin__tlsh_diff() compares two such digests the way `tlsh -c` does.
 */
#include <string.h>

#include <tlsh.h>

extern "C" void kin__tlsh_digest(const unsigned char *p, size_t n, char out[73]);
extern "C" int kin__tlsh_diff(const char *a, const char *b);

extern "C" void kin__tlsh_digest(const unsigned char *p, size_t n, char out[73])
{
    out[0] = '\0';
    try {
        Tlsh t;
        /* update() takes an unsigned int length: feed large files in pieces. */
        const size_t chunk = (size_t)1 << 30;
        for (size_t off = 0; off < n; off += chunk) {
            size_t len = n - off < chunk ? n - off : chunk;
            t.update(p + off, (unsigned int)len);
        }
        t.final();
        char buf[TLSH_STRING_BUFFER_LEN];
        const char *h = t.getHash(buf, sizeof(buf));
        if (h && h[0] && strlen(h) < 73) {
            memcpy(out, h, strlen(h) + 1);
        }
    } catch (...) {
        out[0] = '\0';
    }
}

/*
 * The TLSH distance of two digests (with the file-length term, as `tlsh -c` prints it): 0 for
 * identical files, growing without a fixed bound. -1 when either digest does not parse.
 */
extern "C" int kin__tlsh_diff(const char *a, const char *b)
{
    try {
        Tlsh ta, tb;
        if (!a || !b) {
            return -1;
        }
        /* Debian's libtlsh parses the 70-digit form only: drop a "T1" version prefix. */
        a += (a[0] == 'T' && a[1] == '1' && strlen(a) == 72) ? 2 : 0;
        b += (b[0] == 'T' && b[1] == '1' && strlen(b) == 72) ? 2 : 0;
        if (ta.fromTlshStr(a) != 0 || tb.fromTlshStr(b) != 0) {
            return -1;
        }
        return ta.totalDiff(&tb, true);
    } catch (...) {
        return -1;
    }
}
