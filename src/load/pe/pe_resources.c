/*
 * pe_resources.c: a summary of the resource tree (PE/COFF 6.9): one record per leaf with its
 * type, language, file offset, size and entropy. Packed or encrypted payloads hide in resources,
 * so their entropy and size matter more than their names.
 *
 *   IMAGE_RESOURCE_DIRECTORY (16 bytes): 12 NumberOfNamedEntries (u16), 14 NumberOfIdEntries
 *   followed by 8-byte entries: Name (high bit: offset of a counted UTF-16 string, else an id),
 *   OffsetToData (high bit: offset of a subdirectory, else of a 16-byte data entry). Offsets are
 *   relative to the start of the resource directory. Data entry: 0 OffsetToData (an RVA!), 4 Size.
 * Windows uses three levels: type / name / language. Deeper trees are reported and cut; each
 * directory is visited once (a directory pointing back at itself or an ancestor is a loop), and
 * the work is capped by KIN_MAX_RESOURCE_DIRS, KIN_MAX_RESOURCE_ITEMS and KIN_MAX_RESOURCES.
 */
#include <string.h>

#include "pe_int.h"

#define RES_DIR_SIZE   16u
#define RES_ENTRY_SIZE 8u
#define RES_DATA_SIZE  16u
#define RES_HIGH       0x80000000u
#define RES_NAME_MAX   256u /* UTF-16 units kept of a type name */

struct res_walk {
    struct pe_ctx *p;
    uint64_t root; /* RVA of the root directory */
    uint32_t *visited;
    size_t nvisited;
    uint64_t items;
    struct kin_resource *v;
    size_t count, cap;
    int stop;
    int reported_loop, reported_deep, reported_leaf;
};

/* A resource type name: UTF-16 code units below 0x80 kept, others become '?'. */
static const char *type_name(struct res_walk *w, uint32_t off, int *nomem)
{
    struct pe_ctx *p = w->p;
    uint16_t len;
    *nomem = 0;
    if (!kin__pe_u16(p, w->root + off, &len)) {
        return NULL;
    }
    struct span s;
    uint64_t want = (uint64_t)(len < RES_NAME_MAX ? len : RES_NAME_MAX) * 2;
    if (want == 0 || !kin__pe_span_at(p, w->root + off + 2, want, &s)) {
        return "";
    }
    char buf[RES_NAME_MAX + 1];
    size_t n = 0;
    for (uint64_t i = 0; i + 2 <= s.n; i += 2) {
        uint16_t u = 0;
        (void)kin__span_le16(s, i, &u);
        buf[n++] = (char)(u >= 0x20 && u < 0x7f ? u : '?');
    }
    const char *r = kin__arena_strndup(p->c->a, buf, n);
    if (!r) {
        *nomem = 1;
    }
    return r;
}

static kin_status
add_leaf(struct res_walk *w, uint32_t data_off, uint32_t type_id, const char *tname, uint32_t lang)
{
    struct pe_ctx *p = w->p;
    struct span d;
    if (!kin__pe_read(p, w->root + data_off, RES_DATA_SIZE, &d)) {
        if (!w->reported_leaf++) {
            PE_ANOMALY(p, "pe.resource.bad_leaf", kin__pe_off(p, w->root),
                       "resource data entry at +0x%x is not in the file", data_off);
        }
        return KIN_OK;
    }
    if (w->count >= KIN_MAX_RESOURCES) {
        PE_ANOMALY(p, "limit.resources", kin__pe_off(p, w->root), "more than %u resources (cap)",
                   KIN_MAX_RESOURCES);
        w->stop = 1;
        return KIN_OK;
    }
    if (!kin__arena_vec_reserve(p->c->a, (void **)&w->v, w->count, &w->cap, sizeof(*w->v))) {
        return kin__pe_nomem(p);
    }
    uint32_t rva = 0, size = 0;
    (void)kin__span_le32(d, 0, &rva);
    (void)kin__span_le32(d, 4, &size);
    struct kin_resource *r = &w->v[w->count++];
    memset(r, 0, sizeof(*r));
    r->type_id = type_id;
    r->type_name = tname;
    r->lang = lang;
    r->size = size;
    struct span data;
    if (size && kin__pe_span_at(p, rva, size, &data)) {
        r->offset = (uint64_t)(data.p - p->f.p);
        if (data.n < size) {
            PE_ANOMALY(p, "pe.resource.truncated", r->offset,
                       "resource of %u bytes has only %zu in the file", size, data.n);
        }
        (void)kin__pe_entropy(p, data, &r->entropy);
    } else if (size) {
        PE_ANOMALY(p, "pe.resource.unmapped", kin__pe_off(p, w->root + data_off),
                   "resource data at RVA 0x%x is not in the file", rva);
    }
    return KIN_OK;
}

