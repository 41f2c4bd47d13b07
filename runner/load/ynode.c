/* YAML documents as position-aware node trees, built from libyaml's event parser. */
#include "ynode.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "coreschema.h"
#include "util.h"

#define YN_MAX_FILE_SIZE (8u * 1024 * 1024)
#define YN_MAX_DEPTH 64            /* nesting of collections, aliases expanded */
#define YN_MAX_EXPANDED 100000     /* nodes visited by a full walk, aliases expanded */

/* ---- arena ------------------------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

typedef struct arena { arena_block *head; } arena;

#define ARENA_BLOCK (64 * 1024)

/* Nodes are aligned for their members; scalar text is packed byte by byte (most scalars are a
 * few bytes: rounding each to 16 cost more than the text). */
static void *arena_alloc_aligned(arena *a, size_t n, size_t align)
{
    arena_block *b = a->head;
    if (b) b->used = (b->used + align - 1) / align * align;
    if (n == 0) n = 1;
    if (!b || b->used > b->cap || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = ac_malloc(sizeof *b + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static void *arena_alloc(arena *a, size_t n)
{
    return arena_alloc_aligned(a, n, _Alignof(max_align_t) < 8 ? _Alignof(max_align_t) : 8);
}

static void arena_free(arena *a)
{
    if (!a) return;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* A node plus what the builder needs to bound alias expansion; yn_node comes first so a
 * yn_node pointer is also a ynx pointer. */
typedef struct ynx {
    yn_node n;
    uint32_t expanded; /* nodes in a full walk of this subtree, aliases expanded (capped) */
    int depth;         /* collection nesting of this subtree: 0 for a scalar */
} ynx;

/* ---- anchors: a small open-addressing hash table (latest definition wins) ---------------- */

typedef struct anchor_entry { char *name; ynx *node; } anchor_entry;
typedef struct anchors { anchor_entry *slots; size_t cap, n; } anchors;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ULL; }
    return h;
}

static anchor_entry *anchors_slot(anchors *t, const char *name)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask)
        if (!t->slots[i].name || strcmp(t->slots[i].name, name) == 0) return &t->slots[i];
}

static void anchors_set(anchors *t, const char *name, ynx *node)
{
    if ((t->n + 1) * 2 > t->cap) {
        anchors old = *t;
        t->cap = old.cap ? old.cap * 2 : 16;
        t->slots = ac_calloc(t->cap, sizeof *t->slots);
        t->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].name) {
                *anchors_slot(t, old.slots[i].name) = old.slots[i];
                t->n++;
            }
        free(old.slots);
    }
    anchor_entry *e = anchors_slot(t, name);
    if (!e->name) { e->name = ac_strdup(name); t->n++; }
    e->node = node;
}

static ynx *anchors_get(anchors *t, const char *name)
{
    if (!t->cap) return NULL;
    anchor_entry *e = anchors_slot(t, name);
    return e->name ? e->node : NULL;
}

static void anchors_free(anchors *t)
{
    for (size_t i = 0; i < t->cap; i++) free(t->slots[i].name);
    free(t->slots);
}

/* ---- builder ----------------------------------------------------------------------------- */

typedef struct frame {
    ynx *node;
    yn_node **kids; size_t n, cap;   /* sequence items, or alternating keys and values */
    char *anchor;                    /* registered when the collection ends (owned) */
    size_t expanded;
    int depth;
} frame;

typedef struct builder {
    yn_doc *doc;
    arena *ar;
    ac_diags *diags;
    frame *stack; size_t depth, cap;
    anchors anchors;
    yn_node *root;
    bool failed;      /* non-fatal errors were reported: the parse fails at the end */
    bool fatal;       /* stop now */
} builder;

