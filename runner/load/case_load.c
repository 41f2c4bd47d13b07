/* Loading and validating case files, the suite manifest and vars files (docs/case-format.md). */
#include "case_load.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "duration.h"
#include "jsonpath.h"
#include "suggest.h"
#include "vars.h"

/* response_* exist while a response's expectations are evaluated (expect.values, operators). */
const char *const ac_builtin_var_names[] = { "now", "uuid", "random", "target", "response_body",
                                             "response_status", NULL };

#define MAX_WAIT_S 600.0
#define MAX_REPEAT 100000L
#define MAX_STEP_REPEAT 1000L
#define MAX_TOLERANCE_S 60.0
#define MAX_DIR_DEPTH 32

/* ---- key and vocabulary tables ----------------------------------------------------------- */

static const char *const FILE_KEYS[] = { "suite", "description", "tags", "fixtures", "tests", NULL };
static const char *const TEST_KEYS[] = { "id", "name", "description", "severity", "refs", "tags",
    "requires", "control", "when", "skip_on", "request", "expect", "capture", "steps", "repeat",
    "concurrency", "expect_all", "profiles", NULL };
static const char *const FIXTURE_KEYS[] = { "description", "shared", "requires", "request", "expect", "capture",
    NULL };
static const char *const REQUEST_KEYS[] = { "method", "path", "url", "headers", "query", "form",
    "json", "body", "timeout", "follow_redirects", "http_version", NULL };
static const char *const EXPECT_KEYS[] = { "status", "headers", "json", "body", "jwt",
    "duration_ms", "any_of", "values", "connection_closed_ok", NULL };
static const char *const RUN_EXPECT_KEYS[] = { "exit", NULL };
static const char *const STEP_KEYS[] = { "name", "request", "expect", "capture", "until",
    "compare", "run", "wait", "when", "skip_on", "repeat", "control", NULL };
static const char *const REQUEST_STEP_KEYS[] = { "name", "request", "expect", "capture", "until",
    "compare", "when", "skip_on", "repeat", "control", NULL };
static const char *const RUN_STEP_KEYS[] = { "name", "run", "expect", "when", "control", NULL };
/* A wait step may carry checks computed in the run (expect: values only): `wait: 0s` checks
 * without a request (the offline weak-secret check). */
static const char *const WAIT_STEP_KEYS[] = { "name", "wait", "when", "expect", NULL };
static const char *const RUN_KEYS[] = { "command", "env", "timeout", NULL };
static const char *const UNTIL_KEYS[] = { "every", "within", NULL };
static const char *const COMPARE_KEYS[] = { "with", "same", "differ", "ignore_headers", NULL };
static const char *const COMPARE_ITEM_KEYS[] = { "what", "severity", "tolerance", NULL };
static const char *const CAPTURE_KEYS[] = { "json", "header", "body", "secret", "optional", NULL };
static const char *const JWT_KEYS[] = { "from", "json", "header", "claims", "assert", NULL };
static const char *const SKIP_ON_KEYS[] = { "status", "reason", NULL };
static const char *const STATUS_MAP_KEYS[] = { "in", "not_in", "severity", NULL };
static const char *const OVERRIDE_KEYS[] = { "request", "expect", "severity", "steps", NULL };
static const char *const EXPECT_ALL_KEYS[] = { "distinct", "no_5xx", "status", "any_status", NULL };
static const char *const HEADER_ITEM_KEYS[] = { "name", "value", NULL };
static const char *const MANIFEST_KEYS[] = { "name", "version", "description", "cases",
    "profiles", "variables", "references", NULL };
static const char *const MANIFEST_REF_KEYS[] = { "title", "url", NULL };
static const char *const MANIFEST_VAR_KEYS[] = { "env", "default", "fallback", "description",
    "secret", "command", NULL };
static const char *const VARS_ENTRY_KEYS[] = { "value", "secret", NULL };

static const char *const ALL_OPS[] = { "equals", "not_equals", "in", "not_in", "matches",
    "not_matches", "matches_ci", "not_matches_ci", "contains", "not_contains", "type", "exists",
    "absent", "gt", "ge", "lt", "le", "length", "equals_ci", NULL };
static const char *const BODY_OPS[] = { "equals", "not_equals", "equals_ci", "in", "not_in",
    "contains", "not_contains", "matches", "not_matches", "matches_ci", "not_matches_ci",
    "length", NULL };
static const char *const NUMERIC_OPS[] = { "equals", "not_equals", "in", "not_in", "gt", "ge",
    "lt", "le", NULL };
static const char *const DURATION_OPS[] = { "gt", "ge", "lt", "le", NULL };
static const char *const ASSERT_OPS[] = { "equals", "not_equals", "gt", "ge", "lt", "le", NULL };
static const char *const SEVERITY_KEY[] = { "severity", NULL };
static const char *const ASSERT_EXTRA[] = { "expr", "tolerance", "severity", NULL };
static const char *const WHEN_EXTRA[] = { "value", "kind", "reason", NULL };
static const char *const WHEN_KINDS[] = { "not-applicable", "not-configured", NULL };
static const char *const VALUES_EXTRA[] = { "value", "severity", NULL };
static const char *const NO_KEYS[] = { NULL };

static const char *const TYPE_NAMES[] = { "string", "number", "integer", "boolean", "null",
    "array", "object", NULL };
static const char *const SEVERITY_WORDS[] = { "must", "should", "info", NULL };
static const char *const COMPARE_WORDS[] = { "status", "body", "header_names", NULL };

/* ---- small helpers ----------------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

bool ac_is_var_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return false;
    return true;
}

bool ac_is_id(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-')) return false;
    return true;
}

/* Fixture names and `requires` entries: [A-Za-z_][A-Za-z0-9_-]* */
static bool is_req_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-')) return false;
    return true;
}

/* An HTTP token (RFC 9110 5.6.2). */
static bool is_token(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("!#$%&'*+-.^_`|~", *s))) return false;
    return true;
}

static bool has_template(const yn_node *n)
{
    return n && n->kind == YN_SCALAR && n->str && strstr(n->str, "${") != NULL;
}

static void list_join(ac_buf *b, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (i) ac_buf_puts(b, ", ");
        ac_buf_puts(b, list[i]);
    }
}

static void strlist_join(ac_buf *b, const ac_strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) ac_buf_puts(b, ", ");
        ac_buf_puts(b, l->items[i]);
    }
}

/* "string \"abc\"", "integer 3", "a map", ... for messages. */
static void describe(const yn_node *n, char *buf, size_t size)
{
    if (!n) { snprintf(buf, size, "nothing"); return; }
    if (n->kind == YN_MAP) { snprintf(buf, size, "a map"); return; }
    if (n->kind == YN_SEQ) { snprintf(buf, size, "a list"); return; }
    switch (n->stype) {
    case YN_NULL: snprintf(buf, size, "null"); return;
    case YN_STR:
        snprintf(buf, size, "string \"%.40s%s\"", n->str, n->len > 40 ? "..." : "");
        return;
    default:
        snprintf(buf, size, "%s %.40s", yn_kind_name(n), n->str);
        return;
    }
}

/* A scalar's text when it is a scalar other than null; else NULL. */
static const char *scalar_text(const yn_node *n)
{
    if (!n || n->kind != YN_SCALAR || n->stype == YN_NULL) return NULL;
    return n->str;
}

/* ---- loader state ------------------------------------------------------------------------ */

typedef struct id_seen { char *id; const char *file; int line; } id_seen;   /* file: in id_files */
typedef struct fixture_cap { const char *var; const char *fixture; } fixture_cap;

typedef struct loader {
    const ac_load_opts *opts;
    ac_diags *diags;
    const ac_manifest *man;
    bool have_manifest;
    id_seen *ids; size_t n_ids, cap_ids;
    ac_strlist id_files;   /* the files of ids, one copy per file (ids outlive a lint's files) */
    size_t *id_slots; size_t n_id_slots;   /* open-addressing index into ids (i + 1; 0 = empty) */
    /* the file being loaded */
    const yn_doc *doc;
    ac_suite_file *sf;
    fixture_cap *fcaps; size_t n_fcaps, cap_fcaps;
    bool no_source;     /* vars files: never show a source line */
} loader;

/* Which variables a template at some place may read. */
typedef struct vctx {
    const char *kind;              /* "test" or "fixture" */
    const char *owner;             /* test id or fixture name (may be "?") */
    const ac_strlist *requires;    /* borrowed */
    ac_strlist caps;               /* owned: captures visible here */
    const ac_strlist *later_caps;  /* borrowed: every capture of the test's steps, or NULL */
} vctx;

static void lerr(loader *L, const yn_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lerr(loader *L, const yn_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ac_buf m;
    ac_buf_init(&m);
    ac_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    const char *file = at ? at->file : (L->doc ? L->doc->file : NULL);
    const char *src = (L->doc && !L->no_source) ? L->doc->text : NULL;
    size_t src_len = src ? L->doc->text_len : 0;
    ac_diag_add(L->diags, AC_DIAG_ERROR, file, at ? at->line : 0, at ? at->col : 0, src, src_len,
                "%s", ac_buf_str(&m));
    ac_buf_free(&m);
}

static bool want_map(loader *L, const yn_node *n, const char *what)
{
    if (n && n->kind == YN_MAP) return true;
    char d[96];
    describe(n, d, sizeof d);
    lerr(L, n, "%s must be a map, got %s", what, d);
    return false;
}

static bool want_list(loader *L, const yn_node *n, const char *what, bool nonempty)
{
    if (!n || n->kind != YN_SEQ) {
        char d[96];
        describe(n, d, sizeof d);
        lerr(L, n, "%s must be a list, got %s", what, d);
        return false;
    }
    if (nonempty && n->n_items == 0) {
        lerr(L, n, "%s must not be empty", what);
        return false;
    }
    return true;
}

static bool want_str(loader *L, const yn_node *n, const char *what)
{
    if (yn_is_str(n)) return true;
    char d[96];
    describe(n, d, sizeof d);
    lerr(L, n, "%s must be a string, got %s", what, d);
    return false;
}

/* A non-null scalar used as text (names, descriptions, ids). */
static const char *want_text(loader *L, const yn_node *n, const char *what)
{
    const char *t = scalar_text(n);
    if (t) return t;
    char d[96];
    describe(n, d, sizeof d);
    lerr(L, n, "%s must be a string, got %s", what, d);
    return NULL;
}

static bool want_bool(loader *L, const yn_node *n, const char *what)
{
    if (yn_is_scalar(n) && n->stype == YN_BOOL) return true;
    char d[96];
    describe(n, d, sizeof d);
    lerr(L, n, "%s must be true or false, got %s", what, d);
    return false;
}

/* Reports every key of map that is not in allowed. ctx names the map ("test", "request"). */
static void check_keys(loader *L, const yn_node *map, const char *ctx, const char *const *allowed)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yn_node *k = map->pairs[i].key;
        if (in_list(k->str, allowed)) continue;
        const char *s = ac_suggest_from_list(k->str, allowed);
        if (s) {
            lerr(L, k, "unknown key '%s' in %s (did you mean '%s'?)", k->str, ctx, s);
        } else {
            ac_buf b;
            ac_buf_init(&b);
            list_join(&b, allowed);
            lerr(L, k, "unknown key '%s' in %s (allowed: %s)", k->str, ctx, ac_buf_str(&b));
            ac_buf_free(&b);
        }
    }
}

static const yn_node *key_of(const yn_node *map, const char *key)
{
    if (!map || map->kind != YN_MAP) return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->str, key) == 0) return map->pairs[i].key;
    return NULL;
}

/* ---- variables and templates ------------------------------------------------------------- */

static void vctx_init(vctx *V, const char *kind, const char *owner, const ac_strlist *requires)
{
    memset(V, 0, sizeof *V);
    V->kind = kind;
    V->owner = owner ? owner : "?";
    V->requires = requires;
}

static void vctx_copy(vctx *dst, const vctx *src)
{
    *dst = *src;
    memset(&dst->caps, 0, sizeof dst->caps);
    for (size_t i = 0; i < src->caps.n; i++) ac_strlist_push(&dst->caps, src->caps.items[i]);
}

static void vctx_free(vctx *V) { ac_strlist_free(&V->caps); }

static bool known_var(const loader *L, const char *name)
{
    if (in_list(name, ac_builtin_var_names)) return true;
    if (ac_manifest_find_var(L->man, name)) return true;
    if (L->opts->known_vars && ac_strlist_contains(L->opts->known_vars, name)) return true;
    return false;
}

static bool var_defined(const loader *L, const vctx *V, const char *name)
{
    if (known_var(L, name)) return true;
    if (ac_strlist_contains(&V->caps, name)) return true;
    if (V->requires && ac_strlist_contains(V->requires, name)) return true;
    return false;
}

/* Records that the files read (or, for a capture, set) variable name: the unused --var and
 * vars-file checks (varcheck.h) compare against what this walk saw. */
static void note_use(const loader *L, const char *name)
{
    if (L->opts->uses) ac_var_uses_add(L->opts->uses, name);
}

