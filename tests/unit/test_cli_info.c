/*
 * test_cli_info.c: `kin info`. The renderers (cli/info_json.c, cli/info_text.c) run on hand-built
 * PE and ELF images holding hostile strings, so every field is checked without a loader; then the
 * real binary (KIN_CLI) runs for exit codes and error messages.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "info.h"
#include "kin.h"
#include "walk.h"

/* ---- A minimal JSON validator: RFC 8259 grammar, UTF-8 checked, top-level keys recorded. ---- */

struct jv {
    const unsigned char *p, *end;
    int depth;
    char keys[40][24]; /* keys of the top-level object, in order */
    size_t nkeys;
};

static int jv_value(struct jv *v);

static void jv_ws(struct jv *v)
{
    while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r')) {
        v->p++;
    }
}

static int jv_lit(struct jv *v, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0) {
        return 0;
    }
    v->p += n;
    return 1;
}

/* Parses a string; copies up to cap-1 bytes of it into out when out is not NULL. */
static int jv_string(struct jv *v, char *out, size_t cap)
{
    size_t n = 0;
    if (v->p >= v->end || *v->p != '"') {
        return 0;
    }
    v->p++;
    while (v->p < v->end && *v->p != '"') {
        unsigned char c = *v->p;
        if (c < 0x20) {
            return 0;
        }
        if (c == '\\') {
            v->p++;
            if (v->p >= v->end) {
                return 0;
            }
            if (*v->p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    if (v->p + i >= v->end || !strchr("0123456789abcdefABCDEF", v->p[i])) {
                        return 0;
                    }
                }
                v->p += 4;
            } else if (!strchr("\"\\/bfnrt", *v->p)) {
                return 0;
            }
            v->p++;
            continue;
        }
        if (c >= 0x80) {
            int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
            if (len == 0 || c > 0xf4 || v->end - v->p < len) {
                return 0;
            }
            for (int i = 1; i < len; i++) {
                if ((v->p[i] & 0xc0) != 0x80) {
                    return 0;
                }
            }
            v->p += len;
            continue;
        }
        if (out && n + 1 < cap) {
            out[n++] = (char)c;
        }
        v->p++;
    }
    if (out) {
        out[n] = '\0';
    }
    if (v->p >= v->end) {
        return 0;
    }
    v->p++;
    return 1;
}

static int jv_number(struct jv *v)
{
    const unsigned char *s = v->p;
    if (v->p < v->end && *v->p == '-') {
        v->p++;
    }
    if (v->p >= v->end || *v->p < '0' || *v->p > '9') {
        return 0;
    }
    if (*v->p == '0') {
        v->p++;
    } else {
        while (v->p < v->end && *v->p >= '0' && *v->p <= '9') {
            v->p++;
        }
    }
    if (v->p < v->end && *v->p == '.') {
        v->p++;
        if (v->p >= v->end || *v->p < '0' || *v->p > '9') {
            return 0;
        }
        while (v->p < v->end && *v->p >= '0' && *v->p <= '9') {
            v->p++;
        }
    }
    return v->p > s;
}

static int jv_container(struct jv *v, int object)
{
    char close = object ? '}' : ']';
    v->p++;
    v->depth++;
    jv_ws(v);
    if (v->p < v->end && *v->p == close) {
        v->p++;
        v->depth--;
        return 1;
    }
    for (;;) {
        jv_ws(v);
        if (object) {
            char key[24];
            if (!jv_string(v, key, sizeof(key))) {
                return 0;
            }
            if (v->depth == 1 && v->nkeys < 40) {
                memcpy(v->keys[v->nkeys++], key, sizeof(key));
            }
            jv_ws(v);
            if (v->p >= v->end || *v->p++ != ':') {
                return 0;
            }
        }
        if (!jv_value(v)) {
            return 0;
        }
        jv_ws(v);
        if (v->p < v->end && *v->p == ',') {
            v->p++;
            continue;
        }
        if (v->p < v->end && *v->p == close) {
            v->p++;
            v->depth--;
            return 1;
        }
        return 0;
    }
}