static void b_error(builder *b, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void b_error(builder *b, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ac_buf m;
    ac_buf_init(&m);
    ac_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    ac_diag_add(b->diags, AC_DIAG_ERROR, b->doc->file, line, col, b->doc->text,
                b->doc->text_len, "%s", ac_buf_str(&m));
    ac_buf_free(&m);
    b->failed = true;
}

static ynx *new_node(builder *b, yn_kind kind, yaml_mark_t mark)
{
    ynx *x = arena_alloc(b->ar, sizeof *x);
    x->n.kind = kind;
    x->n.file = b->doc->file;
    x->n.line = (int)mark.line + 1;
    x->n.col = (int)mark.column + 1;
    return x;
}

/* "tag:yaml.org,2002:str" -> "!!str" for messages. */
static const char *tag_display(const char *tag)
{
    static const char prefix[] = "tag:yaml.org,2002:";
    if (strncmp(tag, prefix, sizeof prefix - 1) == 0) return tag + sizeof prefix - 1;
    return tag;
}

static bool tag_is(const char *tag, const char *core) { return tag && strcmp(tag, core) == 0; }

static bool tag_is_core(const char *tag)
{
    static const char *const ok[] = { YAML_STR_TAG, YAML_INT_TAG, YAML_BOOL_TAG, YAML_NULL_TAG,
                                      YAML_FLOAT_TAG, YAML_MAP_TAG, YAML_SEQ_TAG, NULL };
    for (const char *const *t = ok; *t; t++)
        if (strcmp(tag, *t) == 0) return true;
    return false;
}

static void report_tag(builder *b, const yn_node *n, const char *tag)
{
    const char *d = tag_display(tag);
    b_error(b, n->line, n->col,
            "unsupported tag '%s%s' (allowed: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq)",
            d == tag ? "" : "!!", d);
}

/* Adds child to the collection on top of the stack (or makes it the root). line/col: where the
 * child appears (an alias's own position, not its anchor's). */
static void add_child(builder *b, ynx *child, int line, int col)
{
    if (b->depth == 0) {
        b->root = &child->n;
        return;
    }
    frame *f = &b->stack[b->depth - 1];
    if (f->node->n.kind == YN_MAP && f->n % 2 == 0 && child->n.kind != YN_SCALAR)
        b_error(b, child->n.line, child->n.col, "mapping keys must be scalars, not a %s",
                child->n.kind == YN_MAP ? "map" : "list");
    if (b->depth + (size_t)child->depth > YN_MAX_DEPTH) {
        b_error(b, line, col, "document too deeply nested (more than %d levels, aliases expanded)",
                YN_MAX_DEPTH);
        b->fatal = true;
        return;
    }
    f->expanded += child->expanded;
    if (child->depth > f->depth) f->depth = child->depth;
    if (f->expanded + 1 > YN_MAX_EXPANDED) {
        b_error(b, line, col,
                "document too large: more than %d nodes with aliases expanded (too many aliases?)",
                YN_MAX_EXPANDED);
        b->fatal = true;
        return;
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->kids = ac_realloc(f->kids, f->cap * sizeof *f->kids);
    }
    f->kids[f->n++] = &child->n;
}

static void register_anchor(builder *b, const char *anchor, ynx *node)
{
    if (anchor) anchors_set(&b->anchors, anchor, node);
}

static void on_scalar(builder *b, const yaml_event_t *ev)
{
    ynx *x = new_node(b, YN_SCALAR, ev->start_mark);
    yn_node *n = &x->n;
    size_t len = ev->data.scalar.length;
    n->str = arena_alloc_aligned(b->ar, len + 1, 1);
    memcpy(n->str, ev->data.scalar.value, len);
    n->str[len] = '\0';
    n->len = len;
    x->expanded = 1;
    x->depth = 0;

    const char *tag = (const char *)ev->data.scalar.tag;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (tag && strcmp(tag, "!") == 0 && !plain) tag = NULL;   /* "! 'x'" is just a string */
    if (!tag) {
        n->quoted = !plain;
        if (plain) {
            ac_scalar r = ac_core_resolve(n->str, n->len);
            n->stype = r.type; n->b = r.b; n->i = r.i; n->f = r.f;
        } else {
            n->stype = YN_STR;
        }
    } else if (tag_is(tag, YAML_STR_TAG)) {
        n->stype = YN_STR;
        n->quoted = true;
    } else if (tag_is(tag, YAML_INT_TAG) || tag_is(tag, YAML_FLOAT_TAG) ||
               tag_is(tag, YAML_BOOL_TAG) || tag_is(tag, YAML_NULL_TAG)) {
        ac_scalar r = ac_core_resolve(n->str, n->len);
        bool ok;
        if (tag_is(tag, YAML_INT_TAG)) ok = r.type == YN_INT;
        else if (tag_is(tag, YAML_FLOAT_TAG)) { ok = r.type == YN_INT || r.type == YN_FLOAT; r.type = YN_FLOAT; }
        else if (tag_is(tag, YAML_BOOL_TAG)) ok = r.type == YN_BOOL;
        else ok = r.type == YN_NULL;
        if (!ok) {
            b_error(b, n->line, n->col, "the value is not a valid !!%s", tag_display(tag));
            r.type = YN_STR;
        }
        n->stype = r.type; n->b = r.b; n->i = r.i; n->f = r.f;
    } else if (tag_is(tag, YAML_MAP_TAG) || tag_is(tag, YAML_SEQ_TAG)) {
        b_error(b, n->line, n->col, "tag '!!%s' on a scalar", tag_display(tag));
        n->stype = YN_STR;
    } else {
        report_tag(b, n, tag);
        n->stype = YN_STR;
    }
    register_anchor(b, (const char *)ev->data.scalar.anchor, x);
    add_child(b, x, n->line, n->col);
}

static void on_start(builder *b, const yaml_event_t *ev, yn_kind kind)
{
    if (b->depth + 1 > YN_MAX_DEPTH) {
        b_error(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                "document too deeply nested (more than %d levels)", YN_MAX_DEPTH);
        b->fatal = true;
        return;
    }
    ynx *x = new_node(b, kind, ev->start_mark);
    const char *tag = kind == YN_MAP ? (const char *)ev->data.mapping_start.tag
                                     : (const char *)ev->data.sequence_start.tag;
    const char *anchor = kind == YN_MAP ? (const char *)ev->data.mapping_start.anchor
                                        : (const char *)ev->data.sequence_start.anchor;
    if (tag && strcmp(tag, "!") != 0) {
        const char *want = kind == YN_MAP ? YAML_MAP_TAG : YAML_SEQ_TAG;
        if (!tag_is_core(tag)) report_tag(b, &x->n, tag);
        else if (strcmp(tag, want) != 0)
            b_error(b, x->n.line, x->n.col, "tag '!!%s' on a %s", tag_display(tag),
                    kind == YN_MAP ? "map" : "list");
    }
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->stack = ac_realloc(b->stack, b->cap * sizeof *b->stack);
    }
    frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof *f);
    f->node = x;
    f->anchor = anchor ? ac_strdup(anchor) : NULL;
}

