/* Values and operators shared by expectations and conditions: the operator table of
 * case-format.md 5.3, how one value is tested against one expected value, how expected YAML
 * values are interpolated and typed, and how values are shown (redacted, then capped).
 * See expect.c for how checks are assembled from these. */
#include "operators.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coreschema.h"
#include "jsonpath.h"
#include "redact.h"
#include "util.h"

/* ---- text helpers ------------------------------------------------------------------------ */

/* Cuts s (owned) to at most cap bytes plus "...", never inside a UTF-8 sequence or a redaction
 * marker. Returns s or its replacement. */
char *ac_op_cap(char *s, size_t cap)
{
    size_t len = strlen(s);
    if (len <= cap) return s;
    size_t cut = cap;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    const char *open = NULL;
    for (size_t k = cut; k > 0 && cut - k < 16; k--)
        if (s[k - 1] == '[') { open = s + k - 1; break; }
    if (open && strncmp(open, "[redacted", 9) == 0 && !memchr(open, ']', (size_t)(s + cut - open)))
        cut = (size_t)(open - s);
    char *out = ac_sprintf("%.*s...", (int)cut, s);
    free(s);
    return out;
}

/* Redacts, then caps. Caller frees. */
char *ac_op_shown(const char *s, size_t len, size_t cap)
{
    char *r = ac_redact(s ? s : "", s ? len : 0, NULL);
    return ac_op_cap(r, cap);
}

static void put_json_string(ac_buf *b, const char *s, size_t len)
{
    ac_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ac_buf_puts(b, "\\\""); break;
        case '\\': ac_buf_puts(b, "\\\\"); break;
        case '\n': ac_buf_puts(b, "\\n"); break;
        case '\r': ac_buf_puts(b, "\\r"); break;
        case '\t': ac_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20) ac_buf_printf(b, "\\u%04x", c);
            else ac_buf_putc(b, (char)c);
        }
    }
    ac_buf_putc(b, '"');
}

/* A string can be shown without quotes when a reader could not mistake it for another type or
 * lose spaces: non-empty, resolved as a string by the core schema, no edge spaces, plain chars. */
static bool bare_ok(const char *s, size_t len)
{
    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ') return false;
    if (ac_core_resolve(s, len).type != YN_STR) return false;
    /* "a: b" or "x #y" would read as YAML structure or a comment. */
    for (size_t i = 0; i + 1 < len; i++)
        if ((s[i] == ':' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '#')) return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || strchr(",[]{}\"'#\\", c)) return false;
    }
    return true;
}

/* Expected values in YAML flow style: [unauthorized_client, invalid_token]. */
static void put_flow(ac_buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        size_t len = strlen(v->valuestring);
        if (bare_ok(v->valuestring, len)) ac_buf_append(b, v->valuestring, len);
        else put_json_string(b, v->valuestring, len);
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        bool obj = cJSON_IsObject(v);
        ac_buf_putc(b, obj ? '{' : '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) ac_buf_puts(b, ", ");
            if (obj) {
                ac_buf_puts(b, c->string ? c->string : "");
                ac_buf_puts(b, ": ");
            }
            put_flow(b, c);
        }
        ac_buf_putc(b, obj ? '}' : ']');
    } else {
        char *t = ac_json_text(v);
        ac_buf_puts(b, t);
        free(t);
    }
}

char *ac_op_flow(const cJSON *v)
{
    ac_buf b;
    ac_buf_init(&b);
    put_flow(&b, v);
    return ac_buf_steal(&b);
}

/* Replaces %A and %E in a phrase template. */
char *ac_op_phrase(const char *tpl, const char *a, const char *e)
{
    ac_buf b;
    ac_buf_init(&b);
    for (const char *p = tpl; *p; p++) {
        if (p[0] == '%' && p[1] == 'A') { ac_buf_puts(&b, a); p++; }
        else if (p[0] == '%' && p[1] == 'E') { ac_buf_puts(&b, e); p++; }
        else ac_buf_putc(&b, *p);
    }
    return ac_buf_steal(&b);
}

/* ---- actual values ----------------------------------------------------------------------- */


