/*
 * test_ledger_cluster.c: kin_ledger_cluster() on the WannaCry-like directory of gen_blocks. The
 * first address is spent together with the second (batch 2), the second with N2 (batch 3), and
 * N2 with N1 long before (a link older than N2's membership, which union-find keeps): a cluster
 * of four, each member justified by the generator's transaction, plus one change output as a
 * soft link. The third address only ever joined a CoinJoin-like transaction: a cluster of one.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ledger/ledger.h"

#define WC_DIR KIN_FIXTURE_DIR "/ledger/wannacry"

static int has_link(const struct kin_cluster *c, uint32_t kind, const char *addr, const char *txid)
{
    size_t n;
    const struct kin_cluster_link *l = kin_cluster_links(c, &n);
    for (size_t i = 0; i < n; i++) {
        if (l[i].kind == kind && (!strcmp(l[i].to, addr) || !strcmp(l[i].from, addr)) &&
            !strcmp(l[i].tx.txid, txid)) {
            return 1;
        }
    }
    return 0;
}

static int has_member(const struct kin_cluster *c, const char *addr)
{
    size_t n;
    const char *const *a = kin_cluster_addresses(c, &n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(a[i], addr)) {
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    struct kin_ledger *l = NULL;
    CHECK_OK(kin_ledger_open(WC_DIR "/blocks", NULL, &l));
    FILE *f = fopen(WC_DIR "/expected.txt", "r");
    CHECK(f && l);
    if (!f || !l) {
        CHECK_DONE();
    }
    char line[512], addr[100], other[100], txid[65];
    size_t size, coinjoins, members = 0, softs = 0, sizes = 0;
    struct kin_cluster *cur = NULL;
    char cur_addr[100] = "";
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "cluster ", 8) != 0 || sscanf(line + 8, "%99s", addr) != 1) {
            continue;
        }
        if (strcmp(addr, cur_addr) != 0) {
            kin_cluster_free(cur);
            cur = NULL;
            CHECK_OK(kin_ledger_cluster(l, addr, NULL, &cur));
            strcpy(cur_addr, addr);
            if (!cur) {
                break;
            }
            size_t n;
            int converged = 0;
            CHECK_EQ_STR(kin_cluster_addresses(cur, &n)[0], addr);
            CHECK(kin_cluster_passes(cur, &converged) >= 2 && converged);
        }
        if (sscanf(line + 8, "%*s member %99s %64s", other, txid) == 2) {
            CHECK(has_member(cur, other));
            CHECK(has_link(cur, KIN_LINK_INPUTS, other, txid));
            members++;
        } else if (sscanf(line + 8, "%*s soft %99s %64s", other, txid) == 2) {
            CHECK(!has_member(cur, other));
            CHECK(has_link(cur, KIN_LINK_CHANGE, other, txid));
            softs++;
        } else if (sscanf(line + 8, "%*s size %zu coinjoins %zu", &size, &coinjoins) == 2) {
            size_t n, nl, soft = 0;
            kin_cluster_addresses(cur, &n);
            const struct kin_cluster_link *lk = kin_cluster_links(cur, &nl);
            for (size_t i = 0; i < nl; i++) {
                soft += lk[i].kind == KIN_LINK_CHANGE;
                CHECK(lk[i].score > 0 && lk[i].score <= 1 && lk[i].reason[0]);
            }
            CHECK_EQ_U64(n, size);
            CHECK_EQ_U64(nl - soft, size - 1); /* one justified link per joined address */
            CHECK_EQ_U64(kin_cluster_coinjoins(cur), coinjoins);
            sizes++;
        }
    }
    fclose(f);
    kin_cluster_free(cur);
    CHECK_EQ_U64(members, 3);
    CHECK_EQ_U64(softs, 1);
    CHECK_EQ_U64(sizes, 2);
    struct kin_cluster *c = NULL;
    CHECK_EQ_U64(kin_ledger_cluster(l, "not-an-address", NULL, &c), KIN_INVALID);
    CHECK(c == NULL);
    kin_ledger_close(l);
    CHECK_DONE();
}