static int jv_value(struct jv *v)
{
    jv_ws(v);
    if (v->p >= v->end) {
        return 0;
    }
    switch (*v->p) {
    case '{':
        return jv_container(v, 1);
    case '[':
        return jv_container(v, 0);
    case '"':
        return jv_string(v, NULL, 0);
    case 't':
        return jv_lit(v, "true");
    case 'f':
        return jv_lit(v, "false");
    case 'n':
        return jv_lit(v, "null");
    default:
        return jv_number(v);
    }
}

/* Validates one JSON document that fills exactly one line. */
static int json_line_ok(const char *s, struct jv *v)
{
    size_t n = strlen(s);
    memset(v, 0, sizeof(*v));
    if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1)) {
        return 0;
    }
    v->p = (const unsigned char *)s;
    v->end = v->p + n - 1;
    if (!jv_value(v)) {
        return 0;
    }
    jv_ws(v);
    return v->p == v->end;
}

/* ---- Hand-built images. ---- */

static const char *const top_keys[] = {
    "file",         "format",  "arch",      "bits",
    "endian",       "size",    "base",      "md5",
    "sha1",         "sha256",  "imphash",   "rich_hash",
    "tlsh",         "tlsh_t1", "ssdeep",    "entry_points",
    "sections",     "imports", "exports",   "pdb",
    "rich",         "pe",      "elf",       "go",
    "symbol_count", "symbols", "anomalies", "anomalies_dropped",
};

static struct kin_section pe_sections[] = {
    {"\x1b[31m.text", 0x140001000, 0x1234, 0x400, 0x1400,
     KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE, 0x60000020, 0, 6.12345},
    {".data\xff", 0x140003000, 0x200, 0x1800, 0x200, KIN_SEC_READ | KIN_SEC_WRITE, 0xc0000040, 0,
     0.0},
};
static struct kin_entry pe_entries[] = {
    {0x140001010, KIN_ENTRY_MAIN},
    {0x140001100, KIN_ENTRY_TLS_CALLBACK},
};
static struct kin_import pe_imports[] = {
    {"KERNEL32.dll", "CreateFileW", 0, 5, 0x140002000, 0},
    {"KERNEL32.dll", "Exit\"Process\n", 0, 0, 0x140002008, 0},
    {"WS2_32.dll", NULL, 23, 0, 0x140002018, KIN_IMPORT_BY_ORDINAL},
    {"USER32.dll", "MessageBoxW", 0, 0, 0x140002100, KIN_IMPORT_DELAY},
    /* KERNEL32.dll again, after another library (ELF relocations interleave libraries). */
    {"KERNEL32.dll", "Sleep", 0, 0, 0x140002010, 0},
};
static struct kin_export pe_exports[] = {
    {"run", 1, 0x140001020, NULL},
    {NULL, 7, 0x140001030, NULL},
    {"Alloc", 8, 0, "NTDLL.RtlAllocateHeap"},
};
static struct kin_rich_entry pe_rich[] = {{0x0104, 30795, 12}, {0x0001, 0, 77}};
static struct kin_resource pe_res[] = {
    {3, NULL, 1033, 0x2000, 0x100, 7.5},
    {3, NULL, 1033, 0x2100, 0x100, 7.25},
    {300, NULL, 0, 0x2200, 0x10, 1.0},
    {0, "EVIL\x1b", 0, 0, 0x10, 0.0},
};
static struct kin_symbol pe_syms[] = {
    {"main\x07", 0x140001010, 16, KIN_SYM_FUNC, KIN_SYMSRC_COFF, 2, 1}};
static struct kin_anomaly pe_anoms[] = {
    {"pe.section.past_eof", 0x1f0, "section 2 raw data \x1b]0;x\x07 past end of file"},
};