static const char *fixture_capturing(const loader *L, const char *var)
{
    for (size_t i = 0; i < L->n_fcaps; i++)
        if (strcmp(L->fcaps[i].var, var) == 0) return L->fcaps[i].fixture;
    return NULL;
}

static void report_undefined(loader *L, const vctx *V, const yn_node *at, const char *name)
{
    const char *fx = strcmp(V->kind, "test") == 0 ? fixture_capturing(L, name) : NULL;
    if (fx) {
        lerr(L, at, "variable '%s' is captured by fixture '%s', which test %s does not require "
             "(add %s to its requires)", name, fx, V->owner, fx);
        return;
    }
    if (V->later_caps && ac_strlist_contains(V->later_caps, name)) {
        lerr(L, at, "variable '%s' is used in %s %s before the step that captures it", name,
             V->kind, V->owner);
        return;
    }
    ac_suggest c = { 0 };
    ac_suggest_add_list(&c, ac_builtin_var_names);
    for (size_t i = 0; L->man && i < L->man->n_vars; i++) ac_suggest_add(&c, L->man->vars[i].name);
    ac_suggest_add_strlist(&c, L->opts->known_vars);
    ac_suggest_add_strlist(&c, &V->caps);
    ac_suggest_add_strlist(&c, V->requires);
    char dym[128];
    ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, name));
    ac_suggest_free(&c);
    lerr(L, at, "undefined variable '%s' in %s %s%s (not declared by the suite manifest, "
         "listed in requires, set with --var/--vars-file, captured before use, or built in)",
         name, V->kind, V->owner, dym);
}

/* Checks the template syntax of a string scalar and that every variable it reads is defined. */
static void check_template(loader *L, const vctx *V, const yn_node *n)
{
    if (!n || n->kind != YN_SCALAR || n->stype != YN_STR || !strchr(n->str, '$')) return;
    ac_strlist names = { 0 };
    char *err = NULL;
    ac_strlist *env = L->opts->uses ? &L->opts->uses->env : NULL;
    if (ac_template_refs(n->str, n->len, &names, env, &err) != 0) {
        lerr(L, n, "invalid template: %s", err ? err : "syntax error");
        free(err);
        ac_strlist_free(&names);
        return;
    }
    ac_strlist seen = { 0 };
    for (size_t i = 0; i < names.n; i++) {
        if (ac_strlist_contains(&seen, names.items[i])) continue;
        ac_strlist_push(&seen, names.items[i]);
        note_use(L, names.items[i]);
        if (V && !var_defined(L, V, names.items[i])) report_undefined(L, V, n, names.items[i]);
    }
    ac_strlist_free(&seen);
    ac_strlist_free(&names);
}

/* check_template on every scalar value in a tree (not on map keys). */
static void check_template_tree(loader *L, const vctx *V, const yn_node *n)
{
    if (!n) return;
    if (n->kind == YN_SCALAR) check_template(L, V, n);
    else if (n->kind == YN_SEQ)
        for (size_t i = 0; i < n->n_items; i++) check_template_tree(L, V, n->items[i]);
    else
        for (size_t i = 0; i < n->n_pairs; i++) check_template_tree(L, V, n->pairs[i].value);
}

/* ---- value checks ------------------------------------------------------------------------ */

static void check_regex(loader *L, const vctx *V, const yn_node *n, const char *what, bool ci)
{
    const char *t = want_text(L, n, what);
    if (!t) return;
    if (has_template(n)) {
        check_template(L, V, n);
        return;
    }
    regex_t re;
    int rc = regcomp(&re, t, REG_EXTENDED | REG_NOSUB | (ci ? REG_ICASE : 0));
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        lerr(L, n, "invalid regular expression \"%s\": %s%s", t, msg,
             strncmp(t, "(?", 2) == 0 ? " ((?i) is not POSIX: use matches_ci / not_matches_ci)"
                                      : "");
        return;
    }
    regfree(&re);
}

static void check_jsonpath(loader *L, const yn_node *n, const char *what)
{
    if (!want_str(L, n, what)) return;
    char *err = NULL;
    if (ac_jsonpath_check(n->str, &err) != 0) {
        lerr(L, n, "invalid JSON path \"%s\": %s", n->str, err ? err : "syntax error");
        free(err);
    }
}

/* Durations: a number of seconds, or a string such as 250ms, 2s, 1m; templates allowed. */
static void check_duration(loader *L, const vctx *V, const yn_node *n, const char *what,
                           double max_s, bool positive)
{
    double v;
    if (yn_is_number(n)) {
        v = n->f;
    } else if (yn_is_str(n) && has_template(n)) {
        check_template(L, V, n);
        return;
    } else if (yn_is_str(n)) {
        char *err = NULL;
        if (ac_parse_duration(n->str, &v, &err) != 0) {
            lerr(L, n, "%s: %s", what, err ? err : "not a duration");
            free(err);
            return;
        }
    } else {
        char d[96];
        describe(n, d, sizeof d);
        lerr(L, n, "%s must be a duration (seconds, or a string like 250ms, 2s, 1m), got %s",
             what, d);
        return;
    }
    if (!isfinite(v) || v < 0) lerr(L, n, "%s must not be negative", what);
    else if (positive && v == 0) lerr(L, n, "%s must be more than 0", what);
    else if (max_s > 0 && v > max_s) lerr(L, n, "%s must be at most %g s, got %g s", what, max_s, v);
}

static void check_severity(loader *L, const yn_node *n)
{
    if (!n) return;
    if (n->kind == YN_SCALAR) {
        if (yn_is_str(n) && in_list(n->str, SEVERITY_WORDS)) return;
        char d[96], dym[96];
        describe(n, d, sizeof d);
        ac_did_you_mean(dym, sizeof dym, yn_is_str(n) ? ac_suggest_from_list(n->str, SEVERITY_WORDS) : NULL);
        lerr(L, n, "severity must be must, should or info (or a map profile -> word), got %s%s",
             d, dym);
        return;
    }
    if (n->kind != YN_MAP) {
        lerr(L, n, "severity must be must, should or info, or a map profile -> word, got a list");
        return;
    }
    if (n->n_pairs == 0) lerr(L, n, "severity map must not be empty");
    for (size_t i = 0; i < n->n_pairs; i++) {
        const yn_node *k = n->pairs[i].key, *v = n->pairs[i].value;
        if (strcmp(k->str, "default") != 0 && !ac_strlist_contains(&L->man->profiles, k->str)) {
            ac_suggest c = { 0 };
            ac_suggest_add_strlist(&c, &L->man->profiles);
            ac_suggest_add(&c, "default");
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, k->str));
            ac_suggest_free(&c);
            ac_buf b;
            ac_buf_init(&b);
            for (size_t j = 0; j < L->man->profiles.n; j++)
                ac_buf_printf(&b, "%s, ", L->man->profiles.items[j]);
            lerr(L, k, "unknown profile '%s' in severity%s (profiles: %sdefault)", k->str, dym,
                 ac_buf_str(&b));
            ac_buf_free(&b);
        }
        if (!yn_is_str(v) || !in_list(v->str, SEVERITY_WORDS)) {
            char d[96], dym[96];
            describe(v, d, sizeof d);
            ac_did_you_mean(dym, sizeof dym, yn_is_str(v) ? ac_suggest_from_list(v->str, SEVERITY_WORDS) : NULL);
            lerr(L, v, "severity must be must, should or info, got %s%s", d, dym);
        }
    }
}

static bool status_item_ok(const yn_node *n)
{
    if (yn_is_int(n)) return n->i >= 100 && n->i <= 599;
    if (yn_is_str(n))
        return n->len == 3 && n->str[0] >= '1' && n->str[0] <= '5' &&
               (n->str[1] == 'x' || n->str[1] == 'X') && (n->str[2] == 'x' || n->str[2] == 'X');
    return false;
}

static void check_status_list(loader *L, const yn_node *n, const char *what, bool nonempty)
{
    if (!want_list(L, n, what, nonempty)) return;
    for (size_t i = 0; i < n->n_items; i++) {
        if (status_item_ok(n->items[i])) continue;
        char d[96];
        describe(n->items[i], d, sizeof d);
        lerr(L, n->items[i], "%s: a status must be a code 100-599 or a class like 4xx, got %s",
             what, d);
    }
}

/* status: 200 | 4xx | [..] | { in: [..], not_in: [..], severity } */
static void check_status(loader *L, const yn_node *n, const char *what, bool allow_map)
{
    if (n->kind == YN_SEQ) {
        check_status_list(L, n, what, true);
        return;
    }
    if (n->kind == YN_MAP && allow_map) {
        check_keys(L, n, what, STATUS_MAP_KEYS);
        const yn_node *in = yn_get(n, "in"), *not_in = yn_get(n, "not_in");
        if (!in && !not_in) lerr(L, n, "%s map needs in or not_in", what);
        if (in) check_status_list(L, in, "status in", true);
        if (not_in) check_status_list(L, not_in, "status not_in", false);
        check_severity(L, yn_get(n, "severity"));
        return;
    }
    if (status_item_ok(n)) return;
    char d[96];
    describe(n, d, sizeof d);
    lerr(L, n, "%s must be a code 100-599, a class like 4xx, a list%s, got %s", what,
         allow_map ? " or { in, not_in }" : "", d);
}

static void check_opmap(loader *L, const vctx *V, const yn_node *map, const char *ctx,
                        const char *const *ops, const char *const *extra);

static void check_op_value(loader *L, const vctx *V, const char *op, const yn_node *v,
                           const char *ctx)
{
    char what[128];
    snprintf(what, sizeof what, "%s in %s", op, ctx);
    char d[96];
    if (!strcmp(op, "equals") || !strcmp(op, "not_equals")) {
        check_template_tree(L, V, v);
    } else if (!strcmp(op, "in") || !strcmp(op, "not_in")) {
        if (want_list(L, v, what, false)) check_template_tree(L, V, v);
    } else if (!strcmp(op, "matches") || !strcmp(op, "not_matches")) {
        check_regex(L, V, v, what, false);
    } else if (!strcmp(op, "matches_ci") || !strcmp(op, "not_matches_ci")) {
        check_regex(L, V, v, what, true);
    } else if (!strcmp(op, "contains") || !strcmp(op, "not_contains")) {
        if (v->kind == YN_SEQ) {
            if (v->n_items == 0) lerr(L, v, "%s must not be an empty list", what);
            for (size_t i = 0; i < v->n_items; i++)
                if (want_text(L, v->items[i], what)) check_template(L, V, v->items[i]);
        } else if (v->kind == YN_SCALAR && v->stype != YN_NULL) {
            check_template(L, V, v);
        } else {
            describe(v, d, sizeof d);
            lerr(L, v, "%s must be a value or a list of values, got %s", what, d);
        }
    } else if (!strcmp(op, "type")) {
        const yn_node *const *items = &v;
        size_t n = 1;
        if (v->kind == YN_SEQ) {
            items = (const yn_node *const *)v->items;
            n = v->n_items;
            if (n == 0) lerr(L, v, "%s must not be an empty list", what);
        }
        for (size_t i = 0; i < n; i++) {
            const yn_node *t = items[i];
            if (yn_is_str(t) && in_list(t->str, TYPE_NAMES)) continue;
            if (yn_is_scalar(t) && t->stype == YN_NULL && !strcmp(t->str, "null")) continue;
            char dym[96];
            describe(t, d, sizeof d);
            ac_did_you_mean(dym, sizeof dym, yn_is_str(t) ? ac_suggest_from_list(t->str, TYPE_NAMES) : NULL);
            if (yn_is_str(t) && !strcmp(t->str, "int")) snprintf(dym, sizeof dym, " (did you mean 'integer'?)");
            if (yn_is_str(t) && !strcmp(t->str, "bool")) snprintf(dym, sizeof dym, " (did you mean 'boolean'?)");
            lerr(L, t, "unknown type %s in %s%s (types: string, number, integer, boolean, null, "
                 "array, object)", d, ctx, dym);
        }
    } else if (!strcmp(op, "exists") || !strcmp(op, "absent")) {
        if (!(yn_is_scalar(v) && v->stype == YN_BOOL && v->b)) {
            describe(v, d, sizeof d);
            lerr(L, v, "%s must be true (use %s: true for the opposite), got %s", what,
                 !strcmp(op, "exists") ? "absent" : "exists", d);
        }
    } else if (!strcmp(op, "gt") || !strcmp(op, "ge") || !strcmp(op, "lt") || !strcmp(op, "le")) {
        if (yn_is_number(v)) {
            if (isnan(v->f)) lerr(L, v, "%s must be a number, got .nan", what);
        } else if (yn_is_str(v) && has_template(v)) {
            check_template(L, V, v);
        } else if (yn_is_str(v)) {
            char *end = NULL;
            double x = strtod(v->str, &end);
            (void)x;
            if (end == v->str || *end != '\0') {
                describe(v, d, sizeof d);
                lerr(L, v, "%s must be a number, got %s", what, d);
            }
        } else {
            describe(v, d, sizeof d);
            lerr(L, v, "%s must be a number, got %s", what, d);
        }
    } else if (!strcmp(op, "length")) {
        if (yn_is_int(v)) {
            if (v->i < 0) lerr(L, v, "%s must not be negative", what);
        } else if (yn_is_str(v) && has_template(v)) {
            check_template(L, V, v);
        } else if (v->kind == YN_MAP) {
            check_opmap(L, V, v, "length", NUMERIC_OPS, NO_KEYS);
        } else {
            describe(v, d, sizeof d);
            lerr(L, v, "%s must be an integer or a map of operators, got %s", what, d);
        }
    } else if (!strcmp(op, "equals_ci")) {
        if (want_text(L, v, what)) check_template(L, V, v);
    }
}

