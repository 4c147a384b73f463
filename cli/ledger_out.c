/*
 * ledger_out.c: the readable and JSON reports of `kin ledger` (see ledger_out.h). JSON objects
 * carry a "type": chain, address, alert, flow, cluster, link or anomaly; amounts are integers in
 * satoshis, values (with --prices) numbers with two decimals. Addresses and hashes are computed
 * by kin, but addresses given by the user and anomaly messages are escaped all the same.
 */
#include "ledger_out.h"

#include <inttypes.h>
#include <time.h>

#include "json.h"
#include "text.h"

/* "12.34567890" for 1234567890 satoshis. */
static const char *btc(uint64_t sat, char *buf, size_t size)
{
    snprintf(buf, size, "%" PRIu64 ".%08" PRIu64, sat / 100000000u, sat % 100000000u);
    return buf;
}

static const char *btc_signed(int64_t sat, char *buf, size_t size)
{
    if (sat >= 0) {
        return btc((uint64_t)sat, buf, size);
    }
    buf[0] = '-';
    btc((uint64_t)0 - (uint64_t)sat, buf + 1, size - 1);
    return buf;
}

static const char *utc(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm)) {
        snprintf(buf, size, "@%" PRId64, t);
    }
    return buf;
}

static void json_txref(struct json *j, const struct kin_ledger_txref *t)
{
    json_kv_str(j, "txid", t->txid);
    json_kv_str(j, "block", t->block);
    json_kv_u64(j, "height", t->height);
    json_key(j, "time");
    json_i64(j, t->time);
}

static void json_value(struct json *j, int has, double v)
{
    json_key(j, "value");
    if (has) {
        json_double(j, v, 2);
    } else {
        json_null(j);
    }
}

void ledger_print_info(FILE *f, const char *dir, const struct kin_ledger_info *info, int json)
{
    char t[32];
    if (json) {
        struct json j;
        json_init(&j, f);
        json_object_begin(&j);
        json_kv_str(&j, "type", "chain");
        json_kv_str(&j, "blocks_dir", dir);
        json_kv_str(&j, "network", kin_btc_network_name(info->network));
        json_kv_bool(&j, "obfuscated", info->obfuscated);
        json_kv_u64(&j, "block_files", info->block_files);
        json_kv_u64(&j, "undo_files", info->undo_files);
        json_kv_u64(&j, "block_bytes", info->block_bytes);
        json_kv_u64(&j, "undo_bytes", info->undo_bytes);
        json_kv_u64(&j, "records", info->records);
        json_kv_u64(&j, "blocks", info->blocks);
        json_kv_u64(&j, "chain_blocks", info->chain_blocks);
        json_kv_u64(&j, "stale_blocks", info->stale_blocks);
        json_kv_u64(&j, "roots", info->roots);
        json_kv_u64(&j, "undo_records", info->undo_records);
        json_kv_u64(&j, "undo_matched", info->undo_matched);
        json_kv_u64(&j, "first_height", info->first_height);
        json_kv_u64(&j, "tip_height", info->tip_height);
        json_kv_str(&j, "tip_hash", info->tip_hash);
        json_key(&j, "tip_time");
        json_i64(&j, info->tip_time);
        json_kv_str(&j, "chainwork", info->chainwork);
        json_object_end(&j);
        json_end(&j);
        return;
    }
    fputs("blocks: ", f);
    text_put(f, dir);
    fprintf(f, " (%s%s)\n", kin_btc_network_name(info->network),
            info->obfuscated ? ", obfuscated with xor.dat" : "");
    fprintf(f,
            "  files: %" PRIu64 " blk (%" PRIu64 " bytes), %" PRIu64 " rev (%" PRIu64
            " bytes); %" PRIu64 " block records\n",
            info->block_files, info->block_bytes, info->undo_files, info->undo_bytes,
            info->records);
    fprintf(f,
            "  chain: %" PRIu64 " blocks, heights %" PRIu64 "..%" PRIu64 " (most work), %" PRIu64
            " stale, %" PRIu64 " undo records matched of %" PRIu64 "\n",
            info->chain_blocks, info->first_height, info->tip_height, info->stale_blocks,
            info->undo_matched, info->undo_records);
    fprintf(f, "  tip:   %s at %s UTC\n  work:  %s\n", info->tip_hash,
            utc(info->tip_time, t, sizeof(t)), info->chainwork);
}