static void make_pe(struct kin_image *img)
{
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_PE;
    img->arch = KIN_ARCH_X64;
    img->bits = 64;
    img->file_size = 0x2400;
    img->base = 0x140000000;
    img->sections = pe_sections;
    img->section_count = 2;
    img->entries = pe_entries;
    img->entry_count = 2;
    img->symbols = pe_syms;
    img->symbol_count = 1;
    img->imports = pe_imports;
    img->import_count = 5;
    img->exports = pe_exports;
    img->export_count = 3;
    img->anomalies = pe_anoms;
    img->anomaly_count = 1;
    img->anomalies_dropped = 5;
    img->pe.image_base = 0x140000000;
    img->pe.timestamp = 1700000000;
    img->pe.machine = 0x8664;
    img->pe.characteristics = 0x22;
    img->pe.subsystem = 3;
    img->pe.dll_characteristics = 0x8160;
    img->pe.checksum = 0x1234;
    img->pe.rich = pe_rich;
    img->pe.rich_count = 2;
    img->pe.rich_key = 0xdeadbeef;
    img->pe.rich_offset = 0x80;
    img->pe.pdb_path = "C:\\build\\x64\\app.pdb";
    for (int i = 0; i < 16; i++) {
        img->pe.pdb_guid[i] = (uint8_t)(i * 0x11);
    }
    img->pe.pdb_age = 3;
    img->pe.reloc_count = 42;
    img->pe.pdata_count = 9;
    img->pe.tls_callback_count = 1;
    img->pe.resources = pe_res;
    img->pe.resource_count = 4;
    img->pe.security_offset = 0x2300;
    img->pe.security_size = 0x100;
    img->pe.overlay_offset = 0x2200;
    img->pe.overlay_size = 0x200;
    strcpy(img->hashes.md5, "00112233445566778899aabbccddeeff");
    strcpy(img->hashes.imphash, "ffeeddccbbaa99887766554433221100");
    strcpy(img->hashes.tlsh, "ABCD");
    strcpy(img->hashes.ssdeep, "3:abc:def");
}

static struct kin_segment elf_segs[] = {
    {6, 4, 0x40, 0x2d8, 0x40, 0x2d8},
    {1, 5, 0, 0x1000, 0, 0x1000},
    {0x6474e551, 6, 0, 0, 0, 0},
};
static const char *const elf_needed[] = {"libc.so.6", "lib\x1b.so"};

static void make_elf(struct kin_image *img)
{
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_ELF;
    img->arch = KIN_ARCH_MIPS;
    img->bits = 32;
    img->big_endian = 1;
    img->file_size = 0x1000;
    img->elf.elfclass = 1;
    img->elf.data = 2;
    img->elf.osabi = 3;
    img->elf.type = 3;
    img->elf.machine = 8;
    img->elf.segments = elf_segs;
    img->elf.segment_count = 3;
    img->elf.needed = elf_needed;
    img->elf.needed_count = 2;
    img->elf.interpreter = "/lib/ld.so.1";
    strcpy(img->elf.build_id, "0123abcd");
}

static char *render(int json, const struct kin_image *img, int symbols)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    struct info_opts o = {symbols};
    if (!f) {
        perror("open_memstream");
        exit(1);
    }
    if (json) {
        info_print_json(f, "dir/\x1b[2Jx.exe", img, &o);
    } else {
        info_print_text(f, "dir/\x1b[2Jx.exe", img, &o);
    }
    fclose(f);
    return buf;
}

#define CHECK_HAS(s, sub)                                                               \
    do {                                                                                \
        if (!strstr((s), (sub))) {                                                      \
            fprintf(stderr, "%s:%d: output lacks \"%s\"\n", __FILE__, __LINE__, (sub)); \
            check_failures++;                                                           \
        }                                                                               \
    } while (0)