/* A map of operators (section 5.3). ops: allowed operators; extra: other keys the caller
 * validates itself (severity, value, expr...). */
static void check_opmap(loader *L, const vctx *V, const yn_node *map, const char *ctx,
                        const char *const *ops, const char *const *extra)
{
    size_t n_ops = 0, n_bad = 0;
    const yn_node *exists = NULL, *absent = NULL;
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yn_node *k = map->pairs[i].key, *v = map->pairs[i].value;
        if (in_list(k->str, extra)) continue;
        if (!in_list(k->str, ops)) {
            ac_suggest c = { 0 };
            ac_suggest_add_list(&c, ops);
            ac_suggest_add_list(&c, extra);
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, k->str));
            ac_suggest_free(&c);
            if (in_list(k->str, ALL_OPS))
                lerr(L, k, "operator '%s' cannot be used in %s", k->str, ctx);
            else
                lerr(L, k, "unknown operator '%s' in %s%s", k->str, ctx, dym);
            n_bad++;
            continue;
        }
        n_ops++;
        if (!strcmp(k->str, "exists")) exists = k;
        if (!strcmp(k->str, "absent")) absent = k;
        check_op_value(L, V, k->str, v, ctx);
    }
    if (exists && absent) lerr(L, absent, "exists and absent cannot be used together");
    if (n_ops == 0 && n_bad == 0) {
        ac_buf b;
        ac_buf_init(&b);
        list_join(&b, ops);
        lerr(L, map, "%s has no operator (use one of: %s)", ctx, ac_buf_str(&b));
        ac_buf_free(&b);
    }
}

/* A check value: a scalar (equals) or a map of operators with an optional severity. */
static void check_value_check(loader *L, const vctx *V, const yn_node *v, const char *ctx)
{
    if (v->kind == YN_MAP) {
        check_opmap(L, V, v, ctx, ALL_OPS, SEVERITY_KEY);
        check_severity(L, yn_get(v, "severity"));
    } else if (v->kind == YN_SCALAR) {
        check_template(L, V, v);
    } else {
        /* A list of operator maps: several checks on one value, each with its own severity. */
        bool maps = v->n_items > 0;
        for (size_t i = 0; i < v->n_items; i++)
            if (v->items[i]->kind != YN_MAP) maps = false;
        if (!maps) {
            lerr(L, v, "%s must be a value, a map of operators or a list of such maps, got a list "
                 "of values (to compare with a list write { equals: [...] })", ctx);
            return;
        }
        for (size_t i = 0; i < v->n_items; i++) {
            check_opmap(L, V, v->items[i], ctx, ALL_OPS, SEVERITY_KEY);
            check_severity(L, yn_get(v->items[i], "severity"));
        }
    }
}

/* ---- expect ------------------------------------------------------------------------------ */

static void check_expect(loader *L, const vctx *V, const yn_node *e, const char *ctx);

static bool jwt_expr_ok(const char *s)
{
    /* TERM ((+|-) TERM)* where TERM is a name, a number or now */
    const char *p = s;
    for (;;) {
        while (*p == ' ') p++;
        if (isalpha((unsigned char)*p) || *p == '_') {
            while (isalnum((unsigned char)*p) || *p == '_') p++;
        } else if (isdigit((unsigned char)*p)) {
            while (isdigit((unsigned char)*p)) p++;
            if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p)) return false;
                while (isdigit((unsigned char)*p)) p++;
            }
        } else {
            return false;
        }
        while (*p == ' ') p++;
        if (*p == '\0') return true;
        if (*p != '+' && *p != '-') return false;
        p++;
    }
}

static void check_jwt(loader *L, const vctx *V, const yn_node *j)
{
    if (!want_map(L, j, "jwt")) return;
    check_keys(L, j, "jwt", JWT_KEYS);
    const yn_node *from = yn_get(j, "from"), *json = yn_get(j, "json");
    if (from && json) lerr(L, key_of(j, "json"), "jwt takes from or json, not both");
    else if (!from && !json) lerr(L, j, "jwt needs from (a template) or json (a JSON path)");
    if (from && want_str(L, from, "jwt from")) check_template(L, V, from);
    if (json) check_jsonpath(L, json, "jwt json");
    static const char *const parts[] = { "header", "claims" };
    for (int p = 0; p < 2; p++) {
        const yn_node *m = yn_get(j, parts[p]);
        if (!m || !want_map(L, m, p ? "jwt claims" : "jwt header")) continue;
        for (size_t i = 0; i < m->n_pairs; i++) {
            const yn_node *k = m->pairs[i].key;
            if (k->str[0] == '$') check_jsonpath(L, k, "jwt claim path");
            char ctx[160];
            snprintf(ctx, sizeof ctx, "jwt %s %.100s", parts[p], k->str);
            check_value_check(L, V, m->pairs[i].value, ctx);
        }
    }
    const yn_node *as = yn_get(j, "assert");
    if (as && want_list(L, as, "jwt assert", true)) {
        for (size_t i = 0; i < as->n_items; i++) {
            const yn_node *a = as->items[i];
            if (!want_map(L, a, "a jwt assert item")) continue;
            const yn_node *expr = yn_get(a, "expr");
            if (!expr) lerr(L, a, "jwt assert item needs expr");
            else if (want_str(L, expr, "expr")) {
                if (has_template(expr)) check_template(L, V, expr);
                else if (!jwt_expr_ok(expr->str))
                    lerr(L, expr, "invalid expr \"%s\" (expected TERM (+|- TERM)*, a term being "
                         "a claim name, a number or now)", expr->str);
            }
            const yn_node *tol = yn_get(a, "tolerance");
            if (tol && (!yn_is_number(tol) || tol->f < 0)) {
                char d[96];
                describe(tol, d, sizeof d);
                lerr(L, tol, "tolerance must be a number >= 0, got %s", d);
            }
            check_opmap(L, V, a, "jwt assert", ASSERT_OPS, ASSERT_EXTRA);
            check_severity(L, yn_get(a, "severity"));
        }
    }
}

static void check_expect_headers(loader *L, const vctx *V, const yn_node *h)
{
    if (!want_map(L, h, "expect headers")) return;
    for (size_t i = 0; i < h->n_pairs; i++) {
        const yn_node *k = h->pairs[i].key;
        if (!is_token(k->str)) lerr(L, k, "'%s' is not a valid header name", k->str);
        for (size_t j = 0; j < i; j++)
            if (ac_streq_ci(h->pairs[j].key->str, k->str)) {
                lerr(L, k, "header '%s' is already checked at line %d (header names are "
                     "case-insensitive)", k->str, h->pairs[j].key->line);
                break;
            }
        char ctx[160];
        snprintf(ctx, sizeof ctx, "header %.100s", k->str);
        check_value_check(L, V, h->pairs[i].value, ctx);
    }
}

static void check_expect(loader *L, const vctx *V, const yn_node *e, const char *ctx)
{
    if (!want_map(L, e, ctx)) return;
    check_keys(L, e, ctx, EXPECT_KEYS);
    const yn_node *n;
    if ((n = yn_get(e, "status"))) check_status(L, n, "status", true);
    if ((n = yn_get(e, "headers"))) check_expect_headers(L, V, n);
    if ((n = yn_get(e, "json")) && want_map(L, n, "expect json")) {
        for (size_t i = 0; i < n->n_pairs; i++) {
            const yn_node *k = n->pairs[i].key;
            check_jsonpath(L, k, "json key");
            char c[160];
            snprintf(c, sizeof c, "json %.100s", k->str);
            check_value_check(L, V, n->pairs[i].value, c);
        }
    }
    if ((n = yn_get(e, "body")) && want_map(L, n, "expect body")) {
        check_opmap(L, V, n, "body", BODY_OPS, SEVERITY_KEY);
        check_severity(L, yn_get(n, "severity"));
    }
    if ((n = yn_get(e, "jwt"))) check_jwt(L, V, n);
    if ((n = yn_get(e, "duration_ms"))) {
        if (yn_is_number(n)) {
            if (n->f < 0) lerr(L, n, "duration_ms must not be negative");
        } else if (n->kind == YN_MAP) {
            check_opmap(L, V, n, "duration_ms", DURATION_OPS, SEVERITY_KEY);
            check_severity(L, yn_get(n, "severity"));
        } else {
            char d[96];
            describe(n, d, sizeof d);
            lerr(L, n, "duration_ms must be a number or a map of gt/ge/lt/le, got %s", d);
        }
    }
    if ((n = yn_get(e, "values")) && want_list(L, n, "values", true)) {
        for (size_t i = 0; i < n->n_items; i++) {
            const yn_node *it = n->items[i];
            if (!want_map(L, it, "a values item")) continue;
            const yn_node *val = yn_get(it, "value");
            if (!val) lerr(L, it, "a values item needs value (a template)");
            else if (want_str(L, val, "value")) check_template(L, V, val);
            check_opmap(L, V, it, "values", ALL_OPS, VALUES_EXTRA);
            check_severity(L, yn_get(it, "severity"));
        }
    }
    if ((n = yn_get(e, "connection_closed_ok"))) want_bool(L, n, "connection_closed_ok");
    if ((n = yn_get(e, "any_of")) && want_list(L, n, "any_of", true))
        for (size_t i = 0; i < n->n_items; i++) check_expect(L, V, n->items[i], "any_of block");
}

static void check_run_expect(loader *L, const yn_node *e)
{
    if (!want_map(L, e, "a run step's expect")) return;
    check_keys(L, e, "a run step's expect", RUN_EXPECT_KEYS);
    const yn_node *x = yn_get(e, "exit");
    if (!x) return;
    const yn_node *const *items = &x;
    size_t n = 1;
    if (x->kind == YN_SEQ) {
        items = (const yn_node *const *)x->items;
        n = x->n_items;
        if (n == 0) lerr(L, x, "exit must not be an empty list");
    }
    for (size_t i = 0; i < n; i++)
        if (!yn_is_int(items[i]) || items[i]->i < 0 || items[i]->i > 255) {
            char d[96];
            describe(items[i], d, sizeof d);
            lerr(L, items[i], "exit must be an exit status 0-255 (or a list of them), got %s", d);
        }
}

/* ---- request, capture, conditions -------------------------------------------------------- */

static void check_name_value_map(loader *L, const vctx *V, const yn_node *m, const char *what,
                                 bool allow_null)
{
    if (!want_map(L, m, what)) return;
    for (size_t i = 0; i < m->n_pairs; i++) {
        const yn_node *v = m->pairs[i].value;
        if (v->kind == YN_SCALAR && (v->stype != YN_NULL || allow_null)) {
            check_template(L, V, v);
            continue;
        }
        char d[96];
        describe(v, d, sizeof d);
        lerr(L, v, "%s value of '%s' must be a string%s, got %s", what, m->pairs[i].key->str,
             allow_null ? " (or null to omit it)" : "", d);
    }
}

