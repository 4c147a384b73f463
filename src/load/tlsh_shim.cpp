/*
 * tlsh_shim.cpp: the only C++ in kin: a C entry point to Debian's libtlsh (a C++ class). The
 * digest is the one `tlsh -f` prints: 70 upper-case hex digits, without the "T1" prefix of newer
 * TLSH versions (the CLI adds that form itself). Inputs TLSH refuses (under 256 bytes, or too
 * little variety) give "".
 */
#include <string.h>

#include <tlsh.h>

extern "C" void kin__tlsh_digest(const unsigned char *p, size_t n, char out[73]);

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