static void check_keys(const struct jv *v, int symbols)
{
    size_t k = 0;
    for (size_t i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++) {
        if (!symbols && !strcmp(top_keys[i], "symbols")) {
            continue;
        }
        /* "go" is there for Go programs only. */
        if (!strcmp(top_keys[i], "go") && (k >= v->nkeys || strcmp(v->keys[k], "go") != 0)) {
            continue;
        }
        CHECK(k < v->nkeys);
        if (k < v->nkeys) {
            CHECK_EQ_STR(v->keys[k], top_keys[i]);
        }
        k++;
    }
    CHECK_EQ_U64(v->nkeys, k);
}

static void test_pe_json(void)
{
    struct kin_image img;
    struct jv v;
    make_pe(&img);
    for (int symbols = 0; symbols <= 1; symbols++) {
        char *s = render(1, &img, symbols);
        CHECK(json_line_ok(s, &v));
        check_keys(&v, symbols);
        CHECK_HAS(s,
                  "\"file\":\"dir/\\u001b[2Jx.exe\",\"format\":\"pe\",\"arch\":\"x64\",\"bits\":64,"
                  "\"endian\":\"little\",\"size\":9216,\"base\":5368709120,");
        CHECK_HAS(s, "\"md5\":\"00112233445566778899aabbccddeeff\",\"sha1\":null,\"sha256\":null,"
                     "\"imphash\":\"ffeeddccbbaa99887766554433221100\",\"rich_hash\":null,"
                     "\"tlsh\":\"ABCD\",\"tlsh_t1\":\"T1ABCD\",\"ssdeep\":\"3:abc:def\"");
        CHECK_HAS(s, "\"entry_points\":[{\"va\":5368713232,\"kind\":\"main\"},"
                     "{\"va\":5368713472,\"kind\":\"tls_callback\"}]");
        CHECK_HAS(s,
                  "{\"name\":\"\\u001b[31m.text\",\"va\":5368713216,\"vsize\":4660,"
                  "\"offset\":1024,\"size\":5120,\"flags\":\"r-x\",\"characteristics\":1610612768,"
                  "\"entropy\":6.1235}");
        CHECK_HAS(s, "\"name\":\".data\\u00ff\"");
        CHECK_HAS(s, "\"flags\":\"rw-\"");
        CHECK_HAS(s,
                  "{\"library\":\"KERNEL32.dll\",\"name\":\"Exit\\\"Process\\n\",\"ordinal\":null,"
                  "\"delay\":false,\"slot\":5368717320}");
        CHECK_HAS(s, "{\"library\":\"WS2_32.dll\",\"name\":null,\"ordinal\":23,\"delay\":false,");
        CHECK_HAS(s, "{\"library\":\"USER32.dll\",\"name\":\"MessageBoxW\",\"ordinal\":null,"
                     "\"delay\":true,");
        CHECK_HAS(s, "{\"name\":null,\"ordinal\":7,\"va\":5368713264,\"forwarder\":null}");
        CHECK_HAS(s, "{\"name\":\"Alloc\",\"ordinal\":8,\"va\":null,"
                     "\"forwarder\":\"NTDLL.RtlAllocateHeap\"}");
        CHECK_HAS(s, "\"pdb\":{\"path\":\"C:\\\\build\\\\x64\\\\app.pdb\","
                     "\"guid\":\"{33221100-5544-7766-8899-AABBCCDDEEFF}\",\"age\":3}");
        CHECK_HAS(s, "\"rich\":{\"offset\":128,\"key\":3735928559,\"entries\":[{\"product_id\":260,"
                     "\"build\":30795,\"count\":12},{\"product_id\":1,\"build\":0,\"count\":77}]}");
        CHECK_HAS(s,
                  "\"pe\":{\"timestamp\":1700000000,\"machine\":34404,\"subsystem\":3,"
                  "\"characteristics\":34,\"dll_characteristics\":33120,\"checksum\":4660,"
                  "\"image_base\":5368709120,\"relocations\":42,\"pdata\":9,\"tls_callbacks\":1,");
        CHECK_HAS(s, "\"resources\":[{\"type\":\"RT_ICON\",\"lang\":1033,\"offset\":8192,"
                     "\"size\":256,\"entropy\":7.5000},");
        CHECK_HAS(s, "{\"type\":\"#300\",");
        CHECK_HAS(s, "{\"type\":\"EVIL\\u001b\",");
        CHECK_HAS(s, "\"signature\":{\"offset\":8960,\"size\":256},"
                     "\"overlay\":{\"offset\":8704,\"size\":512},\"dll_name\":null}");
        CHECK_HAS(s, "\"elf\":null,\"symbol_count\":1,");
        CHECK_HAS(s, "\"anomalies\":[{\"kind\":\"pe.section.past_eof\",\"offset\":496,"
                     "\"message\":\"section 2 raw data \\u001b]0;x\\u0007 past end of file\"}],"
                     "\"anomalies_dropped\":5}");
        if (symbols) {
            CHECK_HAS(s, "\"symbols\":[{\"name\":\"main\\u0007\",\"va\":5368713232,\"size\":16,"
                         "\"type\":\"func\",\"bind\":\"weak\",\"source\":\"coff\"}]");
        } else {
            CHECK(!strstr(s, "\"symbols\""));
        }
        free(s);
    }
}

