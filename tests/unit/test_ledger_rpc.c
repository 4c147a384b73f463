/*
 * test_ledger_rpc.c: the JSON-RPC back end (rpc.c) against a tiny loopback server in a thread,
 * which speaks bitcoind's JSON-RPC over HTTP/1.1 (Basic authentication with a cookie, JSON
 * errors, a chunked answer for getblock verbosity 3) and serves the WannaCry-like directory of
 * gen_blocks: raw blocks, and previous outputs built from the undo records. A watch and a cluster
 * over RPC must equal the same over the files; wrong credentials, a closed port and a range past
 * the tip must fail or come back empty as documented.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "ledger/ledger.h"

#define WC_DIR     KIN_FIXTURE_DIR "/ledger/wannacry"
#define COOKIE     "__cookie__:s3cret"
#define COOKIE_B64 "X19jb29raWVfXzpzM2NyZXQ="

static const char *const wannacry[3] = {"13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
                                        "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw",
                                        "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn"};

struct server {
    int fd;
    uint16_t port;
    struct kin_ledger *l; /* the files it serves */
    int stop;
    unsigned calls;
};

struct out {
    char *p;
    size_t n, cap;
};

static void add(struct out *o, const char *s, size_t n)
{
    if (o->n + n + 1 > o->cap) {
        o->cap = (o->n + n + 1) * 2;
        o->p = realloc(o->p, o->cap);
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static void addf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    add(o, buf, (size_t)n);
}

static void add_hex(struct out *o, const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char two[2] = {d[p[i] >> 4], d[p[i] & 15]};
        add(o, two, 2);
    }
}

/* The chain block with this display hash, or NULL. */
static const struct ledger_block *find(struct kin_ledger *l, const char *hex)
{
    uint8_t h[HASH_SIZE];
    if (!kin__hash_parse(hex, h)) {
        return NULL;
    }
    uint32_t i = kin__chain_find(&l->chain, h);
    return i == BLOCK_NONE ? NULL : &l->chain.v[i];
}

/* getblock verbosity 3, reduced to what kin reads: tx[].vin[].prevout. */
static void verbose_block(struct kin_ledger *l, const struct ledger_block *b, struct out *o)
{
    struct span blk, undo;
    struct tx_scratch sc;
    memset(&sc, 0, sizeof(sc));
    CHECK_OK(kin__ledger_bytes(l, &l->files.blk[b->file], b->offset, b->size, &l->buf, &l->buf_cap,
                               &blk));
    CHECK_OK(kin__ledger_bytes(l, &l->files.rev[b->undo_file], b->undo_offset, b->undo_size,
                               &l->ubuf, &l->ubuf_cap, &undo));
    uint64_t off = HEADER_SIZE, uoff = 0, txs, n;
    CHECK(kin__compact_size(blk, &off, &txs) && kin__compact_size(undo, &uoff, &n));
    add(o, "{\"hash\":\"x\",\"tx\":[", 18);
    for (uint64_t t = 0; t < txs; t++) {
        struct tx tx;
        const char *why;
        CHECK_OK(kin__tx_parse(blk, &off, &sc, &tx, &why));
        addf(o, "%s{\"txid\":\"...\",\"vin\":[", t ? "," : "");
        if (t == 0) {
            add(o, "{\"coinbase\":\"03\",\"sequence\":1}", 30);
        } else {
            CHECK(kin__compact_size(undo, &uoff, &n) && n == tx.in_count);
            for (uint64_t i = 0; i < n; i++) {
                struct undo_coin c;
                uint8_t script[MAX_SCRIPT_SIZE];
                CHECK(kin__undo_coin(undo, &uoff, &c, &why));
                size_t len = kin__undo_coin_script(&c, NULL, script);
                addf(o,
                     "%s{\"txid\":\"ab\",\"vout\":0,\"prevout\":{\"generated\":%s,\"height\":%u,"
                     "\"value\":%llu.%08llu,\"scriptPubKey\":{\"asm\":\"\\\"x\\\"\",\"hex\":\"",
                     i ? "," : "", c.coinbase ? "true" : "false", c.height,
                     (unsigned long long)(c.value / 100000000),
                     (unsigned long long)(c.value % 100000000));
                add_hex(o, script, len);
                add(o, "\",\"type\":\"x\"}}}", 15);
            }
        }
        add(o, "],\"vout\":[]}", 12);
    }
    add(o, "]}", 2);
    kin__tx_scratch_release(&sc);
}