static void check_request(loader *L, const vctx *V, const yn_node *r)
{
    if (!want_map(L, r, "request")) return;
    check_keys(L, r, "request", REQUEST_KEYS);
    const yn_node *n;
    if ((n = yn_get(r, "method")) && want_str(L, n, "method")) {
        if (has_template(n)) check_template(L, V, n);
        else if (!is_token(n->str)) lerr(L, n, "method \"%s\" is not a valid HTTP method", n->str);
    }
    const yn_node *path = yn_get(r, "path"), *url = yn_get(r, "url");
    if (path && url) lerr(L, key_of(r, "url"), "request takes path or url, not both");
    else if (!path && !url) lerr(L, r, "request needs path (joined to --target) or url");
    if (path && want_str(L, path, "path")) check_template(L, V, path);
    if (url && want_str(L, url, "url")) {
        if (has_template(url)) check_template(L, V, url);
        else if (!ac_str_startswith(url->str, "http://") && !ac_str_startswith(url->str, "https://"))
            lerr(L, url, "url must be absolute (http:// or https://); use path for a path "
                 "relative to --target");
    }
    if ((n = yn_get(r, "headers"))) {
        if (n->kind == YN_SEQ) {
            for (size_t i = 0; i < n->n_items; i++) {
                const yn_node *h = n->items[i];
                if (!want_map(L, h, "a headers list item")) continue;
                check_keys(L, h, "a headers list item", HEADER_ITEM_KEYS);
                const yn_node *hn = yn_get(h, "name"), *hv = yn_get(h, "value");
                if (!hn || !hv) lerr(L, h, "a headers list item needs name and value");
                if (hn && want_str(L, hn, "header name")) {
                    if (has_template(hn)) check_template(L, V, hn);
                    else if (!is_token(hn->str))
                        lerr(L, hn, "'%s' is not a valid header name", hn->str);
                }
                if (hv && want_text(L, hv, "header value")) check_template(L, V, hv);
            }
        } else if (n->kind == YN_MAP) {
            for (size_t i = 0; i < n->n_pairs; i++) {
                const yn_node *k = n->pairs[i].key;
                if (!has_template(k) && !is_token(k->str))
                    lerr(L, k, "'%s' is not a valid header name", k->str);
            }
            check_name_value_map(L, V, n, "header", false);
        } else {
            char d[96];
            describe(n, d, sizeof d);
            lerr(L, n, "headers must be a map or a list of {name, value} maps, got %s", d);
        }
    }
    if ((n = yn_get(r, "query"))) check_name_value_map(L, V, n, "query", true);
    if ((n = yn_get(r, "form"))) check_name_value_map(L, V, n, "form", true);
    if ((n = yn_get(r, "json"))) check_template_tree(L, V, n);
    if ((n = yn_get(r, "body")) && want_text(L, n, "body")) check_template(L, V, n);
    /* Only one of form, json, body: report the second and later ones. */
    const char *first = NULL;
    for (size_t i = 0; i < r->n_pairs; i++) {
        const char *k = r->pairs[i].key->str;
        if (strcmp(k, "form") && strcmp(k, "json") && strcmp(k, "body")) continue;
        if (first)
            lerr(L, r->pairs[i].key, "request takes only one of form, json and body (found %s "
                 "and %s)", first, k);
        else
            first = k;
    }
    if ((n = yn_get(r, "timeout"))) check_duration(L, V, n, "timeout", 0, true);
    if ((n = yn_get(r, "follow_redirects"))) want_bool(L, n, "follow_redirects");
    if ((n = yn_get(r, "http_version"))) {
        const char *t = scalar_text(n);
        if (!t || (strcmp(t, "1.1") && strcmp(t, "2"))) {
            char d[96];
            describe(n, d, sizeof d);
            lerr(L, n, "http_version must be \"1.1\" or \"2\", got %s", d);
        }
    }
}

/* Validates a capture map; appends the captured names to names. */
static void check_capture(loader *L, const yn_node *c, ac_strlist *names)
{
    if (!want_map(L, c, "capture")) return;
    for (size_t i = 0; i < c->n_pairs; i++) {
        const yn_node *k = c->pairs[i].key, *v = c->pairs[i].value;
        if (!ac_is_var_name(k->str)) {
            lerr(L, k, "capture name '%s' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
                 k->str);
        } else {
            if (names) ac_strlist_push(names, k->str);
            note_use(L, k->str);
        }
        if (yn_is_str(v)) {
            check_jsonpath(L, v, "capture");
            continue;
        }
        if (v->kind != YN_MAP) {
            char d[96];
            describe(v, d, sizeof d);
            lerr(L, v, "capture '%s' must be a JSON path or a map { json | header | body, "
                 "secret }, got %s", k->str, d);
            continue;
        }
        check_keys(L, v, "capture", CAPTURE_KEYS);
        const yn_node *json = yn_get(v, "json"), *header = yn_get(v, "header"),
                      *body = yn_get(v, "body");
        int count = !!json + !!header + !!body;
        if (count == 0) lerr(L, v, "capture '%s' needs one of json, header, body", k->str);
        if (count > 1) lerr(L, v, "capture '%s' takes only one of json, header, body", k->str);
        if (json) check_jsonpath(L, json, "capture json");
        if (header && want_str(L, header, "capture header") && !is_token(header->str))
            lerr(L, header, "'%s' is not a valid header name", header->str);
        if (body) check_regex(L, NULL, body, "capture body", false);
        const yn_node *secret = yn_get(v, "secret");
        if (secret) want_bool(L, secret, "secret");
        const yn_node *optional = yn_get(v, "optional");
        if (optional) want_bool(L, optional, "optional");
    }
}

static void check_when(loader *L, const vctx *V, const yn_node *w)
{
    const yn_node *const *items = &w;
    size_t n = 1;
    if (w->kind == YN_SEQ) {
        items = (const yn_node *const *)w->items;
        n = w->n_items;
        if (n == 0) lerr(L, w, "when must not be an empty list");
    }
    for (size_t i = 0; i < n; i++) {
        const yn_node *c = items[i];
        if (!want_map(L, c, "when")) continue;
        const yn_node *value = yn_get(c, "value");
        if (!value) lerr(L, c, "when needs value (a template such as \"${is_jwt(access_token)}\")");
        else if (want_str(L, value, "when value")) check_template(L, V, value);
        /* What a false condition means for coverage: the check does not apply to this target
         * (the default), or the run was not given what it needs to judge it. */
        const yn_node *kind = yn_get(c, "kind");
        const char *k = kind ? want_text(L, kind, "when kind") : NULL;
        if (k && !in_list(k, WHEN_KINDS)) {
            ac_buf b;
            ac_buf_init(&b);
            list_join(&b, WHEN_KINDS);
            lerr(L, kind, "when kind '%s' is not one of %s", k, ac_buf_str(&b));
            ac_buf_free(&b);
        }
        const yn_node *reason = yn_get(c, "reason");
        if (reason) want_text(L, reason, "when reason");
        check_opmap(L, V, c, "when", ALL_OPS, WHEN_EXTRA);
    }
}

static void check_skip_on(loader *L, const yn_node *s)
{
    if (!want_list(L, s, "skip_on", true)) return;
    for (size_t i = 0; i < s->n_items; i++) {
        const yn_node *m = s->items[i];
        if (!want_map(L, m, "a skip_on item")) continue;
        check_keys(L, m, "skip_on", SKIP_ON_KEYS);
        const yn_node *st = yn_get(m, "status"), *reason = yn_get(m, "reason");
        if (!st) lerr(L, m, "skip_on item needs status");
        else check_status(L, st, "skip_on status", true);
        if (!reason) lerr(L, m, "skip_on item needs reason (it becomes the skip reason)");
        else want_text(L, reason, "reason");
    }
}

static void check_run(loader *L, const vctx *V, const yn_node *r)
{
    if (!want_map(L, r, "run")) return;
    check_keys(L, r, "run", RUN_KEYS);
    const yn_node *cmd = yn_get(r, "command");
    if (!cmd) {
        lerr(L, r, "run needs command (a variable reference such as \"${revoke_command}\")");
    } else if (want_str(L, cmd, "run command")) {
        size_t len = cmd->len;
        char name[256] = "";
        bool single = len > 3 && len < sizeof name && ac_str_startswith(cmd->str, "${") &&
                      cmd->str[len - 1] == '}';
        if (single) {
            memcpy(name, cmd->str + 2, len - 3);
            name[len - 3] = '\0';
            single = ac_is_var_name(name) && !in_list(name, ac_builtin_var_names);
        }
        if (!single) {
            lerr(L, cmd, "run command must be exactly one variable reference such as "
                 "\"${revoke_command}\" (commands never come from case files)");
        } else if (ac_strlist_contains(&V->caps, name) || fixture_capturing(L, name) ||
                   (V->later_caps && ac_strlist_contains(V->later_caps, name))) {
            lerr(L, cmd, "run command variable '%s' is a capture; a command must come from the "
                 "environment, --var or --vars-file", name);
        } else {
            const ac_var_decl *d = ac_manifest_find_var(L->man, name);
            if (d && d->default_value && !d->command)
                lerr(L, cmd, "run command variable '%s' has a suite default; a command must come "
                     "from the environment, --var or --vars-file (declare it with command: true "
                     "and no default)", name);
            else
                check_template(L, V, cmd);
        }
    }
    const yn_node *env = yn_get(r, "env");
    if (env && want_map(L, env, "run env")) {
        for (size_t i = 0; i < env->n_pairs; i++) {
            const yn_node *k = env->pairs[i].key, *v = env->pairs[i].value;
            if (!ac_is_var_name(k->str))
                lerr(L, k, "'%s' is not a valid environment variable name", k->str);
            if (want_text(L, v, "run env value")) check_template(L, V, v);
        }
    }
    const yn_node *t = yn_get(r, "timeout");
    if (t) check_duration(L, V, t, "run timeout", 0, true);
}

/* ---- steps ------------------------------------------------------------------------------- */

/* `{ what: duration_median, tolerance: D }`: only in same, and both steps must run with repeat. */
static void check_duration_median(loader *L, const yn_node *it, bool in_same, long my_repeat,
                                  const ac_step *other)
{
    if (it->kind != YN_MAP) {
        lerr(L, it, "duration_median needs a tolerance: write { what: duration_median, tolerance: 50ms }");
        return;
    }
    const yn_node *what = yn_get(it, "what"), *tol = yn_get(it, "tolerance");
    if (!in_same)
        lerr(L, what, "duration_median belongs in same (the medians must not differ by more than "
             "the tolerance)");
    if (!tol) {
        lerr(L, it, "duration_median needs a tolerance (e.g. tolerance: 50ms)");
    } else {
        double v = 0;
        char *err = NULL;
        bool parsed = yn_is_number(tol) ? (v = tol->f, true)
                    : yn_is_str(tol) && !has_template(tol) && ac_parse_duration(tol->str, &v, &err) == 0;
        if (!parsed)
            lerr(L, tol, "tolerance must be a duration such as 50ms or 0.05%s%s", err ? ": " : "",
                 err ? err : "");
        else if (!isfinite(v) || v < 0)
            lerr(L, tol, "tolerance must not be negative");
        else if (v > MAX_TOLERANCE_S)
            lerr(L, tol, "tolerance must be at most %g s, got %g s", MAX_TOLERANCE_S, v);
        free(err);
    }
    if (my_repeat < 2)
        lerr(L, what, "duration_median needs repeat: N (2 or more) on this step");
    if (other && other->kind == AC_STEP_REQUEST && other->repeat < 2)
        lerr(L, what, "duration_median needs repeat: N (2 or more) on step '%s' too", other->name);
}

static void check_compare_item(loader *L, const yn_node *it, bool in_same, long my_repeat,
                               const ac_step *other)
{
    const yn_node *what = it;
    if (it->kind == YN_MAP) {
        check_keys(L, it, "compare item", COMPARE_ITEM_KEYS);
        what = yn_get(it, "what");
        check_severity(L, yn_get(it, "severity"));
        if (!what) {
            lerr(L, it, "compare item needs what");
            return;
        }
    }
    if (yn_is_str(what) && strcmp(what->str, "duration_median") == 0) {
        check_duration_median(L, it, in_same, my_repeat, other);
        return;
    }
    if (it->kind == YN_MAP && yn_get(it, "tolerance")) {
        const yn_node *k = key_of(it, "tolerance");
        lerr(L, k ? k : it, "tolerance applies to duration_median only");
    }
    if (!yn_is_str(what)) {
        char d[96];
        describe(what, d, sizeof d);
        lerr(L, what, "compare item must be status, body, header_names, json:PATH, header:NAME "
             "or { what, severity }, or { what: duration_median, tolerance }, got %s", d);
        return;
    }
    const char *s = what->str;
    if (in_list(s, COMPARE_WORDS)) return;
    if (ac_str_startswith(s, "json:")) {
        char *err = NULL;
        if (ac_jsonpath_check(s + 5, &err) != 0) {
            lerr(L, what, "invalid JSON path \"%s\": %s", s + 5, err ? err : "syntax error");
            free(err);
        }
        return;
    }
    if (ac_str_startswith(s, "header:")) {
        if (!is_token(s + 7)) lerr(L, what, "'%s' is not a valid header name", s + 7);
        return;
    }
    char dym[96];
    ac_did_you_mean(dym, sizeof dym, ac_suggest_from_list(s, COMPARE_WORDS));
    lerr(L, what, "unknown compare item '%s'%s (use status, body, header_names, json:PATH or "
         "header:NAME)", s, dym);
}

static void check_compare(loader *L, const yn_node *c, const ac_step *earlier, size_t n_earlier,
                          const yn_node *later_steps, size_t my_index, long my_repeat)
{
    const ac_step *found = NULL;
    if (!want_map(L, c, "compare")) return;
    check_keys(L, c, "compare", COMPARE_KEYS);
    const yn_node *with = yn_get(c, "with");
    if (!with) {
        lerr(L, c, "compare needs with (the name of an earlier step)");
    } else if (want_text(L, with, "compare with")) {
        for (size_t i = 0; i < n_earlier; i++)
            if (earlier[i].name && !strcmp(earlier[i].name, with->str)) found = &earlier[i];
        if (found && found->kind != AC_STEP_REQUEST) {
            lerr(L, with, "compare with '%s': that step sends no request", with->str);
        } else if (!found) {
            bool later = false;
            for (size_t i = my_index; later_steps && i < later_steps->n_items; i++) {
                const yn_node *nm = yn_get(later_steps->items[i], "name");
                if (scalar_text(nm) && !strcmp(nm->str, with->str)) later = true;
            }
            ac_suggest cs = { 0 };
            for (size_t i = 0; i < n_earlier; i++) ac_suggest_add(&cs, earlier[i].name);
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&cs, with->str));
            ac_suggest_free(&cs);
            if (later)
                lerr(L, with, "compare with '%s' names this or a later step; it must name an "
                     "earlier one", with->str);
            else
                lerr(L, with, "compare with '%s': no earlier step has that name%s", with->str, dym);
        }
    }
    size_t items = 0;
    static const char *const lists[] = { "same", "differ" };
    for (int i = 0; i < 2; i++) {
        const yn_node *l = yn_get(c, lists[i]);
        if (!l || !want_list(L, l, lists[i], false)) continue;
        items += l->n_items;
        for (size_t j = 0; j < l->n_items; j++) check_compare_item(L, l->items[j], i == 0, my_repeat, found);
    }
    if (items == 0)
        lerr(L, c, "compare needs at least one item in same or differ");
    const yn_node *ig = yn_get(c, "ignore_headers");
    if (ig && want_list(L, ig, "ignore_headers", false))
        for (size_t j = 0; j < ig->n_items; j++)
            if (want_str(L, ig->items[j], "ignore_headers item") && !is_token(ig->items[j]->str))
                lerr(L, ig->items[j], "'%s' is not a valid header name", ig->items[j]->str);
}