static void test_elf_json(void)
{
    struct kin_image img;
    struct jv v;
    make_elf(&img);
    char *s = render(1, &img, 0);
    CHECK(json_line_ok(s, &v));
    check_keys(&v, 0);
    CHECK_HAS(s, "\"arch\":\"mips\",\"bits\":32,\"endian\":\"big\"");
    CHECK_HAS(s, "\"md5\":null,");
    CHECK_HAS(s, "\"tlsh\":null,\"tlsh_t1\":null,\"ssdeep\":null,\"entry_points\":[],"
                 "\"sections\":[],\"imports\":[],\"exports\":[],\"pdb\":null,\"rich\":null,"
                 "\"pe\":null,");
    CHECK_HAS(s, "\"elf\":{\"class\":32,\"data\":\"big\",\"osabi\":3,\"type\":3,\"machine\":8,"
                 "\"segments\":[{\"type\":6,\"flags\":4,\"offset\":64,\"filesz\":728,\"va\":64,"
                 "\"memsz\":728},");
    CHECK_HAS(s, "\"needed\":[\"libc.so.6\",\"lib\\u001b.so\"],\"soname\":null,"
                 "\"interpreter\":\"/lib/ld.so.1\",\"build_id\":\"0123abcd\"}");
    CHECK_HAS(s, "\"anomalies\":[],\"anomalies_dropped\":0}");
    free(s);
}

/* The text form: no raw control or non-ASCII byte anywhere, and the facts are there. */
static void check_terminal_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p > 0x7e) {
            fprintf(stderr, "raw byte 0x%02x at %zu\n", *p, (size_t)(p - (const unsigned char *)s));
            check_failures++;
            return;
        }
    }
}