ac_op_value ac_op_json_value(const cJSON *j) { return (ac_op_value){ .j = j }; }
ac_op_value ac_op_text_value(const char *s, size_t len, bool core) { return (ac_op_value){ .s = s ? s : "", .len = s ? len : 0, .core = core }; }

/* Text form: strings as they are, numbers and literals as written, structures as compact JSON. */
static char *value_text(const ac_op_value *a, size_t *len)
{
    char *t = a->j ? ac_json_text(a->j) : ac_strndup(a->s, a->len);
    *len = a->j ? strlen(t) : a->len;
    return t;
}

bool ac_op_parse_number(const char *s, size_t len, double *d)
{
    if (len == 0 || len > 64 || isspace((unsigned char)s[0]) || memchr(s, '\0', len)) return false;
    char buf[72];
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(v)) return false;
    /* strtod also reads hex and "inf"; only decimal numbers count. */
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", buf[i])) return false;
    *d = v;
    return true;
}

bool ac_op_number(const ac_op_value *a, double *d)
{
    if (a->j) {
        if (cJSON_IsNumber(a->j)) { *d = a->j->valuedouble; return true; }
        if (cJSON_IsString(a->j)) return ac_op_parse_number(a->j->valuestring, strlen(a->j->valuestring), d);
        return false;
    }
    return ac_op_parse_number(a->s, a->len, d);
}

static const char *json_type(const cJSON *j)
{
    if (cJSON_IsString(j)) return "string";
    if (cJSON_IsNumber(j)) return j->valuedouble == floor(j->valuedouble) && isfinite(j->valuedouble) ? "integer" : "number";
    if (cJSON_IsBool(j)) return "boolean";
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsArray(j)) return "array";
    if (cJSON_IsObject(j)) return "object";
    return "invalid";
}

static const char *value_type(const ac_op_value *a)
{
    if (a->j) return json_type(a->j);
    if (!a->core) return "string";
    ac_scalar sc = ac_core_resolve(a->s, a->len);
    switch (sc.type) {
    case YN_NULL: return "null";
    case YN_BOOL: return "boolean";
    case YN_INT: return "integer";
    case YN_FLOAT: return sc.f == floor(sc.f) && isfinite(sc.f) ? "integer" : "number";
    default: return "string";
    }
}

static const char *with_article(const char *type)
{
    if (strcmp(type, "integer") == 0) return "an integer";
    if (strcmp(type, "array") == 0) return "an array";
    if (strcmp(type, "object") == 0) return "an object";
    if (strcmp(type, "null") == 0) return "null";
    if (strcmp(type, "string") == 0) return "a string";
    if (strcmp(type, "number") == 0) return "a number";
    if (strcmp(type, "boolean") == 0) return "a boolean";
    return type;
}

/* A value inside a message: JSON for typed values, a JSON-quoted string for text. Redacted,
 * then capped. */
char *ac_op_display(const ac_op_value *a)
{
    ac_buf b;
    ac_buf_init(&b);
    if (a->j) {
        char *p = cJSON_PrintUnformatted(a->j);
        ac_buf_puts(&b, p ? p : "?");
        cJSON_free(p);
    } else {
        put_json_string(&b, a->s, a->len);
    }
    char *s = ac_op_shown(b.data ? b.data : "", b.len, AC_OP_VALUE_CAP);
    ac_buf_free(&b);
    return s;
}

bool ac_op_length(const ac_op_value *a, double *n)
{
    if (!a->j) { *n = (double)a->len; return true; }
    if (cJSON_IsString(a->j)) { *n = (double)strlen(a->j->valuestring); return true; }
    if (cJSON_IsArray(a->j) || cJSON_IsObject(a->j)) { *n = cJSON_GetArraySize(a->j); return true; }
    return false;
}

/* ---- comparisons ------------------------------------------------------------------------- */

static bool json_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsString(b)) return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsBool(a) && cJSON_IsBool(b)) return cJSON_IsTrue(a) == cJSON_IsTrue(b);
    if (cJSON_IsNull(a) && cJSON_IsNull(b)) return true;
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!json_equal(x, y)) return false;
        return !x && !y;
    }
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) return false;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !json_equal(x, y)) return false;
        }
        return true;
    }
    return false;
}

