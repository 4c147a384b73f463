/*
 * test_iocs_fixture.c: indicators in the fixture programs built from tests/fixtures/
 * iocs_fixture.c by gcc (ELF) and mingw-w64 (PE). WannaCry's three Bitcoin addresses, the onion
 * v3 name and the URL are found in ASCII and in UTF-16LE, validated, placed in the data section;
 * the copies with one character changed are not reported (and are, as checksum-failed, with
 * include_rejected). Also runs `kin iocs --json` on them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/core.h"

static const char *const wanted[] = {
    "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
    "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw",
    "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn",
    "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion",
    "http://c2.example.net:8443/gate.php?id=1",
};
static const uint32_t wanted_type[] = {KIN_IOC_BTC, KIN_IOC_BTC, KIN_IOC_BTC, KIN_IOC_ONION,
                                       KIN_IOC_URL};

static const char *const changed[] = {
    "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95",
    "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMx",
    "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLm",
    "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryc.onion",
};

static const struct kin_ioc *
find(const struct kin_iocs *r, uint32_t type, const char *value, uint32_t encoding)
{
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        if (c->type == type && c->encoding == encoding && !strcmp(c->value, value)) {
            return c;
        }
    }
    return NULL;
}

static void check_fixture(const char *name, const char *data_section)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/iocs/%s", KIN_FIXTURE_DIR, name);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "fixture %s missing\n", path);
        check_failures++;
        return;
    }
    struct kin_sample *s = NULL;
    CHECK_OK(kin_sample_open(path, NULL, &s));
    if (!s) {
        return;
    }
    struct kin_iocs *r = NULL;
    CHECK_OK(kin_iocs_extract(s, NULL, &r));
    for (size_t i = 0; i < KIN_ARRAY_COUNT(wanted); i++) {
        for (uint32_t enc = KIN_ENC_ASCII; enc <= KIN_ENC_UTF16LE; enc++) {
            const struct kin_ioc *c = find(r, wanted_type[i], wanted[i], enc);
            if (!c) {
                fprintf(stderr, "%s: %s (%s) not found\n", name, wanted[i],
                        kin_ioc_encoding_name(enc));
                check_failures++;
                continue;
            }
            CHECK_EQ_U64(c->validity, KIN_IOC_VALID);
            CHECK_EQ_STR(c->section, data_section);
            CHECK_EQ_U64(c->size, strlen(wanted[i]) * (enc == KIN_ENC_UTF16LE ? 2 : 1));
            /* The offset points at the bytes. */
            size_t size;
            const uint8_t *bytes = kin_sample_data(s, &size);
            CHECK(c->offset + c->size <= size);
            if (c->offset + c->size <= size) {
                CHECK_EQ_U64(bytes[c->offset], (uint8_t)wanted[i][0]);
                CHECK_EQ_U64(bytes[c->offset + 1], enc == KIN_ENC_UTF16LE ? 0 : wanted[i][1]);
            }
        }
    }
    CHECK(find(r, KIN_IOC_DOMAIN, "c2.example.net", KIN_ENC_ASCII) != NULL);
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        for (size_t k = 0; k < KIN_ARRAY_COUNT(changed); k++) {
            if (!strcmp(c->value, changed[k])) {
                fprintf(stderr, "%s: changed copy %s reported\n", name, changed[k]);
                check_failures++;
            }
        }
        /* Nothing from the version-number and file-name decoys. */
        CHECK(strcmp(c->value, "1.2.3.4") != 0);
        CHECK(strcmp(c->value, "version.dll") != 0);
    }
    kin_iocs_free(r);

    /* With include_rejected the changed copies are there, as checksum failures. */
    struct kin_ioc_options all = {0, 0, 1};
    CHECK_OK(kin_iocs_extract(s, &all, &r));
    for (size_t k = 0; k < KIN_ARRAY_COUNT(changed); k++) {
        const struct kin_ioc *c =
            find(r, k < 3 ? KIN_IOC_BTC : KIN_IOC_ONION, changed[k], KIN_ENC_ASCII);
        CHECK(c != NULL);
        if (c) {
            CHECK_EQ_U64(c->validity, KIN_IOC_CHECKSUM_FAILED);
        }
    }
    const struct kin_ioc *w = find(r, KIN_IOC_BTC, changed[0], KIN_ENC_UTF16LE);
    CHECK(w != NULL && w->validity == KIN_IOC_CHECKSUM_FAILED);
    kin_iocs_free(r);
    kin_sample_free(s);
}

/* `kin iocs --json --type btc` prints one object per address occurrence, all valid. */
static void check_cli(const char *name)
{
    char cmd[2048], line[4096];
    snprintf(cmd, sizeof(cmd), "'%s' iocs --json --type btc,onion '%s/iocs/%s'", KIN_CLI,
             KIN_FIXTURE_DIR, name);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    int lines = 0, wide = 0, bad = 0;
    while (fgets(line, sizeof(line), p)) {
        lines++;
        wide += strstr(line, "\"encoding\":\"utf16le\"") != NULL;
        bad += strstr(line, "\"valid\":true") == NULL || strstr(line, "\"file\":") != line + 1 ||
               strstr(line, "\"section\":") == NULL || strstr(line, "\"offset\":") == NULL;
    }
    CHECK_EQ_U64(pclose(p), 0);
    CHECK_EQ_U64(lines, 9); /* 3 addresses and the onion in two encodings, the bech32 one */
    CHECK_EQ_U64(wide, 4);
    CHECK_EQ_U64(bad, 0);
}

int main(void)
{
    check_fixture("iocs_elf", ".rodata");
    check_fixture("iocs_pe.exe", ".rdata");
    check_cli("iocs_elf");
    check_cli("iocs_pe.exe");
    CHECK_DONE();
}