static void test_pe_text(void)
{
    struct kin_image img;
    make_pe(&img);
    char *s = render(0, &img, 1);
    check_terminal_safe(s);
    CHECK_HAS(s, "file        dir/\\x1b[2Jx.exe\n");
    CHECK_HAS(s, "format      pe, x64 (64-bit, little endian), 9216 bytes\n");
    CHECK_HAS(s, "entry       0x140001010 (main)\n            0x140001100 (tls_callback)\n");
    CHECK_HAS(s, "sha1        -\n");
    CHECK_HAS(s, "tlsh (T1)   T1ABCD\n");
    CHECK_HAS(s, "timestamp   2023-11-14 22:13:20 UTC (0x6553f100)\n");
    CHECK_HAS(s, "machine     0x8664 (amd64)\n");
    CHECK_HAS(s, "subsystem   3 (windows console)\n");
    CHECK_HAS(s, "flags       characteristics 0x0022, dll characteristics 0x8160\n");
    CHECK_HAS(s, "checksum    0x00001234\n");
    CHECK_HAS(s, "    0x140002000  CreateFileW\n");
    CHECK_HAS(s, "    0x140002018  ordinal 23\n");
    CHECK_HAS(s, "42 relocations, 9 pdata entries, 1 TLS callbacks\n");
    CHECK_HAS(s, "signature   present at 0x2300, 256 bytes\n");
    CHECK_HAS(s, "overlay     at 0x2200, 512 bytes\n");
    CHECK_HAS(s, "pdb         C:\\build\\x5cx64\\app.pdb\n");
    CHECK_HAS(s, "guid {33221100-5544-7766-8899-AABBCCDDEEFF}, age 3\n");
    CHECK_HAS(s, "resources   4, 544 bytes: RT_ICON x2, #300, EVIL\\x1b\n");
    CHECK_HAS(s, "rich        at 0x80, key 0xdeadbeef, 2 entries\n");
    CHECK_HAS(s, "  0x0104     30795   12\n");
    CHECK_HAS(s, "\\x1b[31m.text");
    CHECK_HAS(s, ".data\\xff");
    CHECK_HAS(s, "imports (5 from 3 libraries)\n  KERNEL32.dll (2)\n");
    CHECK_HAS(s, "Exit\"Process\\x0a\n");
    CHECK_HAS(s, "ordinal 23\n");
    CHECK_HAS(s, "  USER32.dll (1, delay-loaded)\n");
    CHECK_HAS(s, "(by ordinal)\n");
    CHECK_HAS(s, "Alloc -> NTDLL.RtlAllocateHeap\n");
    CHECK_HAS(s, "main\\x07\n");
    CHECK_HAS(s, "anomalies (6)\n");
    CHECK_HAS(s, "section 2 raw data \\x1b]0;x\\x07 past end of file\n");
    CHECK_HAS(s, "  5 more not kept\n");
    free(s);
}

static void test_elf_text(void)
{
    struct kin_image img;
    make_elf(&img);
    char *s = render(0, &img, 0);
    check_terminal_safe(s);
    CHECK_HAS(s, "format      elf, mips (32-bit, big endian), 4096 bytes\n");
    CHECK_HAS(s, "elf         class ELF32, big endian, osabi 3 (gnu/linux), type DYN, machine 8 "
                 "(mips)\n");
    CHECK_HAS(s, "interpreter /lib/ld.so.1\n");
    CHECK_HAS(s, "needed      libc.so.6\n            lib\\x1b.so\n");
    CHECK_HAS(s, "build-id    0123abcd\n");
    CHECK_HAS(s, "segments (3)\n");
    CHECK_HAS(s, "  PHDR          r--    0x40    0x2d8   0x40  0x2d8\n");
    CHECK_HAS(s, "  GNU_STACK     rw-");
    CHECK_HAS(s, "anomalies   none\n");
    CHECK(!strstr(s, "imphash"));
    free(s);
}

/* ---- Every fixture and fuzz seed, loaded for real and rendered both ways. ---- */

struct corpus_run {
    size_t loaded;
    size_t files;
};

static int render_file(const char *path, int named, void *ctx)
{
    struct corpus_run *r = ctx;
    struct kin_sample *s = NULL;
    struct jv v;
    (void)named;
    r->files++;
    kin_status st = kin_sample_open(path, NULL, &s);
    if (st != KIN_OK) {
        kin_sample_free(s);
        return 0;
    }
    r->loaded++;
    const struct kin_image *img = kin_sample_image(s);
    for (int symbols = 0; symbols <= 1; symbols++) {
        char *buf = NULL;
        size_t size = 0;
        struct info_opts o = {symbols};
        FILE *f = open_memstream(&buf, &size);
        CHECK(f != NULL);
        if (!f) {
            break;
        }
        info_print_json(f, path, img, &o);
        fclose(f);
        if (!json_line_ok(buf, &v)) {
            fprintf(stderr, "invalid JSON for %s\n", path);
            check_failures++;
        } else {
            check_keys(&v, symbols);
        }
        free(buf);
        f = open_memstream(&buf, &size);
        CHECK(f != NULL);
        if (!f) {
            break;
        }
        info_print_text(f, path, img, &o);
        fclose(f);
        check_terminal_safe(buf);
        free(buf);
    }
    kin_sample_free(s);
    return 0;
}

