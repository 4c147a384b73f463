/*
 * fuzz_store_record.c: libFuzzer target for what kin reads back from an index file, which may
 * come from someone else: the input is written to a temporary file and opened read-only as an
 * index; when the open succeeds, every listing runs, the functions of the first samples are
 * read back (MinHash records decoded) and a few keys are looked up. Any status is fine; a crash,
 * a leak or a write to the file is not. The input also goes through the MinHash record decoder
 * on its own.
 *
 * Seeds (fuzz/corpus/fuzz_store_record/) are small valid indexes; see fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kin.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_sample(void *ctx, const struct kin_index_sample *s)
{
    size_t *n = ctx;
    *n += strlen(s->sha256) + strlen(s->family) + strlen(s->actor) + strlen(s->version) +
          strlen(s->arch) + strlen(s->format) + strlen(s->source) + strlen(s->md5) +
          strlen(s->sha1) + strlen(s->imphash) + strlen(s->rich_hash) + strlen(s->tlsh) +
          strlen(s->ssdeep);
    return 0;
}

static int on_family(void *ctx, const struct kin_index_family *f)
{
    size_t *n = ctx;
    *n += strlen(f->name) + strlen(f->actor) + strlen(f->aliases);
    return 0;
}

static int on_actor(void *ctx, const struct kin_index_actor *a)
{
    size_t *n = ctx;
    *n += strlen(a->name) + strlen(a->aliases);
    return 0;
}

static int on_function(void *ctx, const struct store_function *f)
{
    size_t *n = ctx;
    *n += f->name ? strlen(f->name) : 0;
    *n += f->minhash[0] & 1u;
    return 0;
}

static int on_hit(void *ctx,
                  size_t key_index,
                  const struct store_freq *freq,
                  const struct store_posting *p,
                  size_t count)
{
    size_t *n = ctx;
    (void)key_index;
    (void)freq;
    for (size_t i = 0; i < count; i++) {
        *n += (size_t)p[i].func;
    }
    return 0;
}

static char path[64];
static volatile size_t sink_total; /* keeps the reads from being optimised away */

static void remove_files(void)
{
    char buf[80];
    (void)unlink(path);
    (void)snprintf(buf, sizeof(buf), "%s-wal", path);
    (void)unlink(buf);
    (void)snprintf(buf, sizeof(buf), "%s-shm", path);
    (void)unlink(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t mh[KIN_MINHASH_SIZE];
    size_t sink = 0;
    if (kin__store_decode_minhash(data, size, mh) == KIN_OK) {
        sink += mh[0];
    }
    if (!path[0]) {
        (void)snprintf(path, sizeof(path), "/tmp/kin-fuzz-store-%ld.db", (long)getpid());
    }
    remove_files();
    FILE *f = fopen(path, "wb");
    if (!f) {
        return 0;
    }
    size_t written = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || written != size) {
        remove_files();
        return 0;
    }
    struct store *s = NULL;
    if (kin__sqlite_open(path, KIN_INDEX_READONLY, &s) == KIN_OK) {
        struct store_totals t;
        (void)s->ops->totals(s, &t);
        (void)s->ops->list_samples(s, NULL, on_sample, &sink);
        (void)s->ops->list_families(s, on_family, &sink);
        (void)s->ops->list_actors(s, on_actor, &sink);
        for (int64_t id = 1; id <= 3; id++) {
            (void)s->ops->sample_functions(s, id, on_function, &sink);
        }
        struct store_key keys[3] = {{0, 0}, {1, 0}, {UINT64_MAX, 3}};
        (void)s->ops->lookup(s, STORE_PIC, keys, 3, 8, on_hit, &sink);
        (void)s->ops->lookup(s, STORE_BAND, keys, 3, 8, on_hit, &sink);
    }
    if (s) {
        s->ops->close(s);
    }
    remove_files();
    sink_total += sink;
    return 0;
}
