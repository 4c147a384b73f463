/*
 * test_ledger_watch.c: kin_ledger_watch() on the WannaCry-like directory of gen_blocks (mainnet,
 * pruned: its first block states height 467000): hundreds of payments to the three addresses over
 * three weeks (one more in a stale block, which must not count), sweeps in three batches, funds
 * followed through four hops (the fourth past --follow 3, one branch past the fan-out bound).
 * Every total, payment, spend, alert and flow must equal the generator's own bookkeeping, and
 * values must follow prices.csv. Also: address checks, price parsing, allocation failures.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ledger/ledger.h"

#define WC_DIR KIN_FIXTURE_DIR "/ledger/wannacry"

static const char *const wannacry[3] = {"13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
                                        "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw",
                                        "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn"};

static char *read_text(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        n = 0;
    }
    p[n] = 0;
    fclose(f);
    *size = (size_t)n;
    return p;
}

static double fabs_(double x)
{
    return x < 0 ? -x : x;
}

static const struct kin_ledger_address *report_of(const struct kin_watch *w, const char *addr)
{
    for (size_t i = 0; i < kin_watch_address_count(w); i++) {
        if (!strcmp(kin_watch_address(w, i)->address, addr)) {
            return kin_watch_address(w, i);
        }
    }
    return NULL;
}

/* Compares the watch with every line of expected.txt. */
static void check_expected(const struct kin_watch *w)
{
    size_t size;
    char *text = read_text(WC_DIR "/expected.txt", &size);
    CHECK(text != NULL);
    if (!text) {
        return;
    }
    size_t pay_seen[3] = {0, 0, 0}, spend_seen[3] = {0, 0, 0}, flows_seen = 0, addresses = 0;
    size_t flow_count, alert_count;
    const struct kin_ledger_flow *flows = kin_watch_flows(w, &flow_count);
    const struct kin_ledger_alert *alerts = kin_watch_alerts(w, &alert_count);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char addr[100], txid[65];
        unsigned long long recv, wd, amount, in_amount;
        size_t npay, nspend, vout, inputs;
        unsigned first, last, height, hop, trunc;
        double rv, wv;
        if (sscanf(line,
                   "address %99s received %llu withdrawn %llu payments %zu spends %zu first %u "
                   "last %u rv %lf wv %lf",
                   addr, &recv, &wd, &npay, &nspend, &first, &last, &rv, &wv) == 9) {
            const struct kin_ledger_address *a = report_of(w, addr);
            CHECK(a != NULL);
            if (!a) {
                continue;
            }
            addresses++;
            CHECK_EQ_U64(a->received, recv);
            CHECK_EQ_U64(a->withdrawn, wd);
            CHECK_EQ_U64(a->balance, recv - wd);
            CHECK_EQ_U64(a->payment_count, npay);
            CHECK_EQ_U64(a->spend_count, nspend);
            CHECK_EQ_U64(a->first_height, first);
            CHECK_EQ_U64(a->last_height, last);
            CHECK(fabs_(a->received_value - rv) < 0.011);
            CHECK(fabs_(a->withdrawn_value - wv) < 0.011);
            CHECK(npay > 90);
        } else if (sscanf(line, "payment %99s %64s %zu %u %llu", addr, txid, &vout, &height,
                          &amount) == 5) {
            const struct kin_ledger_address *a = report_of(w, addr);
            size_t ai = (size_t)(a - kin_watch_address(w, 0));
            CHECK(a && pay_seen[ai] < a->payment_count);
            if (a && pay_seen[ai] < a->payment_count) {
                const struct kin_ledger_payment *p = &a->payments[pay_seen[ai]++];
                CHECK_EQ_STR(p->tx.txid, txid);
                CHECK_EQ_U64(p->vout, vout);
                CHECK_EQ_U64(p->tx.height, height);
                CHECK_EQ_U64(p->amount, amount);
                CHECK(p->has_value);
                /* Every payment was swept: spent by one of the address's spends. */
                int by_spend = 0;
                for (size_t s = 0; s < a->spend_count; s++) {
                    by_spend |= !strcmp(a->spends[s].tx.txid, p->spent_by);
                }
                CHECK(p->spent && by_spend);
            }
        } else if (sscanf(line, "spend %99s %64s %u %llu %zu", addr, txid, &height, &amount,
                          &inputs) == 5) {
            const struct kin_ledger_address *a = report_of(w, addr);
            size_t ai = (size_t)(a - kin_watch_address(w, 0));
            CHECK(a && spend_seen[ai] < a->spend_count);
            if (a && spend_seen[ai] < a->spend_count) {
                const struct kin_ledger_spend *s = &a->spends[spend_seen[ai]++];
                CHECK_EQ_STR(s->tx.txid, txid);
                CHECK_EQ_U64(s->tx.height, height);
                CHECK_EQ_U64(s->amount, amount);
                CHECK_EQ_U64(s->inputs, inputs);
                CHECK(s->output_count >= 1 && s->fee > 0);
            }
        } else if (sscanf(line, "flow %u %64s %llu %u", &hop, txid, &in_amount, &trunc) == 4) {
            CHECK(flows_seen < flow_count);
            if (flows_seen < flow_count) {
                const struct kin_ledger_flow *f = &flows[flows_seen++];
                CHECK_EQ_U64(f->hop, hop);
                CHECK_EQ_STR(f->tx.txid, txid);
                CHECK_EQ_U64(f->amount_in, in_amount);
                CHECK_EQ_U64(f->truncated, trunc);
                size_t followed = 0;
                for (size_t o = 0; o < f->output_count; o++) {
                    followed += f->outputs[o].followed;
                }
                /* Hop 1 fans out to 12 outputs: the 8 largest are followed; hop 3 is last. */
                CHECK_EQ_U64(followed, hop == 1 ? 8 : hop == 3 ? 0 : f->output_count);
            }
        } else if (sscanf(line, "alerts %zu", &npay) == 1) {
            CHECK_EQ_U64(alert_count, npay);
        }
    }
    CHECK_EQ_U64(addresses, 3);
    CHECK_EQ_U64(flows_seen, 3);
    CHECK_EQ_U64(flow_count, 3);
    for (size_t i = 0; i < 3; i++) {
        CHECK_EQ_U64(pay_seen[i], kin_watch_address(w, i)->payment_count);
        CHECK_EQ_U64(spend_seen[i], kin_watch_address(w, i)->spend_count);
    }
    /* Alerts come in chain order and point at real spends. */
    for (size_t i = 0; i < alert_count; i++) {
        const struct kin_ledger_address *a = kin_watch_address(w, alerts[i].address);
        CHECK(alerts[i].spend < a->spend_count);
        if (i > 0) {
            const struct kin_ledger_address *p = kin_watch_address(w, alerts[i - 1].address);
            CHECK(p->spends[alerts[i - 1].spend].tx.height <= a->spends[alerts[i].spend].tx.height);
        }
    }
    free(text);
}