/* Validates a steps list. V: the test's context (captures of required fixtures). Returns the
 * steps (caller owns them and their names). */
static ac_step *load_steps(loader *L, const vctx *Vtest, const yn_node *steps, size_t *n_out)
{
    *n_out = 0;
    if (!want_list(L, steps, "steps", true)) return NULL;
    /* Every capture of the test, for "used before the step that captures it". */
    ac_strlist all_caps = { 0 };
    for (size_t i = 0; i < steps->n_items; i++) {
        const yn_node *cap = yn_get(steps->items[i], "capture");
        if (cap && cap->kind == YN_MAP)
            for (size_t j = 0; j < cap->n_pairs; j++) ac_strlist_push(&all_caps, cap->pairs[j].key->str);
    }
    vctx V;
    vctx_copy(&V, Vtest);
    V.later_caps = &all_caps;
    ac_step *out = ac_calloc(steps->n_items, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < steps->n_items; i++) {
        const yn_node *s = steps->items[i];
        if (!want_map(L, s, "a step")) continue;
        ac_step *st = &out[n];
        st->node = s;
        check_keys(L, s, "step", STEP_KEYS);
        const yn_node *req = yn_get(s, "request"), *run = yn_get(s, "run"), *wait = yn_get(s, "wait");
        int kinds = !!req + !!run + !!wait;
        if (kinds == 0) {
            lerr(L, s, "a step needs one of request, run, wait");
        } else if (kinds > 1) {
            const char *seen = NULL;
            for (size_t j = 0; j < s->n_pairs; j++) {
                const char *k = s->pairs[j].key->str;
                if (strcmp(k, "request") && strcmp(k, "run") && strcmp(k, "wait")) continue;
                if (seen) lerr(L, s->pairs[j].key, "a step takes only one of request, run, wait "
                               "(found %s and %s)", seen, k);
                else seen = k;
            }
        }
        st->kind = req ? AC_STEP_REQUEST : run ? AC_STEP_RUN : AC_STEP_WAIT;
        const char *const *allowed = st->kind == AC_STEP_REQUEST ? REQUEST_STEP_KEYS
                                   : st->kind == AC_STEP_RUN ? RUN_STEP_KEYS : WAIT_STEP_KEYS;
        const char *kind_name = st->kind == AC_STEP_REQUEST ? "request" : st->kind == AC_STEP_RUN ? "run" : "wait";
        if (kinds == 1)
            for (size_t j = 0; j < s->n_pairs; j++) {
                const yn_node *k = s->pairs[j].key;
                if (in_list(k->str, STEP_KEYS) && !in_list(k->str, allowed))
                    lerr(L, k, "key '%s' cannot be used in a %s step", k->str, kind_name);
            }
        /* name */
        const yn_node *name = yn_get(s, "name");
        const char *nm = name ? want_text(L, name, "step name") : NULL;
        if (nm && strchr(nm, '\n')) lerr(L, name, "step name must be one line");
        st->name = nm ? ac_strdup(nm) : ac_sprintf("step %zu", i + 1);
        for (size_t j = 0; j < n; j++)
            if (!strcmp(out[j].name, st->name)) {
                lerr(L, name ? name : s, "duplicate step name '%s' (first at line %d)", st->name,
                     out[j].node->line);
                break;
            }
        const yn_node *w = yn_get(s, "when");
        if (w) { st->when = w; check_when(L, &V, w); }
        const yn_node *ctl = yn_get(s, "control");
        if (ctl && want_bool(L, ctl, "control")) st->control = ctl->b;
        ac_strlist new_caps = { 0 };
        if (st->kind == AC_STEP_REQUEST && req) {
            st->request = req;
            check_request(L, &V, req);
            if ((st->expect = yn_get(s, "expect"))) check_expect(L, &V, st->expect, "expect");
            if ((st->capture = yn_get(s, "capture"))) check_capture(L, st->capture, &new_caps);
            if ((st->skip_on = yn_get(s, "skip_on"))) check_skip_on(L, st->skip_on);
            if ((st->until = yn_get(s, "until")) && want_map(L, st->until, "until")) {
                check_keys(L, st->until, "until", UNTIL_KEYS);
                const yn_node *every = yn_get(st->until, "every"), *within = yn_get(st->until, "within");
                if (!every || !within) lerr(L, st->until, "until needs every and within");
                if (every) check_duration(L, &V, every, "until every", 0, true);
                if (within) check_duration(L, &V, within, "until within", 0, true);
            }
            const yn_node *rep = yn_get(s, "repeat");
            if (rep) {
                if (!yn_is_int(rep) || rep->i < 1 || rep->i > MAX_STEP_REPEAT) {
                    char d[96];
                    describe(rep, d, sizeof d);
                    lerr(L, rep, "step repeat must be an integer from 1 to %ld, got %s", MAX_STEP_REPEAT, d);
                } else {
                    st->repeat = (long)rep->i;
                }
                if (st->until) lerr(L, key_of(s, "until"), "a step takes repeat or until, not both");
                if (st->capture)
                    lerr(L, key_of(s, "capture"), "capture cannot be used on a step with repeat");
            }
            if ((st->compare = yn_get(s, "compare")))
                check_compare(L, st->compare, out, n, steps, i, st->repeat);
        } else if (st->kind == AC_STEP_RUN && run) {
            st->run = run;
            check_run(L, &V, run);
            if ((st->expect = yn_get(s, "expect"))) check_run_expect(L, st->expect);
        } else if (wait) {
            st->wait = wait;
            check_duration(L, &V, wait, "wait", MAX_WAIT_S, false);
            if ((st->expect = yn_get(s, "expect"))) {
                check_expect(L, &V, st->expect, "expect");
                for (size_t j = 0; st->expect->kind == YN_MAP && j < st->expect->n_pairs; j++)
                    if (strcmp(st->expect->pairs[j].key->str, "values") != 0)
                        lerr(L, st->expect->pairs[j].key, "a wait step's expect takes only values "
                             "(there is no response), not '%s'", st->expect->pairs[j].key->str);
            }
        }
        for (size_t j = 0; j < new_caps.n; j++) ac_strlist_push(&V.caps, new_caps.items[j]);
        ac_strlist_free(&new_caps);
        n++;
    }
    vctx_free(&V);
    ac_strlist_free(&all_caps);
    *n_out = n;
    return out;
}

/* ---- names lists ------------------------------------------------------------------------- */

typedef enum { NAMES_ANY, NAMES_TAG, NAMES_REQ } names_kind;

static void load_names(loader *L, const yn_node *n, const char *what, names_kind kind,
                       ac_strlist *out)
{
    if (!want_list(L, n, what, false)) return;
    for (size_t i = 0; i < n->n_items; i++) {
        const yn_node *it = n->items[i];
        const char *t = want_text(L, it, what);
        if (!t) continue;
        if (kind == NAMES_TAG && !ac_is_id(t)) {
            lerr(L, it, "tag \"%s\" must match [A-Za-z0-9._-]+", t);
            continue;
        }
        if (kind == NAMES_REQ && !is_req_name(t)) {
            lerr(L, it, "requires entry \"%s\" is not a fixture or variable name", t);
            continue;
        }
        if (kind != NAMES_ANY && ac_strlist_contains(out, t)) continue;
        ac_strlist_push(out, t);
    }
}

/* With a `references` table in the manifest, every ref names an entry or is an RFC, CVE or OWASP
 * reference of a recognised form (refs.h), so a misspelt slug cannot hide a missing link. */
static void check_refs(loader *L, const yn_node *n)
{
    if (n->kind != YN_SEQ) return;
    for (size_t i = 0; i < n->n_items; i++) {
        const char *t = scalar_text(n->items[i]);
        if (!t || ac_ref_classify(t, L->man->ref_docs, L->man->n_ref_docs, NULL, NULL) != AC_REF_UNKNOWN)
            continue;
        ac_suggest c = { 0 };
        for (size_t k = 0; k < L->man->n_ref_docs; k++) ac_suggest_add(&c, L->man->ref_docs[k].slug);
        size_t len = strcspn(t, ":");
        char *slug = ac_sprintf("%.*s", (int)len, t);
        const char *best = ac_suggest_best(&c, slug);
        lerr(L, n->items[i], "ref \"%s\" is not in the suite manifest's references and is not "
             "'RFC N[ SECTION]', 'CVE-YYYY-N' or 'OWASP ...'%s%s%s", t,
             best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
        free(slug);
        ac_suggest_free(&c);
    }
}

static const ac_fixture *find_fixture(const ac_suite_file *sf, const char *name)
{
    for (size_t i = 0; i < sf->n_fixtures; i++)
        if (sf->fixtures[i].name && !strcmp(sf->fixtures[i].name, name)) return &sf->fixtures[i];
    return NULL;
}

/* ---- fixtures and tests ------------------------------------------------------------------ */

/* `control: NAME` or `control: [NAME, ...]`: fixtures of this file that prove, in this run, that
 * the endpoint a refusal check targets works; the test is judged only after they succeeded. An
 * entry "A|B" names alternatives: the first one whose requirements are configured is the
 * control (the account's login where there is an account, a credential-less probe otherwise). */
static void load_controls(loader *L, const ac_suite_file *sf, const yn_node *n, ac_strlist *out)
{
    if (n->kind == YN_SEQ && n->n_items == 0) lerr(L, n, "control must not be an empty list");
    const yn_node *const *items = n->kind == YN_SEQ ? (const yn_node *const *)n->items : &n;
    size_t count = n->kind == YN_SEQ ? n->n_items : 1;
    for (size_t i = 0; i < count; i++) {
        const char *entry = want_text(L, items[i], "control");
        if (!entry) continue;
        /* "a|b": alternatives, the first one that is configured is the control. */
        bool ok = *entry != '\0';
        for (const char *p = entry; ok && *p;) {
            size_t len = strcspn(p, "|");
            char *name = ac_strndup(p, len);
            if (!*name) {
                lerr(L, items[i], "control '%s' has an empty alternative", entry);
                ok = false;
            } else if (!find_fixture(sf, name)) {
                ac_suggest c = { 0 };
                for (size_t k = 0; k < sf->n_fixtures; k++) ac_suggest_add(&c, sf->fixtures[k].name);
                char dym[96];
                ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, name));
                ac_suggest_free(&c);
                lerr(L, items[i], "control '%s' is not a fixture of this file%s", name, dym);
                ok = false;
            }
            free(name);
            p += len;
            if (*p == '|') p++;
        }
        if (ok && !ac_strlist_contains(out, entry)) ac_strlist_push(out, entry);
    }
}

/* A test must be able to fail: one expectation somewhere (a run step's exit status counts). */
static bool steps_have_check(const ac_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (steps[i].expect || steps[i].compare || steps[i].kind == AC_STEP_RUN) return true;
    return false;
}

static bool test_has_check(const ac_test *t)
{
    if (t->expect_all || steps_have_check(t->steps, t->n_steps)) return true;
    for (size_t i = 0; i < t->n_overrides; i++)
        if (yn_get(t->overrides[i].node, "expect") || steps_have_check(t->overrides[i].steps, t->overrides[i].n_steps))
            return true;
    return false;
}