static bool value_equals(const ac_op_value *a, const cJSON *e)
{
    if (a->j) return json_equal(a->j, e);
    double x, y;
    if (cJSON_IsNumber(e)) return ac_op_parse_number(a->s, a->len, &x) && (y = e->valuedouble, x == y);
    if (cJSON_IsString(e)) return strlen(e->valuestring) == a->len && memcmp(e->valuestring, a->s, a->len) == 0;
    if (cJSON_IsBool(e) || cJSON_IsNull(e)) {
        const char *w = cJSON_IsNull(e) ? "null" : cJSON_IsTrue(e) ? "true" : "false";
        return strlen(w) == a->len && memcmp(w, a->s, a->len) == 0;
    }
    /* A structure against text: the text must be JSON of the same structure. */
    if (memchr(a->s, '\0', a->len)) return false;
    char *t = ac_strndup(a->s, a->len);
    cJSON *j = cJSON_ParseWithLengthOpts(t, a->len + 1, NULL, 1);
    bool eq = j && json_equal(j, e);
    cJSON_Delete(j);
    free(t);
    return eq;
}

static bool value_equals_ci(const ac_op_value *a, const cJSON *e)
{
    size_t alen;
    char *at = value_text(a, &alen), *et = ac_json_text(e);
    bool eq = alen == strlen(et) && strncasecmp(at, et, alen) == 0 && !memchr(at, '\0', alen);
    free(at);
    free(et);
    return eq;
}

/* memmem() is a GNU extension; this is the portable few lines. */
static bool has_substring(const char *h, size_t hlen, const char *n, size_t nlen)
{
    if (nlen == 0) return true;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nlen) == 0) return true;
    return false;
}

static bool value_contains_one(const ac_op_value *a, const cJSON *e)
{
    if (a->j && cJSON_IsArray(a->j)) {
        for (const cJSON *c = a->j->child; c; c = c->next) {
            ac_op_value x = ac_op_json_value(c);
            if (value_equals(&x, e)) return true;
        }
        return false;
    }
    if (a->j && cJSON_IsObject(a->j)) {
        char *k = ac_json_text(e);
        bool yes = cJSON_GetObjectItemCaseSensitive(a->j, k) != NULL;
        free(k);
        return yes;
    }
    size_t alen;
    char *at = value_text(a, &alen), *et = ac_json_text(e);
    bool yes = has_substring(at, alen, et, strlen(et));
    free(at);
    free(et);
    return yes;
}

static bool type_matches(const char *actual, const char *want)
{
    return strcmp(actual, want) == 0 || (strcmp(want, "number") == 0 && strcmp(actual, "integer") == 0);
}

/* ---- operators --------------------------------------------------------------------------- */



/* Sorted by name for bsearch. */
static const ac_op OPS[] = {
    { "absent", AC_OP_ABSENT, false, "", "", "is absent" },
    { "contains", AC_OP_CONTAINS, false, "%A does not contain %E", "%A contains %E", "contains" },
    { "equals", AC_OP_EQUALS, false, "%A, expected %E", "%A equals %E", "==" },
    { "equals_ci", AC_OP_EQUALS_CI, false, "%A, expected %E (ignoring case)", "%A equals %E (ignoring case)", "equals (ignoring case)" },
    { "exists", AC_OP_EXISTS, false, "", "", "exists" },
    { "ge", AC_OP_GE, false, "%A is not >= %E", "%A >= %E", ">=" },
    { "gt", AC_OP_GT, false, "%A is not > %E", "%A > %E", ">" },
    { "in", AC_OP_IN, false, "%A not in %E", "%A in %E", "in" },
    { "le", AC_OP_LE, false, "%A is not <= %E", "%A <= %E", "<=" },
    { "length", AC_OP_LENGTH, false, "", "", "length" },
    { "lt", AC_OP_LT, false, "%A is not < %E", "%A < %E", "<" },
    { "matches", AC_OP_MATCHES, false, "%A does not match %E", "%A matches %E", "matches" },
    { "matches_ci", AC_OP_MATCHES_CI, false, "%A does not match %E (ignoring case)", "%A matches %E (ignoring case)", "matches (ignoring case)" },
    { "not_contains", AC_OP_NOT_CONTAINS, true, "%A contains %E", "%A does not contain %E", "does not contain" },
    { "not_equals", AC_OP_NOT_EQUALS, true, "%A, expected anything but %E", "%A is not %E", "!=" },
    { "not_in", AC_OP_NOT_IN, true, "%A is in %E", "%A not in %E", "not in" },
    { "not_matches", AC_OP_NOT_MATCHES, true, "%A matches %E", "%A does not match %E", "does not match" },
    { "not_matches_ci", AC_OP_NOT_MATCHES_CI, true, "%A matches %E (ignoring case)", "%A does not match %E (ignoring case)", "does not match (ignoring case)" },
    { "type", AC_OP_TYPE, false, "%A is not of type %E", "%A is %E", "is of type" },
};

