/*
 * test_core.c: statuses, checked spans, the arena and its budget, anomalies, the allocator hooks.
 */
#include <stdlib.h>

#include "check.h"
#include "core/core.h"
#include "core/limits.h"
#include "core/span.h"

static void test_status(void)
{
    CHECK_EQ_STR(kin_status_name(KIN_OK), "OK");
    CHECK_EQ_STR(kin_status_name(KIN_NOMEM), "NOMEM");
    CHECK_EQ_STR(kin_status_str(KIN_LIMIT), "limit exceeded");
    CHECK_EQ_STR(kin_status_name((kin_status)9999), "UNKNOWN");
    CHECK_EQ_U64(KIN_OK, 0);
}

static void test_span(void)
{
    static const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 'a', 'b', 0, 'c'};
    struct span s = kin__span(b, sizeof(b));
    uint32_t v32 = 0xdead;
    uint64_t v64 = 0;
    uint16_t v16 = 0;
    CHECK(kin__span_le32(s, 0, &v32));
    CHECK_EQ_U64(v32, 0x04030201);
    CHECK(kin__span_be32(s, 0, &v32));
    CHECK_EQ_U64(v32, 0x01020304);
    CHECK(kin__span_le64(s, 0, &v64));
    CHECK_EQ_U64(v64, 0x0807060504030201ull);
    CHECK(kin__span_be16(s, 1, &v16));
    CHECK_EQ_U64(v16, 0x0203);
    /* Reads that end exactly at the end succeed; one byte further fails, the output untouched. */
    CHECK(kin__span_le32(s, 8, &v32));
    v32 = 77;
    CHECK(!kin__span_le32(s, 9, &v32));
    CHECK_EQ_U64(v32, 77);
    /* Offsets that would wrap around. */
    CHECK(!kin__span_fits(s, UINT64_MAX, 2));
    CHECK(!kin__span_fits(s, 4, UINT64_MAX - 2));
    CHECK(!kin__span_le64(s, UINT64_MAX - 3, &v64));
    CHECK(kin__span_fits(s, sizeof(b), 0));
    CHECK(!kin__span_fits(s, sizeof(b) + 1, 0));
    int term;
    CHECK_EQ_U64(kin__span_strnlen(s, 8, 100, &term), 2);
    CHECK(term);
    CHECK_EQ_U64(kin__span_strnlen(s, 11, 100, &term), 1);
    CHECK(!term);
    CHECK_EQ_U64(kin__span_strnlen(s, 8, 1, &term), 1);
    CHECK(!term);
    struct span sub;
    CHECK(kin__span_sub(s, 2, 3, &sub));
    CHECK_EQ_U64(sub.n, 3);
    CHECK_EQ_U64(sub.p[0], 3);
    CHECK(!kin__span_sub(s, 10, 3, &sub));
}

static void test_arena(void)
{
    struct arena a;
    kin__arena_init(&a, 0);
    char *p = kin__arena_alloc(&a, 10);
    CHECK(p != NULL);
    CHECK_EQ_U64((uintptr_t)p % 16, 0);
    char *big = kin__arena_alloc(&a, 1 << 20);
    CHECK(big != NULL);
    big[(1 << 20) - 1] = 1;
    char *s = kin__arena_printf(&a, "x=%d %s", 42, "ok");
    CHECK_EQ_STR(s, "x=42 ok");
    CHECK(kin__arena_array(&a, SIZE_MAX / 2, 4) == NULL);
    int *v = NULL;
    size_t count = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        CHECK(kin__arena_vec_reserve(&a, (void **)&v, count, &cap, sizeof(*v)));
        v[count++] = i;
    }
    CHECK_EQ_U64(v[999], 999);
    CHECK_EQ_U64(v[0], 0);
    kin__arena_release(&a);

    /* A budget stops allocation and says so. */
    kin__arena_init(&a, 200000);
    int failed = 0;
    for (int i = 0; i < 100 && !failed; i++) {
        failed = kin__arena_alloc(&a, 10000) == NULL;
    }
    CHECK(failed);
    CHECK(a.over_budget);
    CHECK(a.used <= 200000);
    kin__arena_release(&a);
}