static void test_watch(void)
{
    struct kin_ledger *l = NULL;
    CHECK_OK(kin_ledger_open(WC_DIR "/blocks", NULL, &l));
    if (!l) {
        return;
    }
    struct kin_ledger_info info;
    kin_ledger_get_info(l, &info);
    CHECK_EQ_U64(info.network, KIN_BTC_MAINNET);
    CHECK_EQ_U64(info.first_height, 467000);
    CHECK_EQ_U64(info.stale_blocks, 1);

    size_t size, bad = 99;
    char *csv = read_text(WC_DIR "/prices.csv", &size);
    struct kin_prices *prices = NULL;
    CHECK(csv != NULL);
    CHECK_OK(kin_prices_parse(csv, size, &prices, &bad));
    free(csv);

    struct kin_watch_options o = {3, 8, prices};
    struct kin_watch *w = NULL;
    CHECK_OK(kin_ledger_watch(l, wannacry, 3, &o, &w, &bad));
    if (w) {
        struct kin_scan_stats st;
        kin_watch_stats(w, &st);
        CHECK_EQ_U64(st.blocks, info.chain_blocks);
        CHECK_EQ_U64(st.undo_missing, 0);
        CHECK_EQ_U64(kin_watch_truncated(w), 0);
        size_t n;
        kin_watch_anomalies(w, &n);
        CHECK_EQ_U64(n, 0);
        check_expected(w);
        kin_watch_free(w);
    }

    /* Without following, no flows; following one hop, only the first. */
    const char *dup[4] = {wannacry[0], wannacry[1], wannacry[0], wannacry[2]};
    struct kin_watch_options none = {0, 0, NULL}, one = {1, 8, NULL};
    CHECK_OK(kin_ledger_watch(l, dup, 4, &none, &w, NULL));
    if (w) {
        size_t n;
        CHECK_EQ_U64(kin_watch_address_count(w), 3);
        kin_watch_flows(w, &n);
        CHECK_EQ_U64(n, 0);
        CHECK(!kin_watch_address(w, 0)->payments[0].has_value);
        kin_watch_free(w);
    }
    CHECK_OK(kin_ledger_watch(l, wannacry, 3, &one, &w, NULL));
    if (w) {
        size_t n;
        const struct kin_ledger_flow *f = kin_watch_flows(w, &n);
        CHECK_EQ_U64(n, 1);
        CHECK(n == 1 && f[0].hop == 1);
        kin_watch_free(w);
    }
    /* A bad address is named; an unrelated one has no activity. */
    const char *bad_list[2] = {wannacry[0], "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95"};
    CHECK_EQ_U64(kin_ledger_watch(l, bad_list, 2, NULL, &w, &bad), KIN_INVALID);
    CHECK_EQ_U64(bad, 1);
    CHECK(w == NULL);
    const char *other[1] = {"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"};
    CHECK_OK(kin_ledger_watch(l, other, 1, NULL, &w, NULL));
    if (w) {
        CHECK_EQ_U64(kin_watch_address(w, 0)->payment_count, 0);
        CHECK_EQ_U64(kin_watch_address(w, 0)->first_height, 0);
        CHECK_EQ_STR(kin_watch_address(w, 0)->type, "p2wpkh");
        kin_watch_free(w);
    }
    kin_prices_free(prices);
    kin_ledger_close(l);
}