static int op_cmp(const void *key, const void *def) { return strcmp(key, ((const ac_op *)def)->name); }

const ac_op *ac_op_find(const char *name)
{
    return name ? bsearch(name, OPS, sizeof OPS / sizeof *OPS, sizeof *OPS, op_cmp) : NULL;
}


void ac_op_verdict_free(ac_op_verdict *v) { free(v->why); v->why = NULL; }

/* Tests one value a against the expected value e. re is the compiled regex for matches ops. */
ac_op_verdict ac_op_test(const ac_op *op, const ac_op_value *a, const cJSON *e, const regex_t *re)
{
    ac_op_verdict v = { 0 };
    switch (op->kind) {
    case AC_OP_EQUALS: v.holds = value_equals(a, e); break;
    case AC_OP_NOT_EQUALS: v.holds = !value_equals(a, e); break;
    case AC_OP_EQUALS_CI: v.holds = value_equals_ci(a, e); break;
    case AC_OP_IN:
    case AC_OP_NOT_IN: {
        bool found = false;
        if (cJSON_IsArray(e)) {
            for (const cJSON *c = e->child; c && !found; c = c->next)
                if (value_equals(a, c)) { found = true; v.culprit = c; }
        } else {
            found = value_equals(a, e);
        }
        v.holds = op->kind == AC_OP_IN ? found : !found;
        if (op->kind == AC_OP_IN) v.culprit = NULL;   /* show the whole list */
        break;
    }
    case AC_OP_MATCHES:
    case AC_OP_NOT_MATCHES:
    case AC_OP_MATCHES_CI:
    case AC_OP_NOT_MATCHES_CI: {
        size_t len;
        char *t = value_text(a, &len);
        bool m = regexec(re, t, 0, NULL, 0) == 0;
        free(t);
        v.holds = (op->kind == AC_OP_MATCHES || op->kind == AC_OP_MATCHES_CI) ? m : !m;
        break;
    }
    case AC_OP_CONTAINS:
    case AC_OP_NOT_CONTAINS: {
        bool want = op->kind == AC_OP_CONTAINS;
        v.holds = true;
        /* A list means all of them (contains) or none of them (not_contains). */
        if (cJSON_IsArray(e)) {
            for (const cJSON *c = e->child; c; c = c->next)
                if (value_contains_one(a, c) != want) { v.holds = false; v.culprit = c; break; }
        } else {
            v.holds = value_contains_one(a, e) == want;
        }
        break;
    }
    case AC_OP_TYPE: {
        const char *t = value_type(a);
        v.holds = false;
        if (cJSON_IsArray(e)) {
            for (const cJSON *c = e->child; c; c = c->next)
                if (cJSON_IsString(c) && type_matches(t, c->valuestring)) v.holds = true;
        } else {
            v.holds = cJSON_IsString(e) && type_matches(t, e->valuestring);
        }
        if (!v.holds) v.why = ac_sprintf("%%A is %s, expected %%E", with_article(t));
        break;
    }
    case AC_OP_GT:
    case AC_OP_GE:
    case AC_OP_LT:
    case AC_OP_LE: {
        double x, y;
        ac_op_value ev = ac_op_json_value(e);
        if (!ac_op_number(a, &x)) { v.why = ac_strdup("%A is not a number"); break; }
        if (!ac_op_number(&ev, &y)) { v.why = ac_strdup("expected value %E is not a number"); break; }
        v.holds = op->kind == AC_OP_GT ? x > y : op->kind == AC_OP_GE ? x >= y : op->kind == AC_OP_LT ? x < y : x <= y;
        break;
    }
    default:
        break;
    }
    return v;
}

