/*
 * rpc.c: blocks from a running Bitcoin Core node's JSON-RPC interface (issue #6 item 5), for
 * following new blocks without waiting for them to reach files kin can read. A small HTTP/1.1
 * client (one POST per call, Connection: close, Basic authentication with the node's .cookie or
 * a user and password) over TCP, normally to the loopback address. Per block, getblock with
 * verbosity 0 gives the raw bytes, decoded by tx.c like a blk record, and verbosity 3 gives each
 * input's previous output (value, script), which stands in for the undo record:
 *
 *   getblockchaininfo -> {"chain": "main"|"test"|"testnet4"|"signet"|"regtest", "blocks": N}
 *   getblockhash H -> "hash";  getblockheader "hash" -> {"time": T, ...}
 *   getblock "hash" 0 -> "hex";  getblock "hash" 3 -> {"tx": [{"vin": [{"prevout":
 *       {"generated": b, "height": h, "value": x.xxxxxxxx, "scriptPubKey": {"hex": "..."}}}]}]}
 *
 * Answers are untrusted bytes like any file: read through span.h, bounded by
 * KIN_MAX_LEDGER_RPC_SIZE, a syntax error is an anomaly or KIN_MALFORMED.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../core/limits.h"
#include "ledger.h"

#define RPC_DEFAULT_TIMEOUT_MS 30000u
#define RPC_MAX_AUTH           512u

struct ledger_rpc {
    char host[256];
    char port[8];
    char auth[RPC_MAX_AUTH * 4 / 3 + 8]; /* base64 of user:password */
    uint32_t timeout_ms;
    uint8_t *resp;
    size_t resp_cap, resp_len;
    uint64_t from, to;
    char err[200]; /* why the last call failed */
};

void kin__rpc_free(struct ledger_rpc *r)
{
    if (r) {
        kin__free(r->resp);
        kin__free(r);
    }
}

void kin__rpc_range(const struct ledger_rpc *r, uint64_t *from, uint64_t *to)
{
    *from = r->from;
    *to = r->to;
}

static void base64(const uint8_t *p, size_t n, char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[k++] = b64[v >> 18];
        out[k++] = b64[(v >> 12) & 63];
        out[k++] = b64[(v >> 6) & 63];
        out[k++] = b64[v & 63];
        /* Padding: the sextets of missing input bytes become '='. */
        if (i + 1 >= n) {
            out[k - 2] = '=';
        }
        if (i + 2 >= n) {
            out[k - 1] = '=';
        }
    }
    out[k] = '\0';
}

/* Sets why the last call failed; a message longer than r->err is cut. */
static void set_err(struct ledger_rpc *r, const char *fmt, ...) KIN_PRINTF(2, 3);
static void set_err(struct ledger_rpc *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
}

static int connect_to(struct ledger_rpc *r)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(r->host, r->port, &hints, &res) != 0) {
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        struct timeval tv = {(time_t)(r->timeout_ms / 1000),
                             (suseconds_t)(r->timeout_ms % 1000) * 1000};
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) {
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads the whole answer (the node closes the connection) into r->resp. */
static kin_status recv_all(struct ledger_rpc *r, int fd)
{
    r->resp_len = 0;
    for (;;) {
        if (r->resp_len == r->resp_cap) {
            if (r->resp_cap >= KIN_MAX_LEDGER_RPC_SIZE) {
                set_err(r, "answer larger than %u bytes", KIN_MAX_LEDGER_RPC_SIZE);
                return KIN_LIMIT;
            }
            size_t ncap = r->resp_cap ? r->resp_cap * 2 : 65536;
            uint8_t *nb = kin__realloc(r->resp, ncap);
            if (!nb) {
                return KIN_NOMEM;
            }
            r->resp = nb;
            r->resp_cap = ncap;
        }
        ssize_t k = recv(fd, r->resp + r->resp_len, r->resp_cap - r->resp_len, 0);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            set_err(r, "receive: %s", strerror(errno));
            return KIN_IO;
        }
        if (k == 0) {
            return KIN_OK;
        }
        r->resp_len += (size_t)k;
    }
}