void ledger_print_anomalies(FILE *f, const struct kin_anomaly *an, size_t n, int json, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        if (json) {
            struct json j;
            json_init(&j, f);
            json_object_begin(&j);
            json_kv_str(&j, "type", "anomaly");
            json_kv_str(&j, "kind", an[i].kind);
            json_kv_u64(&j, "offset", an[i].offset);
            json_kv_str(&j, "message", an[i].message);
            json_object_end(&j);
            json_end(&j);
        } else {
            fprintf(f, "kin ledger: %s: ", an[i].kind);
            text_put(f, an[i].message);
            fputc('\n', f);
        }
    }
    if (!json && n > max) {
        fprintf(f, "kin ledger: ... and %zu more anomalies\n", n - max);
    }
}

static void json_outputs(struct json *j, const struct kin_ledger_output *o, size_t n, size_t omit)
{
    json_key(j, "outputs");
    json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        json_object_begin(j);
        json_kv_u64(j, "vout", o[i].vout);
        json_kv_str(j, "address", o[i].address[0] ? o[i].address : NULL);
        json_kv_str(j, "script", o[i].type);
        json_kv_u64(j, "amount", o[i].amount);
        json_kv_bool(j, "watched", o[i].watched);
        json_kv_bool(j, "followed", o[i].followed);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_u64(j, "outputs_omitted", omit);
}

static void text_outputs(FILE *f, const struct kin_ledger_output *o, size_t n, size_t omit)
{
    char b[40];
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "        -> %-62s %20s BTC  %s%s%s\n", o[i].address[0] ? o[i].address : "-",
                btc(o[i].amount, b, sizeof(b)), o[i].type, o[i].watched ? "  [watched]" : "",
                o[i].followed ? "  [followed]" : "");
    }
    if (omit) {
        fprintf(f, "        -> ... %zu more outputs\n", omit);
    }
}

