/* A small JSON path evaluator over cJSON documents (see jsonpath.h for the syntax).
 * A path is parsed into segments first, so syntax errors are found without a document. */
#include "jsonpath.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef enum { JP_NAME, JP_INDEX, JP_WILD } jp_sel;

typedef struct jp_seg {
    jp_sel sel;
    bool descend;          /* ..sel: apply to the node and all its descendants */
    char *name;            /* JP_NAME, owned */
    long index;            /* JP_INDEX, negative counts from the end */
} jp_seg;

typedef struct jp_path {
    jp_seg *segs;
    size_t n;
} jp_path;

static void path_free(jp_path *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->segs[i].name);
    free(p->segs);
    p->segs = NULL;
    p->n = 0;
}

static void path_push(jp_path *p, jp_seg s)
{
    p->segs = ac_realloc(p->segs, (p->n + 1) * sizeof *p->segs);
    p->segs[p->n++] = s;
}

/* Characters allowed in a dotted name: letters, digits, '_', '-', '$' and any non-ASCII byte
 * (UTF-8 names); anything else needs the bracket form. */
static bool name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '$' || c >= 0x80;
}

static int syntax_error(const char *path, size_t pos, const char *what, char **err)
{
    if (err) *err = ac_sprintf("JSON path '%s': %s at column %zu", path, what, pos + 1);
    return -1;
}

/* Parses [ 'name' | "name" | N | * ] starting at path[*i] == '['. */
static int parse_bracket(const char *path, size_t *i, jp_seg *seg, char **err)
{
    size_t p = *i + 1;
    while (path[p] == ' ') p++;
    if (path[p] == '\'' || path[p] == '"') {
        char q = path[p++];
        ac_buf b;
        ac_buf_init(&b);
        for (;;) {
            if (path[p] == '\0') {
                ac_buf_free(&b);
                return syntax_error(path, p, "unterminated quoted name", err);
            }
            if (path[p] == q) break;
            /* A backslash escapes the quote or itself, so any key can be written. */
            if (path[p] == '\\' && (path[p + 1] == q || path[p + 1] == '\\')) p++;
            ac_buf_putc(&b, path[p++]);
        }
        p++;
        seg->sel = JP_NAME;
        seg->name = ac_buf_steal(&b);
    } else if (path[p] == '*') {
        seg->sel = JP_WILD;
        p++;
    } else if (path[p] == '-' || isdigit((unsigned char)path[p])) {
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)path[p + (path[p] == '-')]))
            return syntax_error(path, p, "expected an index", err);
        long v = strtol(path + p, &end, 10);
        if (errno == ERANGE) return syntax_error(path, p, "index out of range", err);
        seg->sel = JP_INDEX;
        seg->index = v;
        p = (size_t)(end - path);
    } else {
        return syntax_error(path, p, "expected a quoted name, an index or * inside [ ]", err);
    }
    while (path[p] == ' ') p++;
    if (path[p] != ']') {
        free(seg->name);
        seg->name = NULL;
        return syntax_error(path, p, "expected ']'", err);
    }
    *i = p + 1;
    return 0;
}

static int path_parse(const char *path, jp_path *out, char **err)
{
    out->segs = NULL;
    out->n = 0;
    if (!path || path[0] != '$') return syntax_error(path ? path : "", 0, "a path starts with '$'", err);
    size_t i = 1;
    while (path[i]) {
        jp_seg seg = { 0 };
        if (path[i] == '.' && path[i + 1] == '.') {
            seg.descend = true;
            i += 2;
            if (path[i] == '[') {
                if (parse_bracket(path, &i, &seg, err) < 0) goto fail;
                path_push(out, seg);
                continue;
            }
        } else if (path[i] == '.') {
            i++;
        } else if (path[i] == '[') {
            if (parse_bracket(path, &i, &seg, err) < 0) goto fail;
            path_push(out, seg);
            continue;
        } else {
            syntax_error(path, i, "expected '.' or '['", err);
            goto fail;
        }
        if (path[i] == '*') {
            seg.sel = JP_WILD;
            i++;
        } else {
            size_t start = i;
            while (path[i] && name_char((unsigned char)path[i])) i++;
            if (i == start) {
                syntax_error(path, i, "expected a name or * after '.'", err);
                goto fail;
            }
            seg.sel = JP_NAME;
            seg.name = ac_strndup(path + start, i - start);
        }
        path_push(out, seg);
    }
    return 0;
fail:
    path_free(out);
    return -1;
}