/* Builds the result (or error) of one call. Returns the HTTP status. */
static int answer(struct server *s, const char *body, struct out *res)
{
    const char *m = strstr(body, "\"method\":\""), *p = strstr(body, "\"params\":");
    char method[64] = "", a1[80] = "";
    unsigned long long num = 0;
    if (m) {
        sscanf(m + 10, "%63[^\"]", method);
    }
    if (p) {
        if (sscanf(p + 9, "[\"%79[^\"]\",%llu]", a1, &num) < 1) {
            sscanf(p + 9, "[%llu]", &num);
        }
    }
    struct kin_ledger_info info;
    kin_ledger_get_info(s->l, &info);
    if (!strcmp(method, "getblockchaininfo")) {
        addf(res, "{\"chain\":\"main\",\"headers\":%llu,\"blocks\":%llu,\"bestblockhash\":\"%s\"}",
             (unsigned long long)info.tip_height, (unsigned long long)info.tip_height,
             info.tip_hash);
        return 200;
    }
    if (!strcmp(method, "getblockhash")) {
        if (num < info.first_height || num > info.tip_height) {
            return -8;
        }
        char hex[65];
        kin__hash_hex(s->l->chain.v[s->l->chain.main[num - info.first_height]].hash, hex);
        addf(res, "\"%s\"", hex);
        return 200;
    }
    if (!strcmp(method, "getblock")) {
        const struct ledger_block *b = find(s->l, a1);
        if (!b) {
            return -5;
        }
        if (num == 0) {
            struct span blk;
            CHECK_OK(kin__ledger_bytes(s->l, &s->l->files.blk[b->file], b->offset, b->size,
                                       &s->l->buf, &s->l->buf_cap, &blk));
            add(res, "\"", 1);
            add_hex(res, blk.p, blk.n);
            add(res, "\"", 1);
        } else {
            verbose_block(s->l, b, res);
        }
        return 200;
    }
    return -32601;
}

static void send_str(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) {
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

static void serve_one(struct server *s, int fd)
{
    char req[8192];
    size_t n = 0;
    char *end = NULL;
    for (;;) {
        ssize_t k = recv(fd, req + n, sizeof(req) - 1 - n, 0);
        if (k <= 0) {
            return;
        }
        n += (size_t)k;
        req[n] = 0;
        end = strstr(req, "\r\n\r\n");
        if (end) {
            const char *cl = strstr(req, "Content-Length: ");
            size_t want = cl ? strtoul(cl + 16, NULL, 10) : 0;
            if (strlen(end + 4) >= want) {
                break;
            }
        }
        if (n >= sizeof(req) - 1) {
            return;
        }
    }
    s->calls++;
    if (!strstr(req, "Authorization: Basic " COOKIE_B64 "\r\n")) {
        static const char no[] = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
        send_str(fd, no, sizeof(no) - 1);
        return;
    }
    struct out res = {0}, msg = {0};
    int status = answer(s, end + 4, &res);
    int verbose = strstr(end + 4, ",3]") != NULL;
    if (status == 200) {
        add(&msg, "{\"result\":", 10);
        add(&msg, res.p, res.n);
        add(&msg, ",\"error\":null,\"id\":\"kin\"}\n", 26);
    } else {
        addf(&msg, "{\"result\":null,\"error\":{\"code\":%d,\"message\":\"no\"},\"id\":\"kin\"}\n",
             status);
    }
    char head[256];
    if (verbose) {
        /* Chunked, in pieces of at most 1000 bytes. */
        int h = snprintf(head, sizeof(head),
                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n");
        send_str(fd, head, (size_t)h);
        for (size_t at = 0; at < msg.n; at += 1000) {
            size_t k = msg.n - at < 1000 ? msg.n - at : 1000;
            h = snprintf(head, sizeof(head), "%zx\r\n", k);
            send_str(fd, head, (size_t)h);
            send_str(fd, msg.p + at, k);
            send_str(fd, "\r\n", 2);
        }
        send_str(fd, "0\r\n\r\n", 5);
    } else {
        int h = snprintf(head, sizeof(head),
                         "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                         "\r\n",
                         status == 200 ? "200 OK" : "500 Internal Server Error", msg.n);
        send_str(fd, head, (size_t)h);
        send_str(fd, msg.p, msg.n);
    }
    free(res.p);
    free(msg.p);
}

static void *serve(void *arg)
{
    struct server *s = arg;
    while (!s->stop) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0) {
            break;
        }
        if (!s->stop) {
            serve_one(s, fd);
        }
        close(fd);
    }
    return NULL;
}

