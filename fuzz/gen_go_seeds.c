/*
 * gen_go_seeds.c: writes the seeds of fuzz_go (fuzz/corpus/fuzz_go/): every pclntab layout
 * (Go 1.2, 1.16, 1.18, 1.20) at both pointer sizes, found by name and by scan, with an inline
 * build info blob; and a pointer-form build info. Build and run once:
 *   gcc -Ifuzz -o /tmp/gen_go_seeds fuzz/gen_go_seeds.c && /tmp/gen_go_seeds fuzz/corpus/fuzz_go
 */
#include <stdio.h>

#include "go_wrap.h"

static const char *const names[] = {"main.main", "example.org/dep.(*T).M",
                                    "gopkg.in/yaml%2ev3.F[go.shape.int]", "runtime.memmove"};
static const uint32_t entries[] = {0x0, 0x40, 0x80, 0x100};
static const char modinfo[] = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
                              "dep\texample.org/dep\tv1.2.3\th1:abc=\n=>\t./dep\t(devel)\t\n"
                              "dep\tgopkg.in/yaml.v3\tv3.0.1\th1:x=\n";

static int write_seed(const char *dir,
                      const char *name,
                      uint8_t mode,
                      const uint8_t *tab,
                      size_t tn,
                      const uint8_t *bi,
                      size_t bn)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        return 1;
    }
    uint8_t head[3] = {mode, (uint8_t)tn, (uint8_t)(tn >> 8)};
    fwrite(head, 1, 3, f);
    fwrite(tab, 1, tn, f);
    fwrite(bi, 1, bn, f);
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    static const unsigned versions[] = {12, 116, 118, 120};
    uint8_t tab[2048], bi[1024];
    int bad = argc < 2;
    size_t bn = go_make_buildinfo(bi, sizeof(bi), "go1.22.5", modinfo, 1);
    for (size_t v = 0; v < 4 && !bad; v++) {
        for (unsigned ptr = 4; ptr <= 8; ptr += 4) {
            for (unsigned scan = 0; scan < 2; scan++) {
                char name[64];
                size_t tn = go_make_pclntab(tab, sizeof(tab), versions[v], ptr, names, entries, 4,
                                            0x180, scan ? GO_WRAP_TEXT_VA : 0);
                snprintf(name, sizeof(name), "pclntab%u_ptr%u%s", versions[v], ptr,
                         scan ? "_scan" : "");
                bad |= tn == 0 || write_seed(argv[1], name, (uint8_t)((ptr == 8) | scan << 1), tab,
                                             tn, bi, bn);
            }
        }
    }
    /* Pointer form (before Go 1.18): header, then string headers and bytes at known VAs. */
    uint8_t old[128];
    memset(old, 0, sizeof(old));
    memcpy(old, "\xff Go buildinf:", 14);
    old[14] = 8;
    uint64_t hdr1 = GO_WRAP_BI_VA + 48, hdr2 = GO_WRAP_BI_VA + 64;
    uint64_t s1 = GO_WRAP_BI_VA + 80, s2 = GO_WRAP_BI_VA + 88;
    const char *vers = "go1.16.3", *mod = "path\tx.org/y\nmod\tx.org/y\t(devel)\t\n";
    memcpy(old + 16, &hdr1, 8);
    memcpy(old + 24, &hdr2, 8);
    uint64_t l1 = 8, l2 = strlen(mod);
    memcpy(old + 48, &s1, 8);
    memcpy(old + 56, &l1, 8);
    memcpy(old + 64, &s2, 8);
    memcpy(old + 72, &l2, 8);
    memcpy(old + 80, vers, 8);
    memcpy(old + 88, mod, l2 < 40 ? l2 : 40);
    bad |= bad || write_seed(argv[1], "buildinfo_pointers", 1, tab, 0, old, sizeof(old));
    return bad;
}