static void load_fixture(loader *L, ac_fixture *fx, const yn_node *key, const yn_node *fn)
{
    fx->name = ac_strdup(key->str);
    fx->step.kind = AC_STEP_REQUEST;
    fx->step.name = ac_strdup(key->str);
    fx->step.node = fn;
    if (!is_req_name(key->str))
        lerr(L, key, "fixture name '%s' must match [A-Za-z_][A-Za-z0-9_-]*", key->str);
    if (!want_map(L, fn, "a fixture")) return;
    check_keys(L, fn, "fixture", FIXTURE_KEYS);
    const yn_node *n;
    if ((n = yn_get(fn, "description"))) {
        const char *d = want_text(L, n, "fixture description");
        if (d && strchr(d, '\n')) lerr(L, n, "fixture description must be one line");
        else if (d) fx->description = ac_strdup(d);
    }
    if ((n = yn_get(fn, "shared")) && want_bool(L, n, "shared")) fx->shared = n->b;
    /* A fixture may require one fixture defined before it (a control that needs a token): its
     * captures are visible to it. Only earlier ones, so fixtures never wait for each other in a
     * cycle. */
    const ac_fixture *needs = NULL;
    if ((n = yn_get(fn, "requires"))) {
        load_names(L, n, "requires", NAMES_REQ, &fx->requires);
        for (size_t i = 0; i < fx->requires.n; i++) note_use(L, fx->requires.items[i]);
        for (size_t i = 0; i < n->n_items; i++) {
            const char *t = scalar_text(n->items[i]);
            const ac_fixture *earlier = NULL;
            for (size_t k = 0; t && L->sf && &L->sf->fixtures[k] != fx && k < L->sf->n_fixtures; k++)
                if (L->sf->fixtures[k].name && !strcmp(L->sf->fixtures[k].name, t)) earlier = &L->sf->fixtures[k];
            if (earlier && needs)
                lerr(L, n->items[i], "a fixture may require one other fixture; '%s' is a second", t);
            else if (earlier)
                needs = earlier;
            else if (t && L->sf && key_of(yn_get(L->doc->root, "fixtures"), t))
                lerr(L, n->items[i], "fixture '%s' is defined after '%s' (or is itself): a fixture may "
                     "require only a fixture defined before it", t, fx->name);
            else if (t && L->have_manifest && is_req_name(t) && !known_var(L, t))
                lerr(L, n->items[i], "requires '%s': no variable of that name is declared by the "
                     "suite manifest or set with --var/--vars-file", t);
        }
    }
    vctx V;
    vctx_init(&V, "fixture", fx->name, &fx->requires);
    const yn_node *ncap = needs ? needs->step.capture : NULL;
    for (size_t j = 0; ncap && ncap->kind == YN_MAP && j < ncap->n_pairs; j++) ac_strlist_push(&V.caps, ncap->pairs[j].key->str);
    fx->step.request = yn_get(fn, "request");
    if (!fx->step.request) lerr(L, fn, "fixture '%s' needs request", fx->name);
    else check_request(L, &V, fx->step.request);
    if ((fx->step.expect = yn_get(fn, "expect"))) check_expect(L, &V, fx->step.expect, "expect");
    if ((fx->step.capture = yn_get(fn, "capture"))) check_capture(L, fx->step.capture, NULL);
    vctx_free(&V);
}

static size_t id_hash(const char *s)
{
    size_t h = 14695981039346656037u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of id in the index: its entry, or the empty slot where it would go. */
static size_t *id_slot(loader *L, const char *id)
{
    size_t mask = L->n_id_slots - 1, i = id_hash(id) & mask;
    while (L->id_slots[i] && strcmp(L->ids[L->id_slots[i] - 1].id, id) != 0) i = (i + 1) & mask;
    return &L->id_slots[i];
}

/* Test ids are unique across the run: a hash index keeps this linear in the number of tests
 * (lint of thousands of case files). */
static void register_id(loader *L, const yn_node *idn, const char *id)
{
    if (2 * (L->n_ids + 1) > L->n_id_slots) {
        free(L->id_slots);
        L->n_id_slots = L->n_id_slots ? 2 * L->n_id_slots : 256;
        L->id_slots = ac_calloc(L->n_id_slots, sizeof *L->id_slots);
        for (size_t i = 0; i < L->n_ids; i++) *id_slot(L, L->ids[i].id) = i + 1;
    }
    size_t *slot = id_slot(L, id);
    if (*slot) {
        const id_seen *first = &L->ids[*slot - 1];
        lerr(L, idn, "duplicate test id '%s' (first defined at %s:%d)", id, first->file, first->line);
        return;
    }
    if (L->n_ids == L->cap_ids) {
        L->cap_ids = L->cap_ids ? L->cap_ids * 2 : 64;
        L->ids = ac_realloc(L->ids, L->cap_ids * sizeof *L->ids);
    }
    if (!L->id_files.n || strcmp(L->id_files.items[L->id_files.n - 1], idn->file) != 0)
        ac_strlist_push(&L->id_files, idn->file);
    L->ids[L->n_ids++] = (id_seen){ ac_strdup(id), L->id_files.items[L->id_files.n - 1], idn->line };
    *slot = L->n_ids;
}

static void check_requires_entries(loader *L, const ac_suite_file *sf, const yn_node *req)
{
    if (!req || req->kind != YN_SEQ) return;
    for (size_t i = 0; i < req->n_items; i++) {
        const char *t = scalar_text(req->items[i]);
        if (!t || !is_req_name(t) || find_fixture(sf, t)) continue;
        note_use(L, t);   /* not a fixture: a variable */
        if (fixture_capturing(L, t)) continue;
        if (!L->have_manifest || known_var(L, t)) continue;
        ac_suggest c = { 0 };
        for (size_t j = 0; j < sf->n_fixtures; j++) ac_suggest_add(&c, sf->fixtures[j].name);
        for (size_t j = 0; j < L->man->n_vars; j++) ac_suggest_add(&c, L->man->vars[j].name);
        ac_suggest_add_strlist(&c, L->opts->known_vars);
        char dym[96];
        ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, t));
        ac_suggest_free(&c);
        lerr(L, req->items[i], "requires '%s': no fixture of this file and no variable declared "
             "by the suite manifest has that name%s", t, dym);
    }
}

static void load_test(loader *L, ac_suite_file *sf, ac_test *t, const yn_node *tn)
{
    size_t errors_before = L->diags->n_errors;
    t->node = tn;
    t->line = tn->line;
    t->repeat = 1;
    t->concurrency = 1;
    for (size_t i = 0; i < sf->tags.n; i++) ac_strlist_push(&t->tags, sf->tags.items[i]);
    if (!want_map(L, tn, "a test")) return;
    check_keys(L, tn, "test", TEST_KEYS);
    const yn_node *n;

    const yn_node *idn = yn_get(tn, "id");
    if (!idn) {
        lerr(L, tn, "test needs id");
    } else {
        const char *id = want_text(L, idn, "id");
        if (id && !ac_is_id(id)) lerr(L, idn, "test id \"%s\" must match [A-Za-z0-9._-]+", id);
        else if (id) {
            t->id = ac_strdup(id);
            register_id(L, idn, id);
        }
    }
    char owner[64];
    if (t->id) snprintf(owner, sizeof owner, "%.60s", t->id);
    else snprintf(owner, sizeof owner, "at line %d", tn->line);

    const yn_node *name = yn_get(tn, "name");
    if (!name) lerr(L, tn, "test needs name (one line)");
    else {
        const char *nm = want_text(L, name, "name");
        if (nm && strchr(nm, '\n')) lerr(L, name, "name must be one line");
        else if (nm && !*nm) lerr(L, name, "name must not be empty");
        if (nm) t->name = ac_strdup(nm);
    }
    if ((n = yn_get(tn, "description"))) want_text(L, n, "description");
    if ((n = yn_get(tn, "severity"))) { check_severity(L, n); t->severity.node = n; }
    if ((n = yn_get(tn, "refs"))) {
        load_names(L, n, "refs", NAMES_ANY, &t->refs);
        if (L->man && L->man->has_ref_docs) check_refs(L, n);
    }
    if ((n = yn_get(tn, "tags"))) load_names(L, n, "tags", NAMES_TAG, &t->tags);
    if ((n = yn_get(tn, "requires"))) {
        load_names(L, n, "requires", NAMES_REQ, &t->requires);
        check_requires_entries(L, sf, n);
    }

    vctx V;
    vctx_init(&V, "test", owner, &t->requires);
    for (size_t i = 0; i < t->requires.n; i++) {
        const ac_fixture *fx = find_fixture(sf, t->requires.items[i]);
        const yn_node *cap = fx ? fx->step.capture : NULL;
        if (cap && cap->kind == YN_MAP)
            for (size_t j = 0; j < cap->n_pairs; j++) ac_strlist_push(&V.caps, cap->pairs[j].key->str);
    }

    if ((n = yn_get(tn, "control"))) load_controls(L, sf, n, &t->controls);
    if ((t->when = yn_get(tn, "when"))) check_when(L, &V, t->when);
    if ((t->skip_on = yn_get(tn, "skip_on"))) check_skip_on(L, t->skip_on);

    const yn_node *req = yn_get(tn, "request"), *steps = yn_get(tn, "steps");
    if (req && steps) {
        lerr(L, key_of(tn, "steps"), "a test takes request or steps, not both");
    } else if (!req && !steps) {
        lerr(L, tn, "test needs request (one request) or steps");
    }
    if (steps && !req) {
        t->multi_step = true;
        static const char *const on_steps[] = { "expect", "capture", NULL };
        static const char *const single_only[] = { "repeat", "concurrency", "expect_all", NULL };
        for (const char *const *k = on_steps; *k; k++)
            if (key_of(tn, *k))
                lerr(L, key_of(tn, *k), "'%s' belongs on a step in a test with steps", *k);
        for (const char *const *k = single_only; *k; k++)
            if (key_of(tn, *k))
                lerr(L, key_of(tn, *k), "'%s' applies to single-request tests only", *k);
        t->steps = load_steps(L, &V, steps, &t->n_steps);
    } else if (req) {
        t->multi_step = false;
        t->n_steps = 1;
        t->steps = ac_calloc(1, sizeof *t->steps);
        ac_step *st = &t->steps[0];
        st->kind = AC_STEP_REQUEST;
        st->name = ac_strdup(t->id ? t->id : owner);
        st->node = tn;
        st->request = req;
        check_request(L, &V, req);
        if ((st->expect = yn_get(tn, "expect"))) check_expect(L, &V, st->expect, "expect");
        if ((st->capture = yn_get(tn, "capture"))) check_capture(L, st->capture, NULL);
    } else {
        /* neither: still validate what is there */
        if ((n = yn_get(tn, "expect"))) check_expect(L, &V, n, "expect");
        if ((n = yn_get(tn, "capture"))) check_capture(L, n, NULL);
    }

    if (!t->multi_step) {
        const yn_node *rep = yn_get(tn, "repeat");
        bool repeat_ok = true;
        if (rep) {
            if (!yn_is_int(rep) || rep->i < 1 || rep->i > MAX_REPEAT) {
                char d[96];
                describe(rep, d, sizeof d);
                lerr(L, rep, "repeat must be an integer from 1 to %ld, got %s", MAX_REPEAT, d);
                repeat_ok = false;
            } else {
                t->repeat = (long)rep->i;
            }
        }
        const yn_node *conc = yn_get(tn, "concurrency");
        if (conc) {
            if (!yn_is_int(conc) || conc->i < 1) {
                char d[96];
                describe(conc, d, sizeof d);
                lerr(L, conc, "concurrency must be an integer >= 1, got %s", d);
            } else if (repeat_ok && conc->i > t->repeat) {
                lerr(L, conc, "concurrency (%lld) must not exceed repeat (%ld)", conc->i, t->repeat);
            } else {
                t->concurrency = (long)conc->i;
            }
        }
    }
    if (!t->multi_step && (t->expect_all = yn_get(tn, "expect_all")) &&
        want_map(L, t->expect_all, "expect_all")) {
        const yn_node *ea = t->expect_all;
        check_keys(L, ea, "expect_all", EXPECT_ALL_KEYS);
        const yn_node *d = yn_get(ea, "distinct");
        if (d) {
            if (d->kind == YN_SEQ) {
                if (d->n_items == 0) lerr(L, d, "distinct must not be an empty list");
                for (size_t i = 0; i < d->n_items; i++) check_jsonpath(L, d->items[i], "distinct");
            } else {
                check_jsonpath(L, d, "distinct");
            }
        }
        if ((n = yn_get(ea, "no_5xx"))) want_bool(L, n, "no_5xx");
        if ((n = yn_get(ea, "status"))) check_status(L, n, "expect_all status", true);
        if ((n = yn_get(ea, "any_status"))) check_status(L, n, "expect_all any_status", true);
    }

    const yn_node *prof = yn_get(tn, "profiles");
    if (prof && want_map(L, prof, "profiles")) {
        t->overrides = ac_calloc(prof->n_pairs ? prof->n_pairs : 1, sizeof *t->overrides);
        for (size_t i = 0; i < prof->n_pairs; i++) {
            const yn_node *k = prof->pairs[i].key, *o = prof->pairs[i].value;
            if (!ac_strlist_contains(&L->man->profiles, k->str)) {
                ac_suggest c = { 0 };
                ac_suggest_add_strlist(&c, &L->man->profiles);
                char dym[96];
                ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, k->str));
                ac_suggest_free(&c);
                ac_buf b;
                ac_buf_init(&b);
                strlist_join(&b, &L->man->profiles);
                lerr(L, k, "unknown profile '%s'%s (profiles: %s)", k->str, dym, ac_buf_str(&b));
                ac_buf_free(&b);
            }
            ac_profile_override *ov = &t->overrides[t->n_overrides++];
            ov->profile = ac_strdup(k->str);
            ov->node = o;
            char ctx[128];
            snprintf(ctx, sizeof ctx, "profile override %.60s", k->str);
            if (!want_map(L, o, ctx)) continue;
            check_keys(L, o, "profile override", OVERRIDE_KEYS);
            if (o->n_pairs == 0) lerr(L, o, "profile override '%s' is empty", k->str);
            if ((n = yn_get(o, "severity"))) check_severity(L, n);
            const yn_node *oreq = yn_get(o, "request"), *oexp = yn_get(o, "expect"),
                          *ost = yn_get(o, "steps");
            if (t->multi_step) {
                if (oreq) lerr(L, key_of(o, "request"), "a test with steps overrides steps, not request");
                if (oexp) lerr(L, key_of(o, "expect"), "a test with steps overrides steps, not expect");
            } else if (ost) {
                lerr(L, key_of(o, "steps"), "a single-request test overrides request or expect, not steps");
            }
            if (oreq) check_request(L, &V, oreq);
            if (oexp) check_expect(L, &V, oexp, "expect");
            if (ost && t->multi_step) {
                /* Kept in the model: the executor runs these steps in that profile. */
                ov->steps = load_steps(L, &V, ost, &ov->n_steps);
            }
        }
    }
    for (size_t i = 0; i < t->n_steps; i++)
        if (t->steps[i].control) ac_strlist_push(&t->controls, t->steps[i].name);
    /* Only for a test that is otherwise valid: one with errors does not run anyway, and its
     * missing check is usually one of those errors (a misspelt expect). */
    if ((req || steps) && L->diags->n_errors == errors_before && !test_has_check(t))
        lerr(L, tn, "test %s checks nothing: give it expect (or expect_all, compare, a run step) so it "
             "can fail", t->id ? t->id : owner);
    vctx_free(&V);
}