/* ---- expected values --------------------------------------------------------------------- */

/* Converts an expected YAML value to JSON, interpolating strings; an unquoted scalar that is
 * exactly one ${...} is re-typed by the core schema after interpolation. */
cJSON *ac_op_expected(const yn_node *n, const ac_scope *scope, char **err)
{
    if (!n) return cJSON_CreateNull();
    if (n->kind == YN_MAP || n->kind == YN_SEQ) {
        bool map = n->kind == YN_MAP;
        cJSON *out = map ? cJSON_CreateObject() : cJSON_CreateArray();
        size_t count = map ? n->n_pairs : n->n_items;
        for (size_t i = 0; i < count; i++) {
            cJSON *v = ac_op_expected(map ? n->pairs[i].value : n->items[i], scope, err);
            if (!v) {
                cJSON_Delete(out);
                return NULL;
            }
            if (map) cJSON_AddItemToObject(out, n->pairs[i].key->str, v);
            else cJSON_AddItemToArray(out, v);
        }
        return out;
    }
    if (!n->quoted && n->stype != YN_STR) {
        switch (n->stype) {
        case YN_NULL: return cJSON_CreateNull();
        case YN_BOOL: return cJSON_CreateBool(n->b);
        case YN_INT: return cJSON_CreateNumber((double)n->i);
        default: return cJSON_CreateNumber(n->f);
        }
    }
    ac_ival iv;
    if (ac_interpolate(scope, n->str ? n->str : "", n->str ? n->len : 0, &iv, err) < 0) return NULL;
    cJSON *out = NULL;
    if (!n->quoted && iv.whole_expr) {
        ac_scalar sc = ac_core_resolve(iv.str, iv.len);
        switch (sc.type) {
        case YN_NULL: out = cJSON_CreateNull(); break;
        case YN_BOOL: out = cJSON_CreateBool(sc.b); break;
        case YN_INT: out = cJSON_CreateNumber((double)sc.i); break;
        case YN_FLOAT: out = isfinite(sc.f) ? cJSON_CreateNumber(sc.f) : NULL; break;
        default: break;
        }
    }
    if (!out) out = cJSON_CreateString(iv.str);
    ac_ival_free(&iv);
    return out;
}

cJSON *ac_op_numeric_form(cJSON *e)
{
    double d;
    if (!cJSON_IsString(e) || !ac_op_parse_number(e->valuestring, strlen(e->valuestring), &d)) return e;
    cJSON_Delete(e);
    return cJSON_CreateNumber(d);
}

bool ac_op_is_regex(const ac_op *op)
{
    return op->kind == AC_OP_MATCHES || op->kind == AC_OP_NOT_MATCHES || op->kind == AC_OP_MATCHES_CI ||
           op->kind == AC_OP_NOT_MATCHES_CI;
}

bool ac_op_is_comparison(const ac_op *op)
{
    return op->kind == AC_OP_GT || op->kind == AC_OP_GE || op->kind == AC_OP_LT || op->kind == AC_OP_LE;
}

int ac_op_regcomp(const ac_op *op, const cJSON *e, regex_t *re, char **err)
{
    char *pat = ac_json_text(e);
    int flags = REG_EXTENDED | REG_NOSUB;
    if (op->kind == AC_OP_MATCHES_CI || op->kind == AC_OP_NOT_MATCHES_CI) flags |= REG_ICASE;
    int rc = regcomp(re, pat, flags);
    if (rc != 0) {
        char buf[256];
        regerror(rc, re, buf, sizeof buf);
        *err = ac_sprintf("invalid regular expression '%s': %s", pat, buf);
        free(pat);
        return -1;
    }
    free(pat);
    return 0;
}