static void test_rendered_corpus(void)
{
    struct corpus_run r = {0, 0};
    struct walk w;
    walk_init(&w, 1, render_file, &r);
    CHECK(walk_path(&w, KIN_FIXTURE_DIR) == 0);
    CHECK(walk_path(&w, KIN_SOURCE_DIR "/fuzz/corpus") == 0);
    CHECK(walk_path(&w, KIN_TEST_DATA_DIR) == 0);
    walk_release(&w);
    /* The fixtures hold dozens of PE and ELF files: most of them must load. */
    CHECK(r.loaded >= 40);
    CHECK(r.files >= r.loaded);
}

/* ---- The binary itself: exit codes and one-line errors. ---- */

static char tmp[64];
static char out_path[128], err_path[128];

/* Runs `kin <args>` with stdout and stderr in files; returns the exit code. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "'%s' %s >'%s' 2>'%s'", KIN_CLI, args, out_path, err_path);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static void write_file(const char *name, const void *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(p, 1, n, f) == n);
        fclose(f);
    }
}

static void test_cli(void)
{
    char args[1024];
    struct jv v;
    static const unsigned char code[] = {0x55, 0x48, 0x89, 0xe5, 0x31, 0xc0, 0x5d, 0xc3};
    write_file("code.bin", code, sizeof(code));
    write_file("text.txt", "hello\n", 6);
    write_file("empty", "", 0);
    write_file("e\x1b[1mvil.bin", code, sizeof(code));
    snprintf(args, sizeof(args), "%s/dir", tmp);
    CHECK(mkdir(args, 0700) == 0);
    write_file("dir/note.txt", "just text", 9);

    /* Usage errors: exit 2. */
    CHECK_EQ_U64(run("info"), 2);
    CHECK_HAS(slurp(err_path), "kin info: no file given\n");
    CHECK_EQ_U64(run("info --bogus x"), 2);
    CHECK_HAS(slurp(err_path), "kin info: unknown option '--bogus'\n");
    CHECK_EQ_U64(run("info --raw x"), 2);
    CHECK_EQ_U64(run("info --arch x64 x"), 2);
    CHECK_EQ_U64(run("info --raw --arch x64 --base 0x1g x"), 2);
    CHECK_HAS(slurp(err_path), "bad value '0x1g' for --base");
    CHECK_EQ_U64(run("info --help"), 0);
    CHECK_HAS(slurp(out_path), "usage: kin info");

    /* Raw mode: one JSON line per file, valid, with the base and arch asked for. */
    snprintf(args, sizeof(args), "info --json --raw --arch x86 --base 0x401000 '%s/code.bin'", tmp);
    CHECK_EQ_U64(run(args), 0);
    char *o = slurp(out_path);
    CHECK(json_line_ok(o, &v));
    check_keys(&v, 0);
    CHECK_HAS(o, "\"format\":\"raw\",\"arch\":\"x86\",\"bits\":32,");
    CHECK_HAS(o, "\"base\":4198400,");
    CHECK_HAS(o, "\"entry_points\":[{\"va\":4198400,\"kind\":\"raw\"}]");
    CHECK_HAS(o, "\"tlsh\":null"); /* under 256 bytes */

    /* A hostile file name is escaped in JSON, in text and in messages. */
    snprintf(args, sizeof(args), "info --json --raw --arch x64 '%s/e\x1b[1mvil.bin'", tmp);
    CHECK_EQ_U64(run(args), 0);
    CHECK_HAS(slurp(out_path), "e\\u001b[1mvil.bin\"");
    snprintf(args, sizeof(args), "info --raw --arch x64 '%s/e\x1b[1mvil.bin'", tmp);
    CHECK_EQ_U64(run(args), 0);
    o = slurp(out_path);
    check_terminal_safe(o);
    CHECK_HAS(o, "e\\x1b[1mvil.bin\n");
    snprintf(args, sizeof(args), "info '%s/e\x1b[1mvil.bin'", tmp);
    CHECK_EQ_U64(run(args), 3);
    o = slurp(err_path);
    check_terminal_safe(o);
    CHECK_HAS(o, "vil.bin': not a PE or ELF file");

    /* Load failures: one line naming the file and the reason, exit 3, other files still done. */
    snprintf(args, sizeof(args), "info --json --raw --arch x64 '%s/empty' '%s/code.bin'", tmp, tmp);
    CHECK_EQ_U64(run(args), 3);
    CHECK_HAS(slurp(err_path), "/empty': malformed input: nothing usable (empty file: no code)\n");
    CHECK_HAS(slurp(out_path), "code.bin\"");
    snprintf(args, sizeof(args), "info '%s/missing'", tmp);
    CHECK_EQ_U64(run(args), 3);
    CHECK_HAS(slurp(err_path), "/missing': No such file or directory\n");
    snprintf(args, sizeof(args), "info '%s/text.txt'", tmp);
    CHECK_EQ_U64(run(args), 3);
    snprintf(args, sizeof(args), "info '%s/dir'", tmp);
    CHECK_EQ_U64(run(args), 3);
    CHECK_HAS(slurp(err_path), "/dir': is a directory (use -r)\n");

    /* A file over the size cap (sparse: no disk used) is refused before it is read. */
    snprintf(args, sizeof(args), "%s/big", tmp);
    FILE *f = fopen(args, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(ftruncate(fileno(f), ((off_t)1 << 30) + 1) == 0);
        fclose(f);
    }
    snprintf(args, sizeof(args), "info --raw --arch x64 '%s/big'", tmp);
    CHECK_EQ_U64(run(args), 3);
    CHECK_HAS(slurp(err_path), "/big': file too large\n");
    snprintf(args, sizeof(args), "%s/big", tmp);
    CHECK(unlink(args) == 0);

    /* -r: files neither PE nor ELF found in a directory are skipped with a note, exit 0. */
    snprintf(args, sizeof(args), "info -r '%s/dir'", tmp);
    CHECK_EQ_U64(run(args), 0);
    CHECK_HAS(slurp(err_path), "kin: skipping '");
    CHECK_EQ_STR(slurp(out_path), "");
    /* -r with raw mode: files in sorted order, one line each. */
    snprintf(args, sizeof(args), "info -r --json --raw --arch x64 '%s'", tmp);
    CHECK_EQ_U64(run(args), 3); /* "empty" has nothing usable */
    o = slurp(out_path);
    const char *a = strstr(o, "code.bin"), *b = strstr(o, "dir/note.txt");
    const char *c = strstr(o, "vil.bin"), *d = strstr(o, "text.txt");
    CHECK(a && b && c && d && a < b && b < c && c < d);

    /* Output errors are reported once at the end (main.c checks stdout). */
    snprintf(args, sizeof(args), "info --raw --arch x64 '%s/code.bin' >/dev/full", tmp);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "'%s' %s 2>'%s'", KIN_CLI, args, err_path);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    CHECK_HAS(slurp(err_path), "kin: error writing output");
}

int main(void)
{
    test_pe_json();
    test_elf_json();
    test_pe_text();
    test_elf_text();
    test_rendered_corpus();

    snprintf(tmp, sizeof(tmp), "/tmp/kin-info-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(out_path, sizeof(out_path), "%s.out", tmp);
    snprintf(err_path, sizeof(err_path), "%s.err", tmp);
    test_cli();
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", tmp, out_path, err_path);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