static int start(struct server *s)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->fd, 16) ||
        getsockname(s->fd, (struct sockaddr *)&a, &len) != 0) {
        return -1;
    }
    s->port = ntohs(a.sin_port);
    return 0;
}

static void compare_watch(struct kin_watch *a, struct kin_watch *b)
{
    CHECK_EQ_U64(kin_watch_address_count(a), kin_watch_address_count(b));
    for (size_t i = 0; i < kin_watch_address_count(a) && i < kin_watch_address_count(b); i++) {
        const struct kin_ledger_address *x = kin_watch_address(a, i), *y = kin_watch_address(b, i);
        CHECK_EQ_U64(x->received, y->received);
        CHECK_EQ_U64(x->withdrawn, y->withdrawn);
        CHECK_EQ_U64(x->payment_count, y->payment_count);
        CHECK_EQ_U64(x->spend_count, y->spend_count);
        for (size_t k = 0; k < x->spend_count && k < y->spend_count; k++) {
            CHECK_EQ_STR(x->spends[k].tx.txid, y->spends[k].tx.txid);
            CHECK_EQ_STR(x->spends[k].tx.block, y->spends[k].tx.block);
            CHECK_EQ_U64(x->spends[k].fee, y->spends[k].fee);
        }
    }
    size_t fa, fb;
    const struct kin_ledger_flow *p = kin_watch_flows(a, &fa), *q = kin_watch_flows(b, &fb);
    CHECK_EQ_U64(fa, fb);
    for (size_t i = 0; i < fa && i < fb; i++) {
        CHECK_EQ_STR(p[i].tx.txid, q[i].tx.txid);
        CHECK_EQ_U64(p[i].amount_in, q[i].amount_in);
    }
}