/* Validates one parsed case document into sf (which takes the document). */
static void load_case_doc_inner(loader *L, yn_doc *doc, ac_suite_file *sf);

static void load_case_doc(loader *L, yn_doc *doc, ac_suite_file *sf)
{
    size_t first = L->diags->n;
    load_case_doc_inner(L, doc, sf);
    ac_diags_sort_from(L->diags, first);
}

static void load_case_doc_inner(loader *L, yn_doc *doc, ac_suite_file *sf)
{
    sf->doc = doc;
    sf->path = ac_strdup(doc->file);
    L->doc = doc;
    L->sf = sf;
    L->n_fcaps = 0;
    const yn_node *root = doc->root;
    if (!root) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                    "empty case file (expected a map with suite: and tests:)");
        return;
    }
    if (root->kind != YN_MAP) {
        char d[96];
        describe(root, d, sizeof d);
        lerr(L, root, "a case file must be a map with suite: and tests:, got %s", d);
        return;
    }
    check_keys(L, root, "case file", FILE_KEYS);
    const yn_node *n;
    n = yn_get(root, "suite");
    if (!n) lerr(L, root, "case file needs suite (a name matching [A-Za-z0-9._-]+)");
    else {
        const char *s = want_text(L, n, "suite");
        if (s && !ac_is_id(s)) lerr(L, n, "suite \"%s\" must match [A-Za-z0-9._-]+", s);
        if (s) sf->suite = ac_strdup(s);
    }
    if ((n = yn_get(root, "description")) && want_text(L, n, "description"))
        sf->description = ac_strdup(n->str);
    if ((n = yn_get(root, "tags"))) load_names(L, n, "tags", NAMES_TAG, &sf->tags);

    const yn_node *fxs = yn_get(root, "fixtures");
    if (fxs && want_map(L, fxs, "fixtures")) {
        sf->fixtures = ac_calloc(fxs->n_pairs ? fxs->n_pairs : 1, sizeof *sf->fixtures);
        for (size_t i = 0; i < fxs->n_pairs; i++) {
            ac_fixture *fx = &sf->fixtures[sf->n_fixtures++];
            load_fixture(L, fx, fxs->pairs[i].key, fxs->pairs[i].value);
            const yn_node *cap = fx->step.capture;
            if (cap && cap->kind == YN_MAP)
                for (size_t j = 0; j < cap->n_pairs; j++) {
                    if (L->n_fcaps == L->cap_fcaps) {
                        L->cap_fcaps = L->cap_fcaps ? L->cap_fcaps * 2 : 16;
                        L->fcaps = ac_realloc(L->fcaps, L->cap_fcaps * sizeof *L->fcaps);
                    }
                    L->fcaps[L->n_fcaps++] = (fixture_cap){ cap->pairs[j].key->str, fx->name };
                }
        }
    }

    const yn_node *tests = yn_get(root, "tests");
    if (!tests) lerr(L, root, "case file needs tests (a non-empty list)");
    else if (want_list(L, tests, "tests", true)) {
        sf->tests = ac_calloc(tests->n_items, sizeof *sf->tests);
        for (size_t i = 0; i < tests->n_items; i++)
            load_test(L, sf, &sf->tests[sf->n_tests++], tests->items[i]);
    }
    const char *profile = L->opts->profile ? L->opts->profile : "documented";
    for (size_t i = 0; i < sf->n_tests; i++) {
        sf->tests[i].plan_severity = ac_test_severity(&sf->tests[i], profile);
        sf->tests[i].plan_requests = ac_test_request_bound(&sf->tests[i], profile,
                                                           &sf->tests[i].plan_requests_open);
    }
    L->doc = NULL;
    L->sf = NULL;
}

/* ---- paths ------------------------------------------------------------------------------- */

/* Lexically cleans a path: drops "." and empty components, resolves "dir/..". */
static char *path_clean(const char *p)
{
    bool abs = p[0] == '/';
    ac_strlist parts = { 0 };
    char *copy = ac_strdup(p);
    char *save = NULL;
    for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (!strcmp(tok, ".")) continue;
        if (!strcmp(tok, "..")) {
            if (parts.n > 0 && strcmp(parts.items[parts.n - 1], "..") != 0) {
                free(parts.items[--parts.n]);
                continue;
            }
            if (abs) continue;
        }
        ac_strlist_push(&parts, tok);
    }
    free(copy);
    ac_buf b;
    ac_buf_init(&b);
    if (abs) ac_buf_putc(&b, '/');
    for (size_t i = 0; i < parts.n; i++) {
        if (i) ac_buf_putc(&b, '/');
        ac_buf_puts(&b, parts.items[i]);
    }
    if (b.len == 0) ac_buf_putc(&b, '.');
    ac_strlist_free(&parts);
    return ac_buf_steal(&b);
}

static char *path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir) return path_clean(rel);
    char *j = ac_sprintf("%s/%s", dir, rel);
    char *c = path_clean(j);
    free(j);
    return c;
}

static char *path_dirname(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash) return ac_strdup(".");
    if (slash == p) return ac_strdup("/");
    return ac_strndup(p, (size_t)(slash - p));
}

static int strptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml_name(const char *n)
{
    return ac_str_endswith(n, ".yaml") || ac_str_endswith(n, ".yml");
}

static void collect_dir(loader *L, const char *dir, ac_strlist *out, int depth)
{
    if (depth > MAX_DIR_DEPTH) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, dir, 0, 0, NULL, 0,
                    "directories nested too deeply (symbolic link loop?)");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, dir, 0, 0, NULL, 0, "cannot open directory: %s",
                    strerror(errno));
        return;
    }
    ac_strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') ac_strlist_push(&names, e->d_name);
    closedir(d);
    if (names.n) qsort(names.items, names.n, sizeof *names.items, strptr_cmp);
    size_t dl = strlen(dir);
    for (size_t i = 0; i < names.n; i++) {
        char *full = (dl && dir[dl - 1] == '/') ? ac_sprintf("%s%s", dir, names.items[i])
                                                 : ac_sprintf("%s/%s", dir, names.items[i]);
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) collect_dir(L, full, out, depth + 1);
            else if (S_ISREG(st.st_mode) && is_yaml_name(names.items[i])) {
                ac_strlist_push_owned(out, full);
                full = NULL;
            } else if (is_yaml_name(names.items[i])) {
                ac_diag_add(L->diags, AC_DIAG_ERROR, full, 0, 0, NULL, 0, "not a regular file");
            }
        } else if (is_yaml_name(names.items[i])) {
            /* A case file that cannot be read must not silently drop its tests. */
            int e = errno;
            struct stat lst;
            bool dangling = lstat(full, &lst) == 0 && S_ISLNK(lst.st_mode);
            ac_diag_add(L->diags, AC_DIAG_ERROR, full, 0, 0, NULL, 0, "cannot read: %s%s", strerror(e),
                        dangling ? " (a dangling symbolic link)" : "");
        }
        free(full);
    }
    ac_strlist_free(&names);
}

/* Expands paths (files and directories) into a list of case files, without duplicates. */
static void collect_paths(loader *L, const char *const *paths, size_t n, ac_strlist *out)
{
    ac_strlist all = { 0 };
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            ac_diag_add(L->diags, AC_DIAG_ERROR, paths[i], 0, 0, NULL, 0, "cannot read: %s",
                        strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            size_t before = all.n;
            collect_dir(L, paths[i], &all, 0);
            if (all.n == before)
                ac_diag_add(L->diags, AC_DIAG_WARNING, paths[i], 0, 0, NULL, 0,
                            "no *.yaml or *.yml files in this directory");
        } else {
            ac_strlist_push(&all, paths[i]);
        }
    }
    ac_strlist real = { 0 };
    for (size_t i = 0; i < all.n; i++) {
        char *rp = realpath(all.items[i], NULL);
        const char *key = rp ? rp : all.items[i];
        if (!ac_strlist_contains(&real, key)) {
            ac_strlist_push(&real, key);
            ac_strlist_push(out, all.items[i]);
        }
        free(rp);
    }
    ac_strlist_free(&real);
    ac_strlist_free(&all);
}

/* ---- manifest ---------------------------------------------------------------------------- */

static void manifest_defaults(ac_manifest *m)
{
    if (m->profiles.n == 0) {
        ac_strlist_push(&m->profiles, "documented");
        ac_strlist_push(&m->profiles, "rfc");
    }
}

/* A variable's `env`: one environment name, or a list read in order (the first one set wins),
 * so that a suite can move to new names and keep the old ones as aliases. */
static void manifest_env(loader *L, const yn_node *x, ac_var_decl *d)
{
    if (x->kind == YN_SEQ) {
        if (x->n_items == 0) lerr(L, x, "env: give at least one environment variable name");
        for (size_t i = 0; i < x->n_items; i++) {
            const yn_node *e = x->items[i];
            if (!want_str(L, e, "env")) continue;
            if (!ac_is_var_name(e->str))
                lerr(L, e, "env \"%s\" is not a valid environment variable name", e->str);
            if (!d->env) d->env = ac_strdup(e->str);
            else ac_strlist_push(&d->env_aliases, e->str);
        }
        return;
    }
    if (!want_str(L, x, "env")) return;
    if (!ac_is_var_name(x->str))
        lerr(L, x, "env \"%s\" is not a valid environment variable name", x->str);
    d->env = ac_strdup(x->str);
}