static kin_status
walk_dir(struct res_walk *w, uint32_t off, uint32_t depth, uint32_t type_id, const char *tname)
{
    struct pe_ctx *p = w->p;
    for (size_t i = 0; i < w->nvisited; i++) {
        if (w->visited[i] == off) {
            if (!w->reported_loop++) {
                PE_ANOMALY(p, "pe.resource.loop", kin__pe_off(p, w->root + off),
                           "resource directory at +0x%x is reached twice", off);
            }
            return KIN_OK;
        }
    }
    if (w->nvisited >= KIN_MAX_RESOURCE_DIRS) {
        PE_ANOMALY(p, "limit.resource_dirs", kin__pe_off(p, w->root),
                   "more than %u resource directories (cap)", KIN_MAX_RESOURCE_DIRS);
        w->stop = 1;
        return KIN_OK;
    }
    w->visited[w->nvisited++] = off;
    struct span hdr, ents;
    if (!kin__pe_read(p, w->root + off, RES_DIR_SIZE, &hdr)) {
        PE_ANOMALY(p, "pe.resource.unmapped_dir", kin__pe_off(p, w->root),
                   "resource directory at +0x%x is not in the file", off);
        return KIN_OK;
    }
    uint16_t named = 0, ids = 0;
    (void)kin__span_le16(hdr, 12, &named);
    (void)kin__span_le16(hdr, 14, &ids);
    uint64_t want = (uint64_t)named + ids;
    uint64_t have = 0;
    if (want && kin__pe_span_at(p, w->root + off + RES_DIR_SIZE, want * RES_ENTRY_SIZE, &ents)) {
        have = ents.n / RES_ENTRY_SIZE;
    }
    if (have < want) {
        PE_ANOMALY(p, "pe.resource.entries_truncated", kin__pe_off(p, w->root + off),
                   "resource directory declares %llu entries, the file holds %llu",
                   (unsigned long long)want, (unsigned long long)have);
    }
    for (uint64_t i = 0; i < have && !w->stop; i++) {
        if (++w->items > KIN_MAX_RESOURCE_ITEMS) {
            PE_ANOMALY(p, "limit.resource_items", kin__pe_off(p, w->root),
                       "more than %u resource entries read (cap)", KIN_MAX_RESOURCE_ITEMS);
            w->stop = 1;
            break;
        }
        uint32_t name = 0, data = 0;
        (void)kin__span_le32(ents, i * RES_ENTRY_SIZE, &name);
        (void)kin__span_le32(ents, i * RES_ENTRY_SIZE + 4, &data);
        uint32_t id = (name & RES_HIGH) ? 0 : name;
        uint32_t t_id = type_id;
        const char *t_name = tname;
        if (depth == 0) {
            t_id = id;
            t_name = NULL;
            if (name & RES_HIGH) {
                int nomem = 0;
                t_name = type_name(w, name & ~RES_HIGH, &nomem);
                if (nomem) {
                    return kin__pe_nomem(p);
                }
            }
        }
        if (data & RES_HIGH) {
            if (depth + 1 >= KIN_MAX_RESOURCE_DEPTH) {
                if (!w->reported_deep++) {
                    PE_ANOMALY(p, "pe.resource.too_deep", kin__pe_off(p, w->root + off),
                               "resource tree deeper than %u levels (cut)", KIN_MAX_RESOURCE_DEPTH);
                }
                continue;
            }
            KIN_TRY(walk_dir(w, data & ~RES_HIGH, depth + 1, t_id, t_name));
        } else {
            /* The language is the id of the third level; shallower leaves have none. */
            KIN_TRY(add_leaf(w, data, t_id, t_name, depth == 2 ? id : 0));
        }
    }
    return KIN_OK;
}

kin_status kin__pe_resources(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_RESOURCE || p->dirs[PE_DIR_RESOURCE].rva == 0) {
        return KIN_OK;
    }
    struct res_walk w;
    memset(&w, 0, sizeof(w));
    w.p = p;
    w.root = p->dirs[PE_DIR_RESOURCE].rva;
    w.visited = kin__arena_array(p->c->a, KIN_MAX_RESOURCE_DIRS, sizeof(*w.visited));
    if (!w.visited) {
        return kin__pe_nomem(p);
    }
    kin_status st = walk_dir(&w, 0, 0, 0, NULL);
    p->c->img->pe.resources = w.v;
    p->c->img->pe.resource_count = w.count;
    return st;
}