typedef struct key_ref { const yn_node *key; size_t index; } key_ref;

static int key_ref_cmp(const void *pa, const void *pb)
{
    const key_ref *a = pa, *b = pb;
    size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
    int c = memcmp(a->key->str, b->key->str, n);
    if (c) return c;
    if (a->key->len != b->key->len) return a->key->len < b->key->len ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

typedef struct dup_pair { const yn_node *dup, *first; } dup_pair;

static int dup_pair_cmp(const void *pa, const void *pb)
{
    const dup_pair *a = pa, *b = pb;
    if (a->dup->line != b->dup->line) return a->dup->line < b->dup->line ? -1 : 1;
    return a->dup->col < b->dup->col ? -1 : a->dup->col > b->dup->col;
}

/* Reports every key that repeats an earlier one, in document order. */
static void check_duplicates(builder *b, const yn_node *map)
{
    size_t n = map->n_pairs;
    if (n < 2) return;
    key_ref *refs = ac_malloc(n * sizeof *refs);
    size_t nr = 0;
    for (size_t i = 0; i < n; i++)
        if (map->pairs[i].key->kind == YN_SCALAR) refs[nr++] = (key_ref){ map->pairs[i].key, i };
    qsort(refs, nr, sizeof *refs, key_ref_cmp);
    dup_pair *dups = ac_malloc(n * sizeof *dups);
    size_t nd = 0;
    for (size_t i = 1; i < nr; i++) {
        const yn_node *k = refs[i].key;
        size_t g = i;   /* find the group's first */
        while (g > 0 && refs[g - 1].key->len == k->len &&
               memcmp(refs[g - 1].key->str, k->str, k->len) == 0)
            g--;
        if (g != i) dups[nd++] = (dup_pair){ k, refs[g].key };
    }
    qsort(dups, nd, sizeof *dups, dup_pair_cmp);
    for (size_t i = 0; i < nd; i++)
        b_error(b, dups[i].dup->line, dups[i].dup->col,
                "duplicate key '%s' (first defined at line %d)", dups[i].dup->str,
                dups[i].first->line);
    free(dups);
    free(refs);
}

static void on_end(builder *b)
{
    if (b->depth == 0) return;
    frame f = b->stack[--b->depth];
    ynx *x = f.node;
    yn_node *n = &x->n;
    if (n->kind == YN_SEQ) {
        n->n_items = f.n;
        if (f.n) {
            n->items = arena_alloc(b->ar, f.n * sizeof *n->items);
            memcpy(n->items, f.kids, f.n * sizeof *n->items);
        }
    } else {
        n->n_pairs = f.n / 2;
        if (n->n_pairs) {
            n->pairs = arena_alloc(b->ar, n->n_pairs * sizeof *n->pairs);
            for (size_t i = 0; i < n->n_pairs; i++) {
                n->pairs[i].key = f.kids[2 * i];
                n->pairs[i].value = f.kids[2 * i + 1];
            }
        }
        check_duplicates(b, n);
    }
    x->expanded = f.expanded + 1;
    x->depth = f.depth + 1;
    free(f.kids);
    register_anchor(b, f.anchor, x);
    free(f.anchor);
    add_child(b, x, n->line, n->col);
}

static void on_alias(builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    ynx *x = anchors_get(&b->anchors, name);
    if (!x) {
        bool open = false;
        for (size_t i = 0; i < b->depth; i++)
            if (b->stack[i].anchor && strcmp(b->stack[i].anchor, name) == 0) open = true;
        b_error(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                open ? "alias '*%s' refers to a collection that contains it (recursive alias)"
                     : "unknown alias '*%s'", name);
        b->fatal = true;
        return;
    }
    add_child(b, x, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1);
}

/* Finds the first invalid UTF-8 sequence; returns its byte offset or SIZE_MAX. */
static size_t utf8_first_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) { need = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { need = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { need = 3; cp = c & 0x07; min = 0x10000; }
        else return i;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += need + 1;
    }
    return SIZE_MAX;
}