static void print_address_json(FILE *f, const struct kin_ledger_address *a, int prices)
{
    struct json j;
    json_init(&j, f);
    json_object_begin(&j);
    json_kv_str(&j, "type", "address");
    json_kv_str(&j, "address", a->address);
    json_kv_str(&j, "script", a->type);
    json_kv_u64(&j, "received", a->received);
    json_kv_u64(&j, "withdrawn", a->withdrawn);
    json_key(&j, "balance");
    json_i64(&j, a->balance);
    json_kv_u64(&j, "payment_count", a->payment_count);
    json_kv_u64(&j, "spend_count", a->spend_count);
    if (a->first_height) {
        json_kv_u64(&j, "first_height", a->first_height);
        json_key(&j, "first_time");
        json_i64(&j, a->first_time);
        json_kv_u64(&j, "last_height", a->last_height);
        json_key(&j, "last_time");
        json_i64(&j, a->last_time);
    }
    if (prices) {
        json_key(&j, "received_value");
        json_double(&j, a->received_value, 2);
        json_key(&j, "withdrawn_value");
        json_double(&j, a->withdrawn_value, 2);
    }
    json_key(&j, "payments");
    json_array_begin(&j);
    for (size_t i = 0; i < a->payment_count; i++) {
        const struct kin_ledger_payment *p = &a->payments[i];
        json_object_begin(&j);
        json_txref(&j, &p->tx);
        json_kv_u64(&j, "vout", p->vout);
        json_kv_u64(&j, "amount", p->amount);
        json_value(&j, p->has_value, p->value);
        json_kv_str(&j, "spent_by", p->spent ? p->spent_by : NULL);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_key(&j, "spends");
    json_array_begin(&j);
    for (size_t i = 0; i < a->spend_count; i++) {
        const struct kin_ledger_spend *s = &a->spends[i];
        json_object_begin(&j);
        json_txref(&j, &s->tx);
        json_kv_u64(&j, "amount", s->amount);
        json_kv_u64(&j, "inputs", s->inputs);
        json_kv_u64(&j, "fee", s->fee);
        json_value(&j, s->has_value, s->value);
        json_outputs(&j, s->outputs, s->output_count, s->outputs_omitted);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_object_end(&j);
    json_end(&j);
}

static void print_address_text(FILE *f, const struct kin_ledger_address *a, int prices)
{
    char b1[40], b2[40], b3[40], t1[32], t2[32];
    fputc('\n', f);
    text_put(f, a->address);
    fprintf(f, " (%s)\n", a->type);
    fprintf(f, "  received  %s BTC in %zu payments\n", btc(a->received, b1, sizeof(b1)),
            a->payment_count);
    fprintf(f, "  withdrawn %s BTC in %zu spends\n", btc(a->withdrawn, b2, sizeof(b2)),
            a->spend_count);
    fprintf(f, "  balance   %s BTC\n", btc_signed(a->balance, b3, sizeof(b3)));
    if (prices) {
        fprintf(f, "  value     received %.2f, withdrawn %.2f (at each day's price)\n",
                a->received_value, a->withdrawn_value);
    }
    if (!a->first_height) {
        fprintf(f, "  no activity on this chain\n");
        return;
    }
    fprintf(f, "  first     %s UTC (height %" PRIu64 ")\n  last      %s UTC (height %" PRIu64 ")\n",
            utc(a->first_time, t1, sizeof(t1)), a->first_height, utc(a->last_time, t2, sizeof(t2)),
            a->last_height);
    if (a->payment_count) {
        fprintf(f, "  payments:\n");
    }
    for (size_t i = 0; i < a->payment_count; i++) {
        const struct kin_ledger_payment *p = &a->payments[i];
        fprintf(f, "    %s  %7" PRIu64 "  %18s BTC  %s:%u", utc(p->tx.time, t1, sizeof(t1)),
                p->tx.height, btc(p->amount, b1, sizeof(b1)), p->tx.txid, p->vout);
        if (p->has_value) {
            fprintf(f, "  = %.2f", p->value);
        }
        fprintf(f, "%s\n", p->spent ? "  spent" : "");
    }
    if (a->spend_count) {
        fprintf(f, "  spends:\n");
    }
    for (size_t i = 0; i < a->spend_count; i++) {
        const struct kin_ledger_spend *s = &a->spends[i];
        fprintf(f, "    %s  %7" PRIu64 "  %18s BTC  %s  (%u inputs, fee %s BTC",
                utc(s->tx.time, t1, sizeof(t1)), s->tx.height, btc(s->amount, b1, sizeof(b1)),
                s->tx.txid, s->inputs, btc(s->fee, b2, sizeof(b2)));
        if (s->has_value) {
            fprintf(f, ", = %.2f", s->value);
        }
        fprintf(f, ")\n");
        text_outputs(f, s->outputs, s->output_count, s->outputs_omitted);
    }
}

void ledger_print_watch(FILE *f,
                        const char *dir,
                        const struct kin_ledger_info *info,
                        const struct kin_watch *w,
                        const struct kin_watch_options *o,
                        int json)
{
    size_t alert_count, flow_count;
    const struct kin_ledger_alert *alerts = kin_watch_alerts(w, &alert_count);
    const struct kin_ledger_flow *flows = kin_watch_flows(w, &flow_count);
    struct kin_scan_stats st;
    char b1[40], t1[32];
    kin_watch_stats(w, &st);
    ledger_print_info(f, dir, info, json);
    if (!json) {
        fprintf(f, "  scan:  %" PRIu64 " blocks, %" PRIu64 " transactions, %" PRIu64 " bytes%s\n",
                st.blocks, st.txs, st.bytes,
                st.undo_missing ? " (some blocks without undo data)" : "");
    }
    for (size_t i = 0; i < kin_watch_address_count(w); i++) {
        if (json) {
            print_address_json(f, kin_watch_address(w, i), o->prices != NULL);
        } else {
            print_address_text(f, kin_watch_address(w, i), o->prices != NULL);
        }
    }
    if (!json && alert_count) {
        fputc('\n', f);
    }
    for (size_t i = 0; i < alert_count; i++) {
        const struct kin_ledger_address *a = kin_watch_address(w, alerts[i].address);
        const struct kin_ledger_spend *s = &a->spends[alerts[i].spend];
        if (json) {
            struct json j;
            json_init(&j, f);
            json_object_begin(&j);
            json_kv_str(&j, "type", "alert");
            json_kv_str(&j, "address", a->address);
            json_txref(&j, &s->tx);
            json_kv_u64(&j, "amount", s->amount);
            json_kv_u64(&j, "outputs", s->output_count + s->outputs_omitted);
            json_object_end(&j);
            json_end(&j);
        } else {
            fprintf(f, "ALERT %s UTC height %" PRIu64 ": ", utc(s->tx.time, t1, sizeof(t1)),
                    s->tx.height);
            text_put(f, a->address);
            fprintf(f, " withdrew %s BTC in %s (%zu outputs)\n", btc(s->amount, b1, sizeof(b1)),
                    s->tx.txid, s->output_count + s->outputs_omitted);
        }
    }
    if (!json && o->follow) {
        fprintf(f, "\nfollowed funds (%u hops, fan-out %u): %zu transactions\n", o->follow,
                o->fanout ? o->fanout : 8, flow_count);
    }
    for (size_t i = 0; i < flow_count; i++) {
        const struct kin_ledger_flow *fl = &flows[i];
        if (json) {
            struct json j;
            json_init(&j, f);
            json_object_begin(&j);
            json_kv_str(&j, "type", "flow");
            json_kv_u64(&j, "hop", fl->hop);
            json_txref(&j, &fl->tx);
            json_kv_str(&j, "from_txid", fl->from_txid);
            json_kv_u64(&j, "amount_in", fl->amount_in);
            json_value(&j, fl->has_value, fl->value);
            json_kv_bool(&j, "fanout_reached", fl->truncated);
            json_outputs(&j, fl->outputs, fl->output_count, fl->outputs_omitted);
            json_object_end(&j);
            json_end(&j);
        } else {
            fprintf(f, "  hop %u  %s UTC  %7" PRIu64 "  %s  moves %s BTC from %s%s\n", fl->hop,
                    utc(fl->tx.time, t1, sizeof(t1)), fl->tx.height, fl->tx.txid,
                    btc(fl->amount_in, b1, sizeof(b1)), fl->from_txid,
                    fl->truncated ? "  (fan-out bound: largest outputs followed)" : "");
            text_outputs(f, fl->outputs, fl->output_count, fl->outputs_omitted);
        }
    }
}

void ledger_print_cluster(FILE *f, const char *address, const struct kin_cluster *c, int json)
{
    size_t n, nl;
    int converged;
    const char *const *addrs = kin_cluster_addresses(c, &n);
    const struct kin_cluster_link *links = kin_cluster_links(c, &nl);
    uint32_t passes = kin_cluster_passes(c, &converged);
    char t1[32];
    if (json) {
        struct json j;
        json_init(&j, f);
        json_object_begin(&j);
        json_kv_str(&j, "type", "cluster");
        json_kv_str(&j, "address", address);
        json_key(&j, "addresses");
        json_array_begin(&j);
        for (size_t i = 0; i < n; i++) {
            json_str(&j, addrs[i]);
        }
        json_array_end(&j);
        json_kv_u64(&j, "coinjoins_skipped", kin_cluster_coinjoins(c));
        json_kv_u64(&j, "passes", passes);
        json_kv_bool(&j, "converged", converged);
        json_object_end(&j);
        json_end(&j);
    } else {
        fputs("cluster of ", f);
        text_put(f, address);
        fprintf(f,
                ": %zu address%s (%u passes%s; %" PRIu64 " CoinJoin-like transactions "
                "not used)\n",
                n, n == 1 ? "" : "es", passes, converged ? "" : ", not converged",
                kin_cluster_coinjoins(c));
        for (size_t i = 0; i < n; i++) {
            fputs("  ", f);
            text_put(f, addrs[i]);
            fputc('\n', f);
        }
        if (nl) {
            fprintf(f, "evidence:\n");
        }
    }
    for (size_t i = 0; i < nl; i++) {
        const struct kin_cluster_link *lk = &links[i];
        if (json) {
            struct json j;
            json_init(&j, f);
            json_object_begin(&j);
            json_kv_str(&j, "type", "link");
            json_kv_str(&j, "kind", lk->kind == KIN_LINK_INPUTS ? "inputs" : "change");
            json_kv_str(&j, "from", lk->from);
            json_kv_str(&j, "to", lk->to);
            json_txref(&j, &lk->tx);
            json_key(&j, "score");
            json_double(&j, lk->score, 2);
            json_kv_str(&j, "reason", lk->reason);
            json_object_end(&j);
            json_end(&j);
        } else {
            fprintf(f, "  %-6s %s -> %s  %s (height %" PRIu64 ", %s UTC)  %s, score %.2f\n",
                    lk->kind == KIN_LINK_INPUTS ? "inputs" : "change", lk->from, lk->to,
                    lk->tx.txid, lk->tx.height, utc(lk->tx.time, t1, sizeof(t1)), lk->reason,
                    lk->score);
        }
    }
}