/* Finds "\r\n\r\n"; the body follows. Decodes a chunked body in place. */
static kin_status http_body(struct ledger_rpc *r, struct span *body, int *status)
{
    struct span all = kin__span(r->resp, r->resp_len);
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 4 <= all.n && !end; i++) {
        if (!memcmp(all.p + i, "\r\n\r\n", 4)) {
            end = all.p + i;
        }
    }
    int code = 0;
    for (size_t i = 9; end && i < 12 && i < all.n; i++) {
        code = all.p[i] >= '0' && all.p[i] <= '9' && code >= 0 ? code * 10 + (all.p[i] - '0') : -1;
    }
    if (!end || all.n < 12 || memcmp(all.p, "HTTP/1.", 7) != 0 || code < 100) {
        set_err(r, "not an HTTP answer");
        return KIN_MALFORMED;
    }
    *status = code;
    size_t head = (size_t)(end - all.p) + 4;
    int chunked = 0;
    for (size_t i = 0; i + 26 < head; i++) {
        if (!strncasecmp((const char *)all.p + i, "\ntransfer-encoding: chunked", 27)) {
            chunked = 1;
        }
    }
    (void)kin__span_tail(all, head, body);
    if (!chunked) {
        return KIN_OK;
    }
    /* size-in-hex CRLF data CRLF ... 0 CRLF CRLF, compacted to the front of the body. */
    uint8_t *w = (uint8_t *)body->p;
    uint64_t pos = 0;
    for (;;) {
        uint64_t size = 0;
        uint8_t c;
        int digits = 0;
        while (kin__span_u8(*body, pos, &c) && digits < 16) {
            int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (v < 0) {
                break;
            }
            size = size << 4 | (uint64_t)v;
            pos++;
            digits++;
        }
        while (kin__span_u8(*body, pos, &c) && c != '\n') {
            pos++;
        }
        pos++;
        struct span chunk;
        if (!digits || !kin__span_sub(*body, pos, size, &chunk)) {
            set_err(r, "bad chunked encoding");
            return KIN_MALFORMED;
        }
        if (size == 0) {
            break;
        }
        memmove(w, chunk.p, chunk.n);
        w += chunk.n;
        pos += size + 2;
    }
    body->n = (size_t)(w - body->p);
    return KIN_OK;
}

static kin_status parse_answer(struct ledger_rpc *r, const char *method, struct span *result);

kin_status
kin__rpc_call(struct ledger_rpc *r, const char *method, const char *params, struct span *result)
{
    char head[1024], body[512];
    int n = snprintf(body, sizeof(body),
                     "{\"jsonrpc\":\"1.0\",\"id\":\"kin\",\"method\":\"%s\","
                     "\"params\":%s}",
                     method, params);
    if (n < 0 || (size_t)n >= sizeof(body)) {
        return KIN_INVALID;
    }
    int h = snprintf(head, sizeof(head),
                     "POST / HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Basic %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\n",
                     r->host, r->port, r->auth, n);
    if (h < 0 || (size_t)h >= sizeof(head)) {
        return KIN_INVALID;
    }
    int fd = connect_to(r);
    if (fd < 0) {
        set_err(r, "cannot connect to %.120s:%s", r->host, r->port);
        return KIN_IO;
    }
    kin_status st = KIN_OK;
    if (send_all(fd, head, (size_t)h) != 0 || send_all(fd, body, (size_t)n) != 0) {
        set_err(r, "send: %s", strerror(errno));
        st = KIN_IO;
    }
    if (st == KIN_OK) {
        st = recv_all(r, fd);
    }
    close(fd);
    KIN_TRY(st);
    return parse_answer(r, method, result);
}