static void report_utf8(yn_doc *doc, size_t off, ac_diags *diags)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        if (c == '\n') { line++; col = 1; }
        else if ((c & 0xC0) != 0x80) col++;
    }
    ac_diag_add(diags, AC_DIAG_ERROR, doc->file, line, col, NULL, 0,
                "invalid UTF-8 on line %d (byte 0x%02X); case files must be UTF-8", line,
                (unsigned char)doc->text[off]);
}

/* The column (1-based) of the first tab in the indentation of the line holding byte off, or 0.
 * libyaml's words for a tab-indented line ("found character that cannot start any token")
 * do not say what is wrong; a tab is the usual cause when an editor indents. */
static int indent_tab_col(const yn_doc *doc, size_t off)
{
    if (off > doc->text_len) return 0;
    size_t start = off;
    while (start > 0 && doc->text[start - 1] != '\n') start--;
    for (size_t i = start; i < doc->text_len && (doc->text[i] == ' ' || doc->text[i] == '\t'); i++)
        if (doc->text[i] == '\t') return (int)(i - start) + 1;
    return 0;
}

static void report_syntax(builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        b_error(b, 0, 0, "cannot read YAML: %s", problem);
        return;
    }
    int tab = indent_tab_col(b->doc, m.index);
    if (tab) {
        b_error(b, (int)m.line + 1, tab, "tabs cannot indent YAML; indent with spaces");
        return;
    }
    if (p->context)
        b_error(b, (int)m.line + 1, (int)m.column + 1, "YAML syntax error: %s (%s at line %d)",
                problem, p->context, (int)p->context_mark.line + 1);
    else
        b_error(b, (int)m.line + 1, (int)m.column + 1, "YAML syntax error: %s", problem);
}