static void test_anomaly(void)
{
    struct arena a;
    struct anomaly_list l = {0};
    kin__arena_init(&a, 0);
    kin__anomaly_add(&l, &a, "t.kind", 12, "bad %s at %d", "thing", 7);
    CHECK_EQ_U64(l.count, 1);
    CHECK_EQ_STR(l.v[0].kind, "t.kind");
    CHECK_EQ_STR(l.v[0].message, "bad thing at 7");
    CHECK_EQ_U64(l.v[0].offset, 12);
    for (unsigned i = 0; i < KIN_MAX_ANOMALIES + 10; i++) {
        kin__anomaly_add(&l, &a, "t.many", i, "n");
    }
    CHECK_EQ_U64(l.count, KIN_MAX_ANOMALIES);
    CHECK_EQ_U64(l.dropped, 11);
    kin__arena_release(&a);
}

/* An exhausted arena budget does not drop anomalies: they have their own cap. */
static void test_anomaly_over_budget(void)
{
    struct arena a;
    struct anomaly_list l = {0};
    kin__arena_init(&a, 4096);
    while (kin__arena_alloc(&a, 1000)) {
    }
    CHECK(a.over_budget);
    kin__anomaly_add(&l, &a, "limit.memory", 0, "memory budget of this sample exhausted");
    CHECK_EQ_U64(l.count, 1);
    CHECK_EQ_U64(l.dropped, 0);
    if (l.count == 1) {
        CHECK_EQ_STR(l.v[0].message, "memory budget of this sample exhausted");
    }
    for (unsigned i = 0; i < KIN_MAX_ANOMALIES + 5; i++) {
        kin__anomaly_add(&l, &a, "t.many", i, "anomaly number %u of a long series", i);
    }
    CHECK_EQ_U64(l.count, KIN_MAX_ANOMALIES);
    CHECK_EQ_U64(l.dropped, 6);
    /* Past the cap, "limit.*" anomalies still have KIN_MAX_LIMIT_ANOMALIES slots. */
    for (unsigned i = 0; i < KIN_MAX_LIMIT_ANOMALIES + 3; i++) {
        kin__anomaly_add(&l, &a, "limit.test", i, "cap %u reached", i);
    }
    CHECK_EQ_U64(l.count, KIN_MAX_ANOMALIES + KIN_MAX_LIMIT_ANOMALIES);
    CHECK_EQ_U64(l.dropped, 9);
    CHECK_EQ_STR(l.v[KIN_MAX_ANOMALIES].kind, "limit.test");
    /*
     * The budget is back in force for everything else (no new block; the free tail of the
     * anomalies' last block may still serve small allocations), and anomalies kept to their cap.
     */
    CHECK(kin__arena_alloc(&a, (size_t)128 << 10) == NULL);
    CHECK(a.used < 4096 + ((size_t)512 << 10));
    kin__arena_release(&a);
}

static void test_util(void)
{
    uint8_t zeros[64] = {0};
    uint8_t all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (uint8_t)i;
    }
    CHECK(kin__entropy(zeros, sizeof(zeros)) == 0.0);
    CHECK(kin__entropy(all, sizeof(all)) > 7.999 && kin__entropy(all, sizeof(all)) <= 8.0);
    char hex[9];
    kin__hex((const uint8_t *)"\x01\xab\xff\x00", 4, hex);
    CHECK_EQ_STR(hex, "01abff00");
}

static int fail_after = -1;
static void *failing_malloc(size_t n)
{
    if (fail_after == 0) {
        return NULL;
    }
    if (fail_after > 0) {
        fail_after--;
    }
    return malloc(n);
}

static void test_allocator(void)
{
    CHECK(kin_replace_allocator(failing_malloc, NULL, free) == KIN_INVALID);
    CHECK_OK(kin_replace_allocator(failing_malloc, realloc, free));
    fail_after = 0;
    CHECK(kin__malloc(8) == NULL);
    fail_after = -1;
    void *p = kin__malloc(8);
    CHECK(p != NULL);
    kin_free(p);
    CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
}

int main(void)
{
    test_status();
    test_span();
    test_arena();
    test_anomaly();
    test_anomaly_over_budget();
    test_util();
    test_allocator();
    CHECK_DONE();
}
