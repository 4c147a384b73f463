/*
 * test_match_fetch.c: attribution of a query large enough for the bulk paths of matching
 * (src/match/postings.c: the query's keys sorted by radix sort past 4,096 keys;
 * src/match/candidates.c: raw postings sorted by radix sort; src/match/fetch.c: stage 2's
 * functions read ahead in id order) against a synthetic index: the right family is claimed,
 * its closest sample is named, and exact and fuzzy evidence come from that family's samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kin.h"

#define FAMILIES  4
#define FUNCS     400 /* per sample: 300 family code, 50 shared runtime, 50 unique */
#define FAM_FUNCS 300
#define RUNTIME   350

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t s = a * 1000003u + b * 7919u + c;
    return splitmix(&s);
}

/* A function whose pichash is pic and whose MinHash comes from seed mh. */
static void make_func(struct kin_function *f, size_t i, uint64_t pic, uint64_t mh)
{
    memset(f, 0, sizeof(*f));
    f->va = 0x401000 + i * 0x100;
    f->size = 160 + (uint64_t)(mh % 64);
    f->pichash = pic;
    for (int k = 0; k < KIN_MINHASH_SIZE; k++) {
        f->minhash[k] = (uint32_t)splitmix(&mh);
    }
}

static void make_image(struct kin_image *img, unsigned fam, unsigned version)
{
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_PE;
    img->arch = KIN_ARCH_X64;
    img->file_size = 100000 + fam * 10 + version;
    (void)snprintf(img->hashes.sha256, sizeof(img->hashes.sha256), "%056x%08x", fam + 1,
                   version + 1);
}

/*
 * Sample `version` of family fam. Family code: version 0 holds the first 250 functions of the
 * family's 300, version 1 all 300 (so it is the query's closest sample). The query (version 2)
 * changes one function in ten of the family code: another pichash and 8 of its 64 MinHash
 * values (two of sixteen bands), a fuzzy match of the original.
 */
static size_t make_sample(struct kin_function *f, unsigned fam, unsigned version)
{
    size_t n = 0;
    for (size_t i = 0; i < FUNCS; i++) {
        uint64_t pic, mh;
        if (i < FAM_FUNCS) {
            if (version == 0 && i >= 250) {
                continue;
            }
            pic = mix(fam, 1, i);
            mh = mix(fam, 2, i);
        } else if (i < RUNTIME) {
            pic = mix(99, 1, i);
            mh = mix(99, 2, i);
        } else {
            pic = mix(fam, 10 + version, i);
            mh = mix(fam, 20 + version, i);
        }
        make_func(&f[n], i, pic, mh);
        if (version == 2 && i < FAM_FUNCS && i % 10 == 3) {
            f[n].pichash ^= 0x5555;
            for (int k = 0; k < 8; k++) {
                f[n].minhash[k] ^= 0x1234567u;
            }
        }
        n++;
    }
    return n;
}

int main(void)
{
    static struct kin_function f[FUNCS];
    static const char *actors[FAMILIES] = {"red", "blue", "green", "gold"};
    struct kin_index *idx = NULL;
    struct kin_image img;
    CHECK_OK(kin_index_open(":memory:", KIN_INDEX_CREATE, &idx));
    if (!idx) {
        CHECK_DONE();
    }
    for (unsigned fam = 0; fam < FAMILIES; fam++) {
        char name[16];
        (void)snprintf(name, sizeof(name), "fam%u", fam);
        for (unsigned v = 0; v < 2; v++) {
            struct kin_labels l = {name, actors[fam], v ? "1" : "0", NULL, KIN_FAMILY_MALWARE};
            int existed = 0;
            size_t n = make_sample(f, fam, v);
            make_image(&img, fam, v);
            CHECK_OK(kin_index_add(idx, &img, f, n, &l, &existed));
        }
    }
    CHECK_OK(kin_index_flush(idx));

    /*
     * The new version of fam2: 400 evidence functions, and 10 copies of one more (generated
     * code: its keys, repeated past max_query_dups, are not looked up): 6,970 keys.
     */
    static struct kin_function q[FUNCS + 10];
    size_t n = make_sample(q, 2, 2);
    for (size_t i = 0; i < 10; i++) {
        make_func(&q[n], FUNCS + i, 0xc0de, 0xc0de);
        q[n].va = 0x900000 + i * 0x100;
        /* Spread among the other functions, so only sorting brings the copies' keys together. */
        struct kin_function t = q[n];
        q[n] = q[i * 40];
        q[i * 40] = t;
        n++;
    }
    make_image(&img, 2, 2);
    struct kin_attribution *a = NULL;
    struct kin_attribute_options o;
    memset(&o, 0, sizeof(o));
    o.max_evidence = 1000;
    CHECK_OK(kin_attribute_functions(idx, &img, q, n, &o, &a));
    const struct kin_attribution_report *r = a ? kin_attribution_report(a) : NULL;
    CHECK(r != NULL);
    if (r) {
        char closest[65];
        make_image(&img, 2, 1);
        memcpy(closest, img.hashes.sha256, sizeof(closest));
        CHECK_EQ_U64(r->evidence_functions, FUNCS + 10);
        CHECK_EQ_U64(r->repeated_functions, 10);
        CHECK_EQ_U64(r->verdict, KIN_VERDICT_KNOWN_FAMILY);
        CHECK(r->family && !strcmp(r->family, "fam2"));
        CHECK(r->family_count > 0 && !strcmp(r->families[0].name, "fam2"));
        CHECK(r->family_count > 0 && !strcmp(r->families[0].best_sample, closest));
        /* Family code found: 270 exact, 30 fuzzy, all in fam2; the runtime is not unique. */
        size_t exact = 0, fuzzy = 0, elsewhere = 0;
        for (size_t i = 0; i < r->evidence_count; i++) {
            const struct kin_evidence_function *e = &r->evidence[i];
            if (strcmp(e->family, "fam2") != 0) {
                elsewhere++;
            } else if (e->exact) {
                exact += e->families == 1;
            } else {
                fuzzy += e->similarity >= 0.5 && e->similarity < 1.0;
            }
        }
        CHECK_EQ_U64(exact, 270);
        CHECK_EQ_U64(fuzzy, 30);
        CHECK_EQ_U64(elsewhere, 0);
    }
    kin_attribution_free(a);
    kin_index_close(idx);
    CHECK_DONE();
}