int main(void)
{
    struct server s;
    memset(&s, 0, sizeof(s));
    CHECK_OK(kin_ledger_open(WC_DIR "/blocks", NULL, &s.l));
    CHECK(s.l && start(&s) == 0);
    if (!s.l || s.port == 0) {
        CHECK_DONE();
    }
    pthread_t th;
    CHECK(pthread_create(&th, NULL, serve, &s) == 0);
    char cookie[] = "/tmp/kin_rpc_cookie_XXXXXX";
    int cfd = mkstemp(cookie);
    CHECK(cfd >= 0 && write(cfd, COOKIE "\n", sizeof(COOKIE)) == (ssize_t)sizeof(COOKIE));
    close(cfd);

    struct kin_ledger_info fi;
    kin_ledger_get_info(s.l, &fi);
    struct kin_rpc_options o = {"127.0.0.1", s.port, cookie, NULL, NULL, 5000, fi.first_height, 0};
    struct kin_ledger *r = NULL;
    CHECK_OK(kin_ledger_open_rpc(&o, &r));
    if (r) {
        struct kin_ledger_info ri;
        kin_ledger_get_info(r, &ri);
        CHECK_EQ_U64(ri.network, KIN_BTC_MAINNET);
        CHECK_EQ_U64(ri.chain_blocks, fi.chain_blocks);
        CHECK_EQ_STR(ri.tip_hash, fi.tip_hash);

        struct kin_watch_options wo = {3, 8, NULL};
        struct kin_watch *wf = NULL, *wr = NULL;
        CHECK_OK(kin_ledger_watch(s.l, wannacry, 3, &wo, &wf, NULL));
        CHECK_OK(kin_ledger_watch(r, wannacry, 3, &wo, &wr, NULL));
        if (wf && wr) {
            struct kin_scan_stats st;
            size_t n;
            kin_watch_stats(wr, &st);
            CHECK_EQ_U64(st.blocks, fi.chain_blocks);
            CHECK_EQ_U64(st.undo_missing, 0);
            kin_watch_anomalies(wr, &n);
            CHECK_EQ_U64(n, 0);
            CHECK(kin_watch_address(wr, 0)->payment_count > 100);
            compare_watch(wf, wr);
        }
        kin_watch_free(wf);
        kin_watch_free(wr);
        kin_ledger_close(r);
    }
    CHECK(s.calls > 3 * fi.chain_blocks);

    /* The CLI over the same server. */
    char cmd[1024], outp[] = "/tmp/kin_rpc_cli_XXXXXX";
    int ofd = mkstemp(outp);
    close(ofd);
    snprintf(cmd, sizeof(cmd),
             "%s ledger watch %s --rpc 127.0.0.1:%u --rpc-cookie %s --from-height %llu --json "
             "> %s 2>&1",
             KIN_CLI, wannacry[2], s.port, cookie, (unsigned long long)fi.first_height, outp);
    CHECK_EQ_U64(system(cmd), 0);
    FILE *cf = fopen(outp, "r");
    char line[256], all_text[65536] = "";
    while (cf && fgets(line, sizeof(line), cf) && strlen(all_text) + strlen(line) < 65000) {
        strcat(all_text, line);
    }
    if (cf) {
        fclose(cf);
    }
    CHECK(strstr(all_text, "\"payment_count\":106") != NULL);
    /* --live: the first round reports everything, later rounds (no new block) nothing. */
    snprintf(cmd, sizeof(cmd),
             "timeout 3 %s ledger watch %s --rpc 127.0.0.1:%u --rpc-cookie %s --from-height %llu "
             "--live 1 --json > %s 2>&1",
             KIN_CLI, wannacry[2], s.port, cookie, (unsigned long long)fi.first_height, outp);
    int live = system(cmd);
    CHECK(WIFEXITED(live) && WEXITSTATUS(live) == 124); /* still polling when stopped */
    cf = fopen(outp, "r");
    size_t rounds = 0;
    while (cf && fgets(line, sizeof(line), cf)) {
        rounds += strstr(line, "\"type\":\"chain\"") != NULL;
    }
    if (cf) {
        fclose(cf);
    }
    CHECK_EQ_U64(rounds, 1);
    unlink(outp);

    /* Only new blocks: a range past the tip is empty, not an error. */
    struct kin_rpc_options later = o;
    later.from_height = fi.tip_height + 1;
    r = NULL;
    CHECK_OK(kin_ledger_open_rpc(&later, &r));
    if (r) {
        struct kin_ledger_info ri;
        kin_ledger_get_info(r, &ri);
        CHECK_EQ_U64(ri.chain_blocks, 0);
        struct kin_watch *w = NULL;
        CHECK_OK(kin_ledger_watch(r, wannacry, 1, NULL, &w, NULL));
        CHECK(w && kin_watch_address(w, 0)->payment_count == 0);
        kin_watch_free(w);
        kin_ledger_close(r);
    }
    /* A range that starts before what the node has: the scan reports the node's error. */
    struct kin_rpc_options early = o;
    early.from_height = fi.first_height - 1;
    early.to_height = fi.first_height + 1;
    r = NULL;
    CHECK_OK(kin_ledger_open_rpc(&early, &r));
    if (r) {
        struct kin_watch *w = NULL;
        CHECK_EQ_U64(kin_ledger_watch(r, wannacry, 1, NULL, &w, NULL), KIN_IO);
        CHECK(w == NULL);
        kin_ledger_close(r);
    }
    /* Wrong credentials; a port nobody listens on. */
    struct kin_rpc_options bad = o;
    bad.cookie_file = NULL;
    bad.user = "__cookie__";
    bad.password = "wrong";
    r = NULL;
    CHECK_EQ_U64(kin_ledger_open_rpc(&bad, &r), KIN_INVALID);
    if (r) {
        size_t n;
        const struct kin_anomaly *an = kin_ledger_anomalies(r, &n, NULL);
        CHECK(n == 1 && strstr(an[0].message, "credentials"));
        kin_ledger_close(r);
    }
    bad = o;
    bad.port = 1;
    r = NULL;
    CHECK_EQ_U64(kin_ledger_open_rpc(&bad, &r), KIN_IO);
    kin_ledger_close(r);
    struct kin_rpc_options none = {0};
    CHECK_EQ_U64(kin_ledger_open_rpc(&none, &r), KIN_INVALID);

    /* Stop the server: a last connection wakes accept(). */
    s.stop = 1;
    int wake = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(s.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)connect(wake, (struct sockaddr *)&a, sizeof(a));
    close(wake);
    pthread_join(th, NULL);
    close(s.fd);
    unlink(cookie);
    kin_ledger_close(s.l);
    CHECK_DONE();
}