yn_doc *yn_parse(const char *file, const char *text, size_t len, ac_diags *diags)
{
    yn_doc *doc = ac_calloc(1, sizeof *doc);
    doc->file = ac_strdup(file ? file : "<input>");
    doc->text = ac_malloc(len + 1);
    if (len) memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->text_len = len;
    arena *ar = ac_calloc(1, sizeof *ar);
    doc->arena_ = ar;

    if (len > YN_MAX_FILE_SIZE) {
        ac_diag_add(diags, AC_DIAG_ERROR, doc->file, 0, 0, NULL, 0,
                    "file too large (%zu bytes; the limit is %u)", len, YN_MAX_FILE_SIZE);
        yn_doc_free(doc);
        return NULL;
    }
    size_t bad = utf8_first_invalid((const unsigned char *)doc->text, len);
    if (bad != SIZE_MAX) {
        report_utf8(doc, bad, diags);
        yn_doc_free(doc);
        return NULL;
    }

    size_t first_diag = diags->n;
    builder b = { .doc = doc, .ar = ar, .diags = diags };
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        ac_diag_add(diags, AC_DIAG_ERROR, doc->file, 0, 0, NULL, 0, "cannot initialise the YAML parser");
        yn_doc_free(doc);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)doc->text, len);
    int documents = 0;
    bool done = false;
    while (!done && !b.fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            report_syntax(&b, &parser);
            b.fatal = true;
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                b_error(&b, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                        "more than one YAML document in the file (one document per file)");
                b.fatal = true;
            }
            break;
        case YAML_SCALAR_EVENT: on_scalar(&b, &ev); break;
        case YAML_SEQUENCE_START_EVENT: on_start(&b, &ev, YN_SEQ); break;
        case YAML_MAPPING_START_EVENT: on_start(&b, &ev, YN_MAP); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: on_end(&b); break;
        case YAML_ALIAS_EVENT: on_alias(&b, &ev); break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    for (size_t i = 0; i < b.depth; i++) {
        free(b.stack[i].kids);
        free(b.stack[i].anchor);
    }
    free(b.stack);
    anchors_free(&b.anchors);
    ac_diags_sort_from(diags, first_diag);
    if (b.failed || b.fatal) {
        yn_doc_free(doc);
        return NULL;
    }
    doc->root = b.root;
    return doc;
}

/* How long a pipe may take to deliver its whole content (--vars-file <(secret-tool ...)). */
#define YN_PIPE_WAIT_MS 10000

/* Reads a regular file or a pipe, never more than YN_MAX_FILE_SIZE + 1 bytes (a file that grew
 * after stat, a /proc file) and never blocking for ever: a FIFO is opened without waiting for a
 * writer (none: empty) and read for at most YN_PIPE_WAIT_MS. Returns NULL with *err. */