/* The "result" of the HTTP answer in r->resp (chunked bodies are decoded in place). */
static kin_status parse_answer(struct ledger_rpc *r, const char *method, struct span *result)
{
    struct span b;
    int status = 0;
    KIN_TRY(http_body(r, &b, &status));
    if (status == 401 || status == 403) {
        set_err(r, "the node refused the credentials (HTTP %d)", status);
        return KIN_INVALID;
    }
    /* {"result": ..., "error": null | {"code": n, "message": "..."}, "id": ...} */
    struct jreader jr = {b, 0, 0};
    struct span key, res = {NULL, 0}, err = {NULL, 0};
    int first, have_result = 0;
    if (!kin__json_begin(&jr, '{', &first)) {
        set_err(r, "HTTP %d without a JSON-RPC answer", status);
        return KIN_MALFORMED;
    }
    while (kin__json_next(&jr, '}', &first, &key)) {
        uint64_t at = jr.pos;
        if (!kin__json_skip(&jr)) {
            jr.bad = 1;
            break;
        }
        struct span v = {NULL, 0};
        (void)kin__span_sub(b, at, jr.pos - at, &v);
        if (kin__json_key_is(key, "result")) {
            res = v;
            have_result = 1;
        } else if (kin__json_key_is(key, "error")) {
            err = v;
        }
    }
    if (jr.bad || !have_result) {
        set_err(r, "malformed JSON-RPC answer (HTTP %d)", status);
        return KIN_MALFORMED;
    }
    struct jreader er = {err, 0, 0};
    if (err.n && kin__json_peek(&er) == '{') {
        set_err(r, "%s: %.*s", method, (int)(err.n < 150 ? err.n : 150), (const char *)err.p);
        return KIN_NOTFOUND;
    }
    *result = res;
    return KIN_OK;
}

/* ---- Opening ---- */

static kin_status read_cookie(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return KIN_IO;
    }
    size_t n = fread(out, 1, cap - 1, f);
    (void)fclose(f); /* read-only: nothing to flush */
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    return strchr(out, ':') ? KIN_OK : KIN_MALFORMED;
}

static const struct {
    const char *chain;
    uint32_t network;
} chains[] = {{"main", KIN_BTC_MAINNET},
              {"test", KIN_BTC_TESTNET3},
              {"testnet4", KIN_BTC_TESTNET4},
              {"signet", KIN_BTC_SIGNET},
              {"regtest", KIN_BTC_REGTEST}};

/* Reads getblockchaininfo: the network and the tip height. */
static kin_status chain_info(struct ledger_rpc *r, uint32_t *network, uint64_t *tip)
{
    struct span res, key, v;
    int first, have_tip = 0;
    KIN_TRY(kin__rpc_call(r, "getblockchaininfo", "[]", &res));
    struct jreader jr = {res, 0, 0};
    *network = KIN_BTC_UNKNOWN;
    if (!kin__json_begin(&jr, '{', &first)) {
        return KIN_MALFORMED;
    }
    while (kin__json_next(&jr, '}', &first, &key)) {
        if (kin__json_key_is(key, "chain") && kin__json_peek(&jr) == '"') {
            if (!kin__json_string(&jr, &v)) {
                return KIN_MALFORMED;
            }
            for (size_t i = 0; i < KIN_ARRAY_COUNT(chains); i++) {
                if (kin__json_key_is(v, chains[i].chain)) {
                    *network = chains[i].network;
                }
            }
        } else if (kin__json_key_is(key, "blocks") && kin__json_peek(&jr) != '"') {
            if (!kin__json_scalar(&jr, &v) || !kin__json_u64(v, tip)) {
                return KIN_MALFORMED;
            }
            have_tip = 1;
        } else if (!kin__json_skip(&jr)) {
            return KIN_MALFORMED;
        }
    }
    return !jr.bad && have_tip && *network != KIN_BTC_UNKNOWN ? KIN_OK : KIN_MALFORMED;
}

/* The hash of the block at a height ("hash" text of 64 hex digits). */
static kin_status block_hash(struct ledger_rpc *r, uint64_t height, char hex[65])
{
    char params[32];
    struct span res, s;
    (void)snprintf(params, sizeof(params), "[%llu]", (unsigned long long)height); /* fits */
    KIN_TRY(kin__rpc_call(r, "getblockhash", params, &res));
    struct jreader jr = {res, 0, 0};
    uint8_t h[HASH_SIZE];
    if (!kin__json_string(&jr, &s) || s.n != 64) {
        return KIN_MALFORMED;
    }
    memcpy(hex, s.p, 64);
    hex[64] = '\0';
    return kin__hash_parse(hex, h) ? KIN_OK : KIN_MALFORMED;
}