static void result_push(ac_jp_result *r, const cJSON *j)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->items = ac_realloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->n++] = j;
}

/* Applies one selector to one node, appending the matches in document order. */
static void select_children(const cJSON *node, const jp_seg *seg, ac_jp_result *out)
{
    switch (seg->sel) {
    case JP_NAME:
        if (!cJSON_IsObject(node)) return;
        for (const cJSON *c = node->child; c; c = c->next)
            if (c->string && strcmp(c->string, seg->name) == 0) result_push(out, c);
        return;
    case JP_WILD:
        if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) return;
        for (const cJSON *c = node->child; c; c = c->next) result_push(out, c);
        return;
    case JP_INDEX: {
        if (!cJSON_IsArray(node)) return;
        long n = cJSON_GetArraySize(node);
        long idx = seg->index < 0 ? n + seg->index : seg->index;
        if (idx < 0 || idx >= n) return;
        const cJSON *c = node->child;
        for (long k = 0; k < idx; k++) c = c->next;
        result_push(out, c);
        return;
    }
    }
}

/* The node itself and every descendant, pre-order. */
static void collect_descendants(const cJSON *node, ac_jp_result *out)
{
    result_push(out, node);
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        for (const cJSON *c = node->child; c; c = c->next) collect_descendants(c, out);
}

void ac_jp_result_free(ac_jp_result *r)
{
    if (!r) return;
    free(r->items);
    r->items = NULL;
    r->n = r->cap = 0;
}

int ac_jsonpath_eval(const cJSON *root, const char *path, ac_jp_result *out, char **err)
{
    out->items = NULL;
    out->n = out->cap = 0;
    jp_path p;
    if (path_parse(path, &p, err) < 0) return -1;
    if (!root) {
        path_free(&p);
        return 0;
    }
    ac_jp_result cur = { 0 };
    result_push(&cur, root);
    for (size_t s = 0; s < p.n && cur.n > 0; s++) {
        ac_jp_result next = { 0 };
        for (size_t k = 0; k < cur.n; k++) {
            if (p.segs[s].descend) {
                ac_jp_result all = { 0 };
                collect_descendants(cur.items[k], &all);
                for (size_t d = 0; d < all.n; d++) select_children(all.items[d], &p.segs[s], &next);
                ac_jp_result_free(&all);
            } else {
                select_children(cur.items[k], &p.segs[s], &next);
            }
        }
        ac_jp_result_free(&cur);
        cur = next;
    }
    path_free(&p);
    *out = cur;
    return 0;
}

int ac_jsonpath_check(const char *path, char **err)
{
    jp_path p;
    if (path_parse(path, &p, err) < 0) return -1;
    path_free(&p);
    return 0;
}

bool ac_jsonpath_is_single(const char *path)
{
    jp_path p;
    if (path_parse(path, &p, NULL) < 0) return false;
    bool single = true;
    for (size_t i = 0; i < p.n; i++)
        if (p.segs[i].descend || p.segs[i].sel == JP_WILD) single = false;
    path_free(&p);
    return single;
}

char *ac_number_text(double d)
{
    if (d != d) return ac_strdup("nan");
    if (d - d != 0) return ac_strdup(d > 0 ? "inf" : "-inf");
    /* Exact integers print as integers (2^53 is the end of exact doubles). The range check
     * comes first: casting a double outside long long's range is undefined behaviour. */
    if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(long long)d)
        return ac_sprintf("%lld", (long long)d);
    char *s = ac_sprintf("%.15g", d);
    if (strtod(s, NULL) != d) {
        free(s);
        s = ac_sprintf("%.17g", d);
    }
    return s;
}

char *ac_json_text(const cJSON *v)
{
    if (!v) return ac_strdup("");
    if (cJSON_IsString(v)) return ac_strdup(v->valuestring ? v->valuestring : "");
    if (cJSON_IsNumber(v)) return ac_number_text(v->valuedouble);
    if (cJSON_IsTrue(v)) return ac_strdup("true");
    if (cJSON_IsFalse(v)) return ac_strdup("false");
    if (cJSON_IsNull(v)) return ac_strdup("null");
    char *p = cJSON_PrintUnformatted(v);
    char *s = ac_strdup(p ? p : "");
    cJSON_free(p);
    return s;
}