static char *read_bounded(const char *file, bool pipe, size_t *len_out, char **err)
{
    int fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC | (pipe ? O_NONBLOCK : 0));
    if (fd < 0) {
        *err = ac_strdup(strerror(errno));
        return NULL;
    }
    ac_buf b;
    ac_buf_init(&b);
    char chunk[65536];
    double t0 = ac_now_ms();
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
            ac_buf_append(&b, chunk, (size_t)n);
            if (b.len > YN_MAX_FILE_SIZE) break;   /* yn_parse reports it as too large */
            continue;
        }
        if (n == 0) break;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int left = YN_PIPE_WAIT_MS - (int)(ac_now_ms() - t0);
            struct pollfd p = { .fd = fd, .events = POLLIN };
            if (left > 0 && poll(&p, 1, left) >= 0) continue;
            if (left > 0 && errno == EINTR) continue;
            *err = ac_sprintf("no end of data from the pipe within %d s", YN_PIPE_WAIT_MS / 1000);
        } else {
            *err = ac_strdup(strerror(errno));
        }
        close(fd);
        ac_buf_free(&b);
        return NULL;
    }
    close(fd);
    *len_out = b.len;
    return b.data ? ac_buf_steal(&b) : ac_strdup("");
}

yn_doc *yn_parse_file(const char *file, ac_diags *diags)
{
    struct stat st;
    if (stat(file, &st) != 0) {
        ac_diag_add(diags, AC_DIAG_ERROR, file, 0, 0, NULL, 0, "cannot read file: %s",
                    strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        ac_diag_add(diags, AC_DIAG_ERROR, file, 0, 0, NULL, 0, "is a directory, not a file");
        return NULL;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {   /* /dev/zero, a socket: never read */
        ac_diag_add(diags, AC_DIAG_ERROR, file, 0, 0, NULL, 0, "not a regular file (a %s)",
                    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device" : S_ISSOCK(st.st_mode) ? "socket" : "special file");
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > YN_MAX_FILE_SIZE) {
        ac_diag_add(diags, AC_DIAG_ERROR, file, 0, 0, NULL, 0,
                    "file too large (%lld bytes; the limit is %u)", (long long)st.st_size,
                    YN_MAX_FILE_SIZE);
        return NULL;
    }
    size_t len = 0;
    char *err = NULL;
    char *text = read_bounded(file, S_ISFIFO(st.st_mode), &len, &err);
    if (!text) {
        ac_diag_add(diags, AC_DIAG_ERROR, file, 0, 0, NULL, 0, "cannot read file: %s",
                    err ? err : "unknown error");
        free(err);
        return NULL;
    }
    yn_doc *doc = yn_parse(file, text, len, diags);
    free(text);
    return doc;
}

void yn_doc_free(yn_doc *doc)
{
    if (!doc) return;
    arena_free(doc->arena_);
    free(doc->file);
    free(doc->text);
    free(doc);
}

const yn_node *yn_get(const yn_node *map, const char *key)
{
    if (!map || map->kind != YN_MAP || !key) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yn_node *k = map->pairs[i].key;
        if (k->kind == YN_SCALAR && k->len == kl && memcmp(k->str, key, kl) == 0)
            return map->pairs[i].value;
    }
    return NULL;
}

bool yn_is_scalar(const yn_node *n) { return n && n->kind == YN_SCALAR; }
bool yn_is_str(const yn_node *n) { return yn_is_scalar(n) && n->stype == YN_STR; }
bool yn_is_int(const yn_node *n) { return yn_is_scalar(n) && n->stype == YN_INT; }
bool yn_is_number(const yn_node *n)
{
    return yn_is_scalar(n) && (n->stype == YN_INT || n->stype == YN_FLOAT);
}

const char *yn_kind_name(const yn_node *n)
{
    if (!n) return "nothing";
    switch (n->kind) {
    case YN_SEQ: return "list";
    case YN_MAP: return "map";
    case YN_SCALAR: break;
    }
    switch (n->stype) {
    case YN_NULL: return "null";
    case YN_BOOL: return "boolean";
    case YN_INT: return "integer";
    case YN_FLOAT: return "number";
    case YN_STR: break;
    }
    return "string";
}