kin_status kin_ledger_open_rpc(const struct kin_rpc_options *o, struct kin_ledger **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!o || !o->host || strlen(o->host) >= sizeof(((struct ledger_rpc *)0)->host) ||
        (!o->cookie_file && !o->user)) {
        return KIN_INVALID;
    }
    struct kin_ledger *l = kin__calloc(1, sizeof(*l));
    struct ledger_rpc *r = kin__calloc(1, sizeof(*r));
    if (!l || !r) {
        kin__free(l);
        kin__free(r);
        return KIN_NOMEM;
    }
    kin__arena_init(&l->arena, (size_t)1 << 20);
    kin__chain_init(&l->chain);
    l->rpc = r;
    /* Both fit: the host length is checked above, a port has at most 5 digits. */
    (void)snprintf(r->host, sizeof(r->host), "%s", o->host);
    (void)snprintf(r->port, sizeof(r->port), "%u", o->port ? o->port : 8332u);
    r->timeout_ms = o->timeout_ms ? o->timeout_ms : RPC_DEFAULT_TIMEOUT_MS;
    char cred[RPC_MAX_AUTH];
    kin_status st = KIN_OK;
    if (o->cookie_file) {
        st = read_cookie(o->cookie_file, cred, sizeof(cred));
    } else if ((size_t)snprintf(cred, sizeof(cred), "%s:%s", o->user,
                                o->password ? o->password : "") >= sizeof(cred)) {
        st = KIN_INVALID;
    }
    if (st == KIN_OK) {
        base64((const uint8_t *)cred, strlen(cred), r->auth);
        memset(cred, 0, sizeof(cred));
    }
    uint32_t network = 0;
    uint64_t tip = 0;
    if (st == KIN_OK) {
        st = chain_info(r, &network, &tip);
    }
    if (st == KIN_OK) {
        l->net = kin__net(network);
        r->from = o->from_height;
        r->to = o->to_height && o->to_height < tip ? o->to_height : tip;
        if (r->from > r->to) {
            r->from = r->to + 1; /* nothing new yet */
        } else {
            st = block_hash(r, r->to, l->tip_hex);
        }
    }
    if (st != KIN_OK) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.rpc", 0, "%s",
                         r->err[0] ? r->err : kin_status_str(st));
        *out = l;
        return st;
    }
    *out = l;
    return KIN_OK;
}

/* ---- Blocks ---- */

/* Coins of one block from getblock verbosity 3: flat, with each transaction's first index. */
struct rpc_coins {
    struct undo_coin *v;
    size_t count, cap;
    size_t *start; /* per transaction, count + 1 entries */
    size_t tx_count, start_cap;
    uint8_t *scripts; /* decoded scriptPubKeys; spans of v point here */
    size_t script_len, script_cap;
};

static kin_status grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) {
        return KIN_OK;
    }
    size_t ncap = *cap * 2 > need ? *cap * 2 : need;
    void *nv = kin__realloc(*v, ncap * size);
    if (!nv) {
        return KIN_NOMEM;
    }
    *v = nv;
    *cap = ncap;
    return KIN_OK;
}

/* One prevout object into a coin. */
static kin_status read_prevout(struct jreader *jr, struct rpc_coins *c, struct undo_coin *coin)
{
    struct span key, v;
    int first, got_value = 0, got_script = 0;
    memset(coin, 0, sizeof(*coin));
    coin->stype = UNDO_RAW;
    if (!kin__json_begin(jr, '{', &first)) {
        return KIN_MALFORMED;
    }
    while (kin__json_next(jr, '}', &first, &key)) {
        uint64_t x;
        if (kin__json_key_is(key, "value")) {
            if (!kin__json_scalar(jr, &v) || !kin__json_amount(v, &coin->value)) {
                return KIN_MALFORMED;
            }
            got_value = 1;
        } else if (kin__json_key_is(key, "height")) {
            if (!kin__json_scalar(jr, &v) || !kin__json_u64(v, &x) || x > UINT32_MAX) {
                return KIN_MALFORMED;
            }
            coin->height = (uint32_t)x;
        } else if (kin__json_key_is(key, "generated")) {
            if (!kin__json_scalar(jr, &v)) {
                return KIN_MALFORMED;
            }
            coin->coinbase = (uint8_t)kin__json_key_is(v, "true");
        } else if (kin__json_key_is(key, "scriptPubKey")) {
            int f2;
            struct span k2;
            if (!kin__json_begin(jr, '{', &f2)) {
                return KIN_MALFORMED;
            }
            while (kin__json_next(jr, '}', &f2, &k2)) {
                if (kin__json_key_is(k2, "hex")) {
                    size_t n;
                    if (!kin__json_string(jr, &v) ||
                        !kin__hex_decode(v, c->scripts + c->script_len,
                                         c->script_cap - c->script_len, &n)) {
                        return KIN_MALFORMED;
                    }
                    coin->data = kin__span(c->scripts + c->script_len, n);
                    c->script_len += n;
                    got_script = 1;
                } else if (!kin__json_skip(jr)) {
                    return KIN_MALFORMED;
                }
            }
        } else if (!kin__json_skip(jr)) {
            return KIN_MALFORMED;
        }
    }
    return !jr->bad && got_value && got_script ? KIN_OK : KIN_MALFORMED;
}