static void test_addresses(void)
{
    uint32_t net = 0;
    CHECK_OK(kin_btc_address_check("13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94", &net));
    CHECK_EQ_U64(net, KIN_BTC_MAINNET);
    CHECK_OK(kin_btc_address_check("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", &net));
    CHECK_EQ_U64(net, KIN_BTC_TESTNET3);
    CHECK_OK(kin_btc_address_check("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
                                   &net));
    CHECK_EQ_U64(net, KIN_BTC_MAINNET);
    CHECK_EQ_U64(kin_btc_address_check("13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95", NULL), KIN_INVALID);
    CHECK_EQ_U64(kin_btc_address_check("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", NULL),
                 KIN_INVALID);
    CHECK_EQ_U64(kin_btc_address_check(NULL, NULL), KIN_INVALID);
    CHECK_EQ_STR(kin_btc_network_name(KIN_BTC_SIGNET), "signet");
    CHECK_EQ_STR(kin_btc_network_name(77), "unknown");
}

static void test_prices(void)
{
    static const char csv[] = "Date,Price\r\n# comment\n\n\"2017-05-12\",\"1712.50\"\r\n"
                              "2017-05-10,1600,extra\n2017-05-20 , 1800.25\n";
    struct kin_prices *p = NULL;
    size_t bad = 0;
    double v = 0;
    CHECK_OK(kin_prices_parse(csv, sizeof(csv) - 1, &p, &bad));
    CHECK(kin_prices_at(p, 1494547200 + 3600, &v) && v == 1712.5); /* 2017-05-12 01:00 */
    CHECK(kin_prices_at(p, 1494547200 - 86400, &v) && v == 1600);  /* gap: the day before */
    CHECK(kin_prices_at(p, 1495238400, &v) && v == 1800.25);       /* 2017-05-20 */
    CHECK(kin_prices_at(p, 1495238400 + 7 * 86400, &v));           /* within a week */
    CHECK(!kin_prices_at(p, 1495238400 + 8 * 86400, &v));
    CHECK(!kin_prices_at(p, 1494288000 - 86400, &v)); /* before the first day */
    kin_prices_free(p);
    static const char broken[] = "date,price\n2017-05-12,1.0\n2017-02-30,5\n";
    CHECK_EQ_U64(kin_prices_parse(broken, sizeof(broken) - 1, &p, &bad), KIN_MALFORMED);
    CHECK_EQ_U64(bad, 3);
    CHECK(p == NULL);
}

/* Allocation failures: every failing allocation gives NOMEM (or success), never a crash. */
static size_t fail_at, alloc_count;

static void *fail_malloc(size_t n)
{
    return ++alloc_count == fail_at ? NULL : malloc(n);
}

static void *fail_realloc(void *p, size_t n)
{
    return ++alloc_count == fail_at ? NULL : realloc(p, n);
}

static void test_alloc_failures(void)
{
    size_t ok_runs = 0;
    for (fail_at = 1; fail_at < 400; fail_at++) {
        alloc_count = 0;
        CHECK_OK(kin_replace_allocator(fail_malloc, fail_realloc, free));
        struct kin_ledger *l = NULL;
        struct kin_watch *w = NULL;
        kin_status st = kin_ledger_open(KIN_FIXTURE_DIR "/ledger/basic/blocks", NULL, &l);
        if (st == KIN_OK) {
            const char *addr[1] = {wannacry[0]};
            struct kin_watch_options o = {2, 4, NULL};
            st = kin_ledger_watch(l, addr, 1, &o, &w, NULL);
            CHECK(st == KIN_OK || st == KIN_NOMEM);
            ok_runs += st == KIN_OK;
        } else {
            CHECK(st == KIN_NOMEM);
        }
        kin_watch_free(w);
        kin_ledger_close(l);
        CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
    }
    CHECK(ok_runs > 0);
}

int main(void)
{
    test_addresses();
    test_prices();
    test_watch();
    test_alloc_failures();
    CHECK_DONE();
}