static void load_manifest_doc(loader *L, yn_doc *doc, ac_manifest *m)
{
    m->doc = doc;
    L->doc = doc;
    const yn_node *root = doc->root;
    if (!root || root->kind != YN_MAP) {
        if (root) lerr(L, root, "a suite manifest must be a map with name, cases, variables");
        else ac_diag_add(L->diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                         "empty suite manifest (expected a map with name, cases, variables)");
        L->doc = NULL;
        return;
    }
    check_keys(L, root, "suite manifest", MANIFEST_KEYS);
    const yn_node *n;
    n = yn_get(root, "name");
    if (!n) lerr(L, root, "suite manifest needs name");
    else {
        const char *s = want_text(L, n, "name");
        if (s && !ac_is_id(s)) lerr(L, n, "manifest name \"%s\" must match [A-Za-z0-9._-]+", s);
        if (s) m->name = ac_strdup(s);
    }
    if ((n = yn_get(root, "version"))) {
        const char *s = want_text(L, n, "version");
        if (s) m->version = ac_strdup(s);
    }
    if ((n = yn_get(root, "description"))) want_text(L, n, "description");
    if ((n = yn_get(root, "cases")) && want_list(L, n, "cases", false)) {
        char *dir = path_dirname(doc->file);
        for (size_t i = 0; i < n->n_items; i++)
            if (want_str(L, n->items[i], "cases entry")) {
                if (!n->items[i]->len) {
                    lerr(L, n->items[i], "cases entry must not be empty");
                    continue;
                }
                ac_strlist_push_owned(&m->case_paths, path_join(dir, n->items[i]->str));
            }
        free(dir);
    }
    if ((n = yn_get(root, "profiles")) && want_list(L, n, "profiles", true)) {
        for (size_t i = 0; i < n->n_items; i++) {
            const yn_node *p = n->items[i];
            if (!want_str(L, p, "profile")) continue;
            if (!ac_is_id(p->str) || !strcmp(p->str, "default"))
                lerr(L, p, "profile name \"%s\" must match [A-Za-z0-9._-]+ and not be 'default'",
                     p->str);
            else if (ac_strlist_contains(&m->profiles, p->str))
                lerr(L, p, "profile '%s' is listed twice", p->str);
            else
                ac_strlist_push(&m->profiles, p->str);
        }
    }
    if ((n = yn_get(root, "references")) && (n->kind != YN_SCALAR || n->stype != YN_NULL)
        && want_map(L, n, "references")) {
        m->has_ref_docs = true;
        m->ref_docs = ac_calloc(n->n_pairs ? n->n_pairs : 1, sizeof *m->ref_docs);
        for (size_t i = 0; i < n->n_pairs; i++) {
            const yn_node *k = n->pairs[i].key, *v = n->pairs[i].value;
            if (!ac_ref_slug_valid(k->str)) {
                lerr(L, k, "reference '%s' must match [a-z0-9][a-z0-9._-]*", k->str);
                continue;
            }
            if (!want_map(L, v, "a reference (title, url)")) continue;
            check_keys(L, v, "reference", MANIFEST_REF_KEYS);
            const yn_node *x = yn_get(v, "title");
            const char *title = x ? want_text(L, x, "title") : NULL;
            if (!x) lerr(L, v, "reference '%s' needs a title", k->str);
            const char *url = NULL;
            if ((x = yn_get(v, "url")) && want_str(L, x, "url")) {
                if (strncmp(x->str, "https://", 8) && strncmp(x->str, "http://", 7))
                    lerr(L, x, "url \"%s\" of reference '%s' must start with https:// or http://",
                         x->str, k->str);
                else if (strpbrk(x->str, " \t\"<>"))
                    lerr(L, x, "url of reference '%s' must not contain spaces, quotes or angle "
                         "brackets", k->str);
                else url = x->str;
            }
            if (!title) continue;
            ac_ref_doc *d = &m->ref_docs[m->n_ref_docs++];
            d->slug = ac_strdup(k->str);
            d->title = ac_strdup(title);
            d->url = ac_strdup(url);
        }
    }
    const yn_node *vars = yn_get(root, "variables");
    if (vars && want_map(L, vars, "variables")) {
        m->vars = ac_calloc(vars->n_pairs ? vars->n_pairs : 1, sizeof *m->vars);
        for (size_t i = 0; i < vars->n_pairs; i++) {
            const yn_node *k = vars->pairs[i].key, *v = vars->pairs[i].value;
            if (!ac_is_var_name(k->str)) {
                lerr(L, k, "variable name '%s' must match [A-Za-z_][A-Za-z0-9_]*", k->str);
                continue;
            }
            if (in_list(k->str, ac_builtin_var_names)) {
                lerr(L, k, "variable '%s' is a built-in and cannot be declared", k->str);
                continue;
            }
            ac_var_decl *d = &m->vars[m->n_vars++];
            d->name = ac_strdup(k->str);
            if (v->kind == YN_SCALAR && v->stype == YN_NULL) continue;
            if (!want_map(L, v, "a variable declaration")) continue;
            check_keys(L, v, "variable declaration", MANIFEST_VAR_KEYS);
            const yn_node *x;
            if ((x = yn_get(v, "env"))) manifest_env(L, x, d);
            if ((x = yn_get(v, "default"))) {
                const char *s = want_text(L, x, "default");
                if (s) d->default_value = ac_strdup(s);
            }
            if ((x = yn_get(v, "description")) && want_text(L, x, "description"))
                d->description = ac_strdup(x->str);
            if ((x = yn_get(v, "fallback")) && want_str(L, x, "fallback")) {
                if (!strcmp(x->str, k->str))
                    lerr(L, x, "variable '%s' cannot fall back to itself", k->str);
                else if (!yn_get(vars, x->str))
                    lerr(L, x, "fallback '%s' is not a variable declared in this manifest", x->str);
                else
                    d->fallback = ac_strdup(x->str);
            }
            if ((x = yn_get(v, "secret")) && want_bool(L, x, "secret")) d->secret = x->b;
            if ((x = yn_get(v, "command")) && want_bool(L, x, "command")) d->command = x->b;
            if (d->command && d->default_value)
                lerr(L, key_of(v, "default"), "variable '%s' is a command (command: true) and "
                     "cannot have a default: commands come from the environment, --var or "
                     "--vars-file", d->name);
        }
    }
    L->doc = NULL;
}

int ac_load_manifest(const char *path, ac_manifest *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    ac_load_opts opts = { 0 };
    loader L = { .opts = &opts, .diags = diags, .man = out };
    out->path = ac_strdup(path);
    yn_doc *doc = yn_parse_file(path, diags);
    if (doc) load_manifest_doc(&L, doc, out);
    manifest_defaults(out);
    return diags->n_errors > before ? -1 : 0;
}

/* ---- the model --------------------------------------------------------------------------- */

static void loader_free(loader *L)
{
    for (size_t i = 0; i < L->n_ids; i++) free(L->ids[i].id);
    free(L->ids);
    ac_strlist_free(&L->id_files);
    free(L->id_slots);
    free(L->fcaps);
}

static ac_suite_file *model_add_file(ac_model *m, size_t *cap)
{
    if (m->n_files == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        m->files = ac_realloc(m->files, *cap * sizeof *m->files);
    }
    ac_suite_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    return f;
}

static void file_fix_backpointers(ac_suite_file *f)
{
    for (size_t j = 0; j < f->n_tests; j++) f->tests[j].file = f;
}

static void model_fix_backpointers(ac_model *m)
{
    for (size_t i = 0; i < m->n_files; i++) file_fix_backpointers(&m->files[i]);
}

/* What a reload needs of the load options, kept by the model. */
static void model_keep_opts(ac_model *m, const ac_load_opts *opts)
{
    for (size_t i = 0; opts->known_vars && i < opts->known_vars->n; i++)
        ac_strlist_push(&m->known_vars, opts->known_vars->items[i]);
    m->profile = ac_strdup(opts->profile ? opts->profile : "documented");
}

static void text_digest(const yn_doc *doc, unsigned char out[32])
{
    unsigned int n = 0;
    if (!EVP_Digest(doc->text, doc->text_len, out, &n, EVP_sha256(), NULL) || n != 32)
        memset(out, 0, 32);   /* never equal to a real digest by chance: the reload then fails */
}

/* Loads the manifest named by opts into out->manifest (or the defaults). Returns false when the
 * manifest had errors (loading the cases against it would only add noise). */
static bool load_manifest_for(loader *L, const ac_load_opts *opts, ac_model *out)
{
    L->man = &out->manifest;
    if (!opts->manifest_path) {
        manifest_defaults(&out->manifest);
        return true;
    }
    L->have_manifest = true;
    return ac_load_manifest(opts->manifest_path, &out->manifest, L->diags) == 0;
}

/* Loads the manifest and every case file. With `counts` (lint), each file is checked and freed
 * at once, so memory stays at one file's model however many files there are; counts[0] gets
 * the number of files, counts[1] the number of tests. */
static int load_model(const ac_load_opts *opts, ac_model *out, ac_diags *diags, size_t *counts)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    loader L = { .opts = opts, .diags = diags };
    if (!load_manifest_for(&L, opts, out)) {
        loader_free(&L);
        return -1;
    }
    ac_strlist files = { 0 };
    if (opts->n_paths > 0)
        collect_paths(&L, opts->paths, opts->n_paths, &files);
    else if (out->manifest.case_paths.n > 0)
        collect_paths(&L, (const char *const *)out->manifest.case_paths.items,
                      out->manifest.case_paths.n, &files);
    else if (diags->n_errors == before)
        ac_diag_add(diags, AC_DIAG_ERROR, opts->manifest_path, 0, 0, NULL, 0,
                    opts->manifest_path ? "the suite manifest lists no cases and no case files "
                                          "were given"
                                        : "no case files given");
    size_t cap = 0;
    for (size_t i = 0; i < files.n; i++) {
        yn_doc *doc = yn_parse_file(files.items[i], diags);
        if (!doc) continue;
        ac_suite_file *sf = model_add_file(out, &cap);
        if (opts->release && !counts) text_digest(doc, sf->digest);
        load_case_doc(&L, doc, sf);
        if (opts->release && !counts) ac_suite_file_release(sf);
        if (counts) {
            counts[0]++;
            counts[1] += sf->n_tests;
            ac_suite_file_free_contents(sf);
            memset(sf, 0, sizeof *sf);
            out->n_files--;
        }
    }
    model_fix_backpointers(out);
    model_keep_opts(out, opts);
    ac_strlist_free(&files);
    loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}

int ac_reload_file(const ac_model *m, const ac_suite_file *released, ac_suite_file *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    ac_diags diags;
    ac_diags_init(&diags);
    ac_load_opts opts = { .manifest_path = m->manifest.path, .known_vars = &m->known_vars,
                          .profile = m->profile };
    loader L = { .opts = &opts, .diags = &diags, .man = &m->manifest,
                 .have_manifest = m->manifest.path != NULL };
    yn_doc *doc = yn_parse_file(released->path, &diags);
    unsigned char d[32];
    if (doc) text_digest(doc, d);
    if (doc && memcmp(d, released->digest, sizeof d) != 0) {
        yn_doc_free(doc);
        *err = ac_sprintf("case file %s changed after the run loaded it; its tests were not run",
                          released->path);
    } else if (doc) {
        load_case_doc(&L, doc, out);
        file_fix_backpointers(out);
        /* Same text, same manifest, same variables: the validation cannot differ. */
        if (diags.n_errors > 0 || out->n_tests != released->n_tests)
            *err = ac_sprintf("case file %s no longer loads as it did; its tests were not run", released->path);
    } else {
        const ac_diag *e = diags.n ? &diags.items[0] : NULL;
        *err = ac_sprintf("case file %s cannot be loaded again: %s", released->path,
                          e && e->message ? e->message : "unreadable");
    }
    loader_free(&L);
    ac_diags_free(&diags);
    if (*err) {
        ac_suite_file_free_contents(out);
        return -1;
    }
    return 0;
}

int ac_load_model(const ac_load_opts *opts, ac_model *out, ac_diags *diags)
{
    return load_model(opts, out, diags, NULL);
}

int ac_load_model_text(const ac_load_opts *opts, const char *name, const char *text, size_t len,
                       ac_model *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    loader L = { .opts = opts, .diags = diags };
    if (!load_manifest_for(&L, opts, out)) {
        loader_free(&L);
        return -1;
    }
    yn_doc *doc = yn_parse(name, text, len, diags);
    size_t cap = 0;
    if (doc) load_case_doc(&L, doc, model_add_file(out, &cap));
    model_fix_backpointers(out);
    model_keep_opts(out, opts);
    loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}

int ac_lint(const ac_load_opts *opts, ac_diags *diags, size_t *n_files, size_t *n_tests)
{
    ac_model m;
    size_t counts[2] = { 0, 0 };
    int rc = load_model(opts, &m, diags, counts);
    if (n_files) *n_files = counts[0];
    if (n_tests) *n_tests = counts[1];
    ac_model_free(&m);
    return rc;
}

/* ---- vars files -------------------------------------------------------------------------- */

void ac_vars_list_free(ac_vars_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int ac_load_vars_file(const char *path, ac_vars_list *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors, first_diag = diags->n;
    ac_load_opts opts = { 0 };
    loader L = { .opts = &opts, .diags = diags, .no_source = true };
    yn_doc *doc = yn_parse_file(path, diags);
    if (doc) {
        L.doc = doc;
        const yn_node *root = doc->root;
        if (!root || root->kind != YN_MAP) {
            ac_diag_add(diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                        "vars file must be a map of name: value");
        } else {
            out->items = ac_calloc(root->n_pairs ? root->n_pairs : 1, sizeof *out->items);
            for (size_t i = 0; i < root->n_pairs; i++) {
                const yn_node *k = root->pairs[i].key, *v = root->pairs[i].value;
                if (!ac_is_var_name(k->str)) {
                    lerr(&L, k, "variable name '%s' must match [A-Za-z_][A-Za-z0-9_]*", k->str);
                    continue;
                }
                bool secret = false;
                const yn_node *val = v;
                if (v->kind == YN_MAP) {
                    check_keys(&L, v, "vars file entry", VARS_ENTRY_KEYS);
                    val = yn_get(v, "value");
                    const yn_node *s = yn_get(v, "secret");
                    if (s && want_bool(&L, s, "secret")) secret = s->b;
                    if (!val) {
                        lerr(&L, v, "variable '%s' needs value", k->str);
                        continue;
                    }
                }
                if (val->kind != YN_SCALAR || val->stype == YN_NULL) {
                    lerr(&L, val, "value of '%s' must be a string, a number or a boolean (quote "
                         "an empty value: '')", k->str);
                    continue;
                }
                ac_vars_entry *e = &out->items[out->n++];
                e->name = ac_strdup(k->str);
                e->value = ac_malloc(val->len + 1);
                memcpy(e->value, val->str, val->len);
                e->value[val->len] = '\0';
                e->len = val->len;
                e->secret = secret;
                e->line = k->line;
            }
        }
        yn_doc_free(doc);
    }
    /* A vars file holds secrets: never show its lines. */
    for (size_t i = first_diag; i < diags->n; i++) {
        free(diags->items[i].source_line);
        diags->items[i].source_line = NULL;
        diags->items[i].caret_col = 0;
    }
    loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}