/* Walks {"tx": [{"vin": [{"prevout": {...}} | {"coinbase": ...}]}]} in the answer res. */
static kin_status read_coins(struct span res, struct rpc_coins *c)
{
    struct jreader jr = {res, 0, 0};
    struct span key;
    int first;
    c->count = 0;
    c->tx_count = 0;
    c->script_len = 0;
    KIN_TRY(grow((void **)&c->scripts, &c->script_cap, res.n / 2 + 1, 1));
    if (!kin__json_begin(&jr, '{', &first)) {
        return KIN_MALFORMED;
    }
    while (kin__json_next(&jr, '}', &first, &key)) {
        if (!kin__json_key_is(key, "tx")) {
            if (!kin__json_skip(&jr)) {
                return KIN_MALFORMED;
            }
            continue;
        }
        int ftx;
        if (!kin__json_begin(&jr, '[', &ftx)) {
            return KIN_MALFORMED;
        }
        while (kin__json_next(&jr, ']', &ftx, NULL)) {
            int fobj;
            struct span k;
            KIN_TRY(grow((void **)&c->start, &c->start_cap, c->tx_count + 2, sizeof(*c->start)));
            c->start[c->tx_count++] = c->count;
            if (!kin__json_begin(&jr, '{', &fobj)) {
                return KIN_MALFORMED;
            }
            while (kin__json_next(&jr, '}', &fobj, &k)) {
                if (!kin__json_key_is(k, "vin")) {
                    if (!kin__json_skip(&jr)) {
                        return KIN_MALFORMED;
                    }
                    continue;
                }
                int fin;
                if (!kin__json_begin(&jr, '[', &fin)) {
                    return KIN_MALFORMED;
                }
                while (kin__json_next(&jr, ']', &fin, NULL)) {
                    int fv;
                    struct span kv;
                    int has_prevout = 0;
                    if (!kin__json_begin(&jr, '{', &fv)) {
                        return KIN_MALFORMED;
                    }
                    while (kin__json_next(&jr, '}', &fv, &kv)) {
                        if (kin__json_key_is(kv, "prevout")) {
                            KIN_TRY(grow((void **)&c->v, &c->cap, c->count + 1, sizeof(*c->v)));
                            KIN_TRY(read_prevout(&jr, c, &c->v[c->count]));
                            c->count++;
                            has_prevout = 1;
                        } else if (!kin__json_skip(&jr)) {
                            return KIN_MALFORMED;
                        }
                    }
                    (void)has_prevout;
                }
            }
        }
    }
    if (jr.bad) {
        return KIN_MALFORMED;
    }
    KIN_TRY(grow((void **)&c->start, &c->start_cap, c->tx_count + 1, sizeof(*c->start)));
    c->start[c->tx_count] = c->count;
    return KIN_OK;
}

static kin_status rpc_block_coins(
    void *ctx, size_t t, const struct tx *tx, const struct undo_coin **coins, const char **why)
{
    struct rpc_coins *c = ctx;
    if (t >= c->tx_count || c->start[t + 1] - c->start[t] != tx->in_count) {
        *why = "previous outputs do not match the inputs";
        return KIN_MALFORMED;
    }
    *coins = c->v + c->start[t];
    return KIN_OK;
}

kin_status kin__rpc_scan(struct kin_ledger *l,
                         struct scan_state *st,
                         const struct scan_visitor *v,
                         struct anomaly_list *al,
                         struct arena *a)
{
    struct ledger_rpc *r = l->rpc;
    struct rpc_coins c;
    kin_status s = KIN_OK;
    int stop = 0;
    memset(&c, 0, sizeof(c));
    for (uint64_t h = r->from; h <= r->to && s == KIN_OK && !stop; h++) {
        char hex[65], params[96];
        uint8_t hash[HASH_SIZE];
        struct span res, raw;
        size_t n;
        s = block_hash(r, h, hex);
        if (s != KIN_OK) {
            break;
        }
        (void)kin__hash_parse(hex, hash);
        (void)snprintf(params, sizeof(params), "[\"%s\",0]", hex); /* 64 hex digits: fits */
        s = kin__rpc_call(r, "getblock", params, &res);
        if (s != KIN_OK) {
            break;
        }
        struct jreader jr = {res, 0, 0};
        if (!kin__json_string(&jr, &raw) ||
            grow((void **)&l->buf, &l->buf_cap, raw.n / 2 + 1, 1) != KIN_OK ||
            !kin__hex_decode(raw, l->buf, l->buf_cap, &n)) {
            kin__anomaly_add(al, a, "ledger.rpc", h, "getblock %s: not a block in hex", hex);
            continue;
        }
        struct span blk = kin__span(l->buf, n);
        struct block_header hd;
        uint8_t check[HASH_SIZE];
        int header_ok = kin__header_parse(blk, &hd);
        if (header_ok) {
            kin__sha256d(blk.p, HEADER_SIZE, check);
        }
        if (!header_ok || memcmp(check, hash, HASH_SIZE) != 0) {
            kin__anomaly_add(al, a, "ledger.rpc", h, "block %s: its bytes hash otherwise", hex);
            continue;
        }
        (void)snprintf(params, sizeof(params), "[\"%s\",3]", hex);
        s = kin__rpc_call(r, "getblock", params, &res);
        int have = s == KIN_OK && read_coins(res, &c) == KIN_OK;
        if (s == KIN_NOMEM) {
            break;
        }
        if (!have) {
            kin__anomaly_add(al, a, "ledger.rpc", h,
                             "getblock %s 3: no previous outputs (%s): spends by outpoint only",
                             hex, r->err[0] ? r->err : "malformed");
        }
        struct scan_block sb = {(uint32_t)h, hd.time, hash, BLOCK_NONE};
        st->blocks++;
        st->bytes += blk.n;
        st->undo_missing += !have;
        s = kin__scan_block_bytes(st, v, &sb, blk, have ? rpc_block_coins : NULL, &c, al, a, &stop);
    }
    kin__free(c.v);
    kin__free(c.start);
    kin__free(c.scripts);
    if (s != KIN_OK && s != KIN_NOMEM) {
        kin__anomaly_add(al, a, "ledger.rpc", 0, "%s", r->err[0] ? r->err : kin_status_str(s));
        return KIN_IO;
    }
    return s;
}

kin_status kin__rpc_decode(const uint8_t *p, size_t n, size_t *coins, int *bug)
{
    struct ledger_rpc *r = kin__calloc(1, sizeof(*r));
    struct rpc_coins c;
    struct span res;
    memset(&c, 0, sizeof(c));
    *coins = 0;
    *bug = 0;
    if (!r || !(r->resp = kin__malloc(n ? n : 1))) {
        kin__free(r);
        return KIN_NOMEM;
    }
    memcpy(r->resp, p, n);
    r->resp_len = r->resp_cap = n;
    kin_status st = parse_answer(r, "getblock", &res);
    if (st == KIN_OK) {
        st = read_coins(res, &c);
        *coins = c.count;
        for (size_t i = 0; st == KIN_OK && i < c.count && !*bug; i++) {
            if (c.v[i].data.p < c.scripts ||
                c.v[i].data.p + c.v[i].data.n > c.scripts + c.script_len) {
                *bug = 1; /* a script outside the decoded scripts */
            }
        }
    }
    kin__free(c.v);
    kin__free(c.start);
    kin__free(c.scripts);
    kin__rpc_free(r);
    return st;
}
