/* Validating expectations: values and operators, status, headers, JWTs, durations, severities. */
#include "load_internal.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "jsonpath.h"
#include "suggest.h"

static const char *const EXPECT_KEYS[] = { "status", "headers", "json", "body", "jwt",
    "duration_ms", "any_of", "values", "connection_closed_ok", NULL };
static const char *const RUN_EXPECT_KEYS[] = { "exit", NULL };
static const char *const JWT_KEYS[] = { "from", "json", "header", "claims", "assert", NULL };
static const char *const STATUS_MAP_KEYS[] = { "in", "not_in", "severity", NULL };
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
static const char *const VALUES_EXTRA[] = { "value", "severity", NULL };
static const char *const NO_KEYS[] = { NULL };
static const char *const TYPE_NAMES[] = { "string", "number", "integer", "boolean", "null",
    "array", "object", NULL };
static const char *const SEVERITY_WORDS[] = { "must", "should", "info", NULL };

/* ---- value checks ------------------------------------------------------------------------ */

void ld_check_regex(loader *L, const vctx *V, const yn_node *n, const char *what, bool ci)
{
    const char *t = ld_want_text(L, n, what);
    if (!t) return;
    if (ld_has_template(n)) {
        ld_check_template(L, V, n);
        return;
    }
    regex_t re;
    int rc = regcomp(&re, t, REG_EXTENDED | REG_NOSUB | (ci ? REG_ICASE : 0));
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        ld_err(L, n, "invalid regular expression \"%s\": %s%s", t, msg,
               strncmp(t, "(?", 2) == 0 ? " ((?i) is not POSIX: use matches_ci / not_matches_ci)"
                                      : "");
        return;
    }
    regfree(&re);
}

void ld_check_jsonpath(loader *L, const yn_node *n, const char *what)
{
    if (!ld_want_str(L, n, what)) return;
    char *err = NULL;
    if (ac_jsonpath_check(n->str, &err) != 0) {
        ld_err(L, n, "invalid JSON path \"%s\": %s", n->str, err ? err : "syntax error");
        free(err);
    }
}

/* Durations: a number of seconds, or a string such as 250ms, 2s, 1m; templates allowed. */
void ld_check_duration(loader *L, const vctx *V, const yn_node *n, const char *what,
                           double max_s, bool positive)
{
    double v;
    if (yn_is_number(n)) {
        v = n->f;
    } else if (yn_is_str(n) && ld_has_template(n)) {
        ld_check_template(L, V, n);
        return;
    } else if (yn_is_str(n)) {
        char *err = NULL;
        if (ac_parse_duration(n->str, &v, &err) != 0) {
            ld_err(L, n, "%s: %s", what, err ? err : "not a duration");
            free(err);
            return;
        }
    } else {
        char d[96];
        ld_describe(n, d, sizeof d);
        ld_err(L, n, "%s must be a duration (seconds, or a string like 250ms, 2s, 1m), got %s",
               what, d);
        return;
    }
    if (!isfinite(v) || v < 0) ld_err(L, n, "%s must not be negative", what);
    else if (positive && v == 0) ld_err(L, n, "%s must be more than 0", what);
    else if (max_s > 0 && v > max_s) ld_err(L, n, "%s must be at most %g s, got %g s", what, max_s, v);
}

void ld_check_severity(loader *L, const yn_node *n)
{
    if (!n) return;
    if (n->kind == YN_SCALAR) {
        if (yn_is_str(n) && ld_in_list(n->str, SEVERITY_WORDS)) return;
        char d[96], dym[96];
        ld_describe(n, d, sizeof d);
        ac_did_you_mean(dym, sizeof dym, yn_is_str(n) ? ac_suggest_from_list(n->str, SEVERITY_WORDS) : NULL);
        ld_err(L, n, "severity must be must, should or info (or a map profile -> word), got %s%s",
               d, dym);
        return;
    }
    if (n->kind != YN_MAP) {
        ld_err(L, n, "severity must be must, should or info, or a map profile -> word, got a list");
        return;
    }
    if (n->n_pairs == 0) ld_err(L, n, "severity map must not be empty");
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
            ld_err(L, k, "unknown profile '%s' in severity%s (profiles: %sdefault)", k->str, dym,
                   ac_buf_str(&b));
            ac_buf_free(&b);
        }
        if (!yn_is_str(v) || !ld_in_list(v->str, SEVERITY_WORDS)) {
            char d[96], dym[96];
            ld_describe(v, d, sizeof d);
            ac_did_you_mean(dym, sizeof dym, yn_is_str(v) ? ac_suggest_from_list(v->str, SEVERITY_WORDS) : NULL);
            ld_err(L, v, "severity must be must, should or info, got %s%s", d, dym);
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
    if (!ld_want_list(L, n, what, nonempty)) return;
    for (size_t i = 0; i < n->n_items; i++) {
        if (status_item_ok(n->items[i])) continue;
        char d[96];
        ld_describe(n->items[i], d, sizeof d);
        ld_err(L, n->items[i], "%s: a status must be a code 100-599 or a class like 4xx, got %s",
               what, d);
    }
}

/* status: 200 | 4xx | [..] | { in: [..], not_in: [..], severity } */
void ld_check_status(loader *L, const yn_node *n, const char *what, bool allow_map)
{
    if (n->kind == YN_SEQ) {
        check_status_list(L, n, what, true);
        return;
    }
    if (n->kind == YN_MAP && allow_map) {
        ld_check_keys(L, n, what, STATUS_MAP_KEYS);
        const yn_node *in = yn_get(n, "in"), *not_in = yn_get(n, "not_in");
        if (!in && !not_in) ld_err(L, n, "%s map needs in or not_in", what);
        if (in) check_status_list(L, in, "status in", true);
        if (not_in) check_status_list(L, not_in, "status not_in", false);
        ld_check_severity(L, yn_get(n, "severity"));
        return;
    }
    if (status_item_ok(n)) return;
    char d[96];
    ld_describe(n, d, sizeof d);
    ld_err(L, n, "%s must be a code 100-599, a class like 4xx, a list%s, got %s", what,
           allow_map ? " or { in, not_in }" : "", d);
}

void ld_check_opmap(loader *L, const vctx *V, const yn_node *map, const char *ctx,
                        const char *const *ops, const char *const *extra);

static void check_op_value(loader *L, const vctx *V, const char *op, const yn_node *v,
                           const char *ctx)
{
    char what[128];
    snprintf(what, sizeof what, "%s in %s", op, ctx);
    char d[96];
    if (!strcmp(op, "equals") || !strcmp(op, "not_equals")) {
        ld_check_template_tree(L, V, v);
    } else if (!strcmp(op, "in") || !strcmp(op, "not_in")) {
        if (ld_want_list(L, v, what, false)) ld_check_template_tree(L, V, v);
    } else if (!strcmp(op, "matches") || !strcmp(op, "not_matches")) {
        ld_check_regex(L, V, v, what, false);
    } else if (!strcmp(op, "matches_ci") || !strcmp(op, "not_matches_ci")) {
        ld_check_regex(L, V, v, what, true);
    } else if (!strcmp(op, "contains") || !strcmp(op, "not_contains")) {
        if (v->kind == YN_SEQ) {
            if (v->n_items == 0) ld_err(L, v, "%s must not be an empty list", what);
            for (size_t i = 0; i < v->n_items; i++)
                if (ld_want_text(L, v->items[i], what)) ld_check_template(L, V, v->items[i]);
        } else if (v->kind == YN_SCALAR && v->stype != YN_NULL) {
            ld_check_template(L, V, v);
        } else {
            ld_describe(v, d, sizeof d);
            ld_err(L, v, "%s must be a value or a list of values, got %s", what, d);
        }
    } else if (!strcmp(op, "type")) {
        const yn_node *const *items = &v;
        size_t n = 1;
        if (v->kind == YN_SEQ) {
            items = (const yn_node *const *)v->items;
            n = v->n_items;
            if (n == 0) ld_err(L, v, "%s must not be an empty list", what);
        }
        for (size_t i = 0; i < n; i++) {
            const yn_node *t = items[i];
            if (yn_is_str(t) && ld_in_list(t->str, TYPE_NAMES)) continue;
            if (yn_is_scalar(t) && t->stype == YN_NULL && !strcmp(t->str, "null")) continue;
            char dym[96];
            ld_describe(t, d, sizeof d);
            ac_did_you_mean(dym, sizeof dym, yn_is_str(t) ? ac_suggest_from_list(t->str, TYPE_NAMES) : NULL);
            if (yn_is_str(t) && !strcmp(t->str, "int")) snprintf(dym, sizeof dym, " (did you mean 'integer'?)");
            if (yn_is_str(t) && !strcmp(t->str, "bool")) snprintf(dym, sizeof dym, " (did you mean 'boolean'?)");
            ld_err(L, t, "unknown type %s in %s%s (types: string, number, integer, boolean, null, "
                 "array, object)", d, ctx, dym);
        }
    } else if (!strcmp(op, "exists") || !strcmp(op, "absent")) {
        if (!(yn_is_scalar(v) && v->stype == YN_BOOL && v->b)) {
            ld_describe(v, d, sizeof d);
            ld_err(L, v, "%s must be true (use %s: true for the opposite), got %s", what,
                   !strcmp(op, "exists") ? "absent" : "exists", d);
        }
    } else if (!strcmp(op, "gt") || !strcmp(op, "ge") || !strcmp(op, "lt") || !strcmp(op, "le")) {
        if (yn_is_number(v)) {
            if (isnan(v->f)) ld_err(L, v, "%s must be a number, got .nan", what);
        } else if (yn_is_str(v) && ld_has_template(v)) {
            ld_check_template(L, V, v);
        } else if (yn_is_str(v)) {
            char *end = NULL;
            double x = strtod(v->str, &end);
            (void)x;
            if (end == v->str || *end != '\0') {
                ld_describe(v, d, sizeof d);
                ld_err(L, v, "%s must be a number, got %s", what, d);
            }
        } else {
            ld_describe(v, d, sizeof d);
            ld_err(L, v, "%s must be a number, got %s", what, d);
        }
    } else if (!strcmp(op, "length")) {
        if (yn_is_int(v)) {
            if (v->i < 0) ld_err(L, v, "%s must not be negative", what);
        } else if (yn_is_str(v) && ld_has_template(v)) {
            ld_check_template(L, V, v);
        } else if (v->kind == YN_MAP) {
            ld_check_opmap(L, V, v, "length", NUMERIC_OPS, NO_KEYS);
        } else {
            ld_describe(v, d, sizeof d);
            ld_err(L, v, "%s must be an integer or a map of operators, got %s", what, d);
        }
    } else if (!strcmp(op, "equals_ci")) {
        if (ld_want_text(L, v, what)) ld_check_template(L, V, v);
    }
}

/* A map of operators (section 5.3). ops: allowed operators; extra: other keys the caller
 * validates itself (severity, value, expr...). */
void ld_check_opmap(loader *L, const vctx *V, const yn_node *map, const char *ctx,
                        const char *const *ops, const char *const *extra)
{
    size_t n_ops = 0, n_bad = 0;
    const yn_node *exists = NULL, *absent = NULL;
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yn_node *k = map->pairs[i].key, *v = map->pairs[i].value;
        if (ld_in_list(k->str, extra)) continue;
        if (!ld_in_list(k->str, ops)) {
            ac_suggest c = { 0 };
            ac_suggest_add_list(&c, ops);
            ac_suggest_add_list(&c, extra);
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, k->str));
            ac_suggest_free(&c);
            if (ld_in_list(k->str, ALL_OPS))
                ld_err(L, k, "operator '%s' cannot be used in %s", k->str, ctx);
            else
                ld_err(L, k, "unknown operator '%s' in %s%s", k->str, ctx, dym);
            n_bad++;
            continue;
        }
        n_ops++;
        if (!strcmp(k->str, "exists")) exists = k;
        if (!strcmp(k->str, "absent")) absent = k;
        check_op_value(L, V, k->str, v, ctx);
    }
    if (exists && absent) ld_err(L, absent, "exists and absent cannot be used together");
    if (n_ops == 0 && n_bad == 0) {
        ac_buf b;
        ac_buf_init(&b);
        ld_list_join(&b, ops);
        ld_err(L, map, "%s has no operator (use one of: %s)", ctx, ac_buf_str(&b));
        ac_buf_free(&b);
    }
}

/* A check value: a scalar (equals) or a map of operators with an optional severity. */
static void check_value_check(loader *L, const vctx *V, const yn_node *v, const char *ctx)
{
    if (v->kind == YN_MAP) {
        ld_check_opmap(L, V, v, ctx, ALL_OPS, SEVERITY_KEY);
        ld_check_severity(L, yn_get(v, "severity"));
    } else if (v->kind == YN_SCALAR) {
        ld_check_template(L, V, v);
    } else {
        /* A list of operator maps: several checks on one value, each with its own severity. */
        bool maps = v->n_items > 0;
        for (size_t i = 0; i < v->n_items; i++)
            if (v->items[i]->kind != YN_MAP) maps = false;
        if (!maps) {
            ld_err(L, v, "%s must be a value, a map of operators or a list of such maps, got a list "
                   "of values (to compare with a list write { equals: [...] })", ctx);
            return;
        }
        for (size_t i = 0; i < v->n_items; i++) {
            ld_check_opmap(L, V, v->items[i], ctx, ALL_OPS, SEVERITY_KEY);
            ld_check_severity(L, yn_get(v->items[i], "severity"));
        }
    }
}

/* ---- expect ------------------------------------------------------------------------------ */

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
    if (!ld_want_map(L, j, "jwt")) return;
    ld_check_keys(L, j, "jwt", JWT_KEYS);
    const yn_node *from = yn_get(j, "from"), *json = yn_get(j, "json");
    if (from && json) ld_err(L, ld_key_of(j, "json"), "jwt takes from or json, not both");
    else if (!from && !json) ld_err(L, j, "jwt needs from (a template) or json (a JSON path)");
    if (from && ld_want_str(L, from, "jwt from")) ld_check_template(L, V, from);
    if (json) ld_check_jsonpath(L, json, "jwt json");
    static const char *const parts[] = { "header", "claims" };
    for (int p = 0; p < 2; p++) {
        const yn_node *m = yn_get(j, parts[p]);
        if (!m || !ld_want_map(L, m, p ? "jwt claims" : "jwt header")) continue;
        for (size_t i = 0; i < m->n_pairs; i++) {
            const yn_node *k = m->pairs[i].key;
            if (k->str[0] == '$') ld_check_jsonpath(L, k, "jwt claim path");
            char ctx[160];
            snprintf(ctx, sizeof ctx, "jwt %s %.100s", parts[p], k->str);
            check_value_check(L, V, m->pairs[i].value, ctx);
        }
    }
    const yn_node *as = yn_get(j, "assert");
    if (as && ld_want_list(L, as, "jwt assert", true)) {
        for (size_t i = 0; i < as->n_items; i++) {
            const yn_node *a = as->items[i];
            if (!ld_want_map(L, a, "a jwt assert item")) continue;
            const yn_node *expr = yn_get(a, "expr");
            if (!expr) ld_err(L, a, "jwt assert item needs expr");
            else if (ld_want_str(L, expr, "expr")) {
                if (ld_has_template(expr)) ld_check_template(L, V, expr);
                else if (!jwt_expr_ok(expr->str))
                    ld_err(L, expr, "invalid expr \"%s\" (expected TERM (+|- TERM)*, a term being "
                         "a claim name, a number or now)", expr->str);
            }
            const yn_node *tol = yn_get(a, "tolerance");
            if (tol && (!yn_is_number(tol) || tol->f < 0)) {
                char d[96];
                ld_describe(tol, d, sizeof d);
                ld_err(L, tol, "tolerance must be a number >= 0, got %s", d);
            }
            ld_check_opmap(L, V, a, "jwt assert", ASSERT_OPS, ASSERT_EXTRA);
            ld_check_severity(L, yn_get(a, "severity"));
        }
    }
}

static void check_expect_headers(loader *L, const vctx *V, const yn_node *h)
{
    if (!ld_want_map(L, h, "expect headers")) return;
    for (size_t i = 0; i < h->n_pairs; i++) {
        const yn_node *k = h->pairs[i].key;
        if (!ld_is_token(k->str)) ld_err(L, k, "'%s' is not a valid header name", k->str);
        for (size_t j = 0; j < i; j++)
            if (ac_streq_ci(h->pairs[j].key->str, k->str)) {
                ld_err(L, k, "header '%s' is already checked at line %d (header names are "
                     "case-insensitive)", k->str, h->pairs[j].key->line);
                break;
            }
        char ctx[160];
        snprintf(ctx, sizeof ctx, "header %.100s", k->str);
        check_value_check(L, V, h->pairs[i].value, ctx);
    }
}

void ld_check_expect(loader *L, const vctx *V, const yn_node *e, const char *ctx)
{
    if (!ld_want_map(L, e, ctx)) return;
    ld_check_keys(L, e, ctx, EXPECT_KEYS);
    const yn_node *n;
    if ((n = yn_get(e, "status"))) ld_check_status(L, n, "status", true);
    if ((n = yn_get(e, "headers"))) check_expect_headers(L, V, n);
    if ((n = yn_get(e, "json")) && ld_want_map(L, n, "expect json")) {
        for (size_t i = 0; i < n->n_pairs; i++) {
            const yn_node *k = n->pairs[i].key;
            ld_check_jsonpath(L, k, "json key");
            char c[160];
            snprintf(c, sizeof c, "json %.100s", k->str);
            check_value_check(L, V, n->pairs[i].value, c);
        }
    }
    if ((n = yn_get(e, "body")) && ld_want_map(L, n, "expect body")) {
        ld_check_opmap(L, V, n, "body", BODY_OPS, SEVERITY_KEY);
        ld_check_severity(L, yn_get(n, "severity"));
    }
    if ((n = yn_get(e, "jwt"))) check_jwt(L, V, n);
    if ((n = yn_get(e, "duration_ms"))) {
        if (yn_is_number(n)) {
            if (n->f < 0) ld_err(L, n, "duration_ms must not be negative");
        } else if (n->kind == YN_MAP) {
            ld_check_opmap(L, V, n, "duration_ms", DURATION_OPS, SEVERITY_KEY);
            ld_check_severity(L, yn_get(n, "severity"));
        } else {
            char d[96];
            ld_describe(n, d, sizeof d);
            ld_err(L, n, "duration_ms must be a number or a map of gt/ge/lt/le, got %s", d);
        }
    }
    if ((n = yn_get(e, "values")) && ld_want_list(L, n, "values", true)) {
        for (size_t i = 0; i < n->n_items; i++) {
            const yn_node *it = n->items[i];
            if (!ld_want_map(L, it, "a values item")) continue;
            const yn_node *val = yn_get(it, "value");
            if (!val) ld_err(L, it, "a values item needs value (a template)");
            else if (ld_want_str(L, val, "value")) ld_check_template(L, V, val);
            ld_check_opmap(L, V, it, "values", ALL_OPS, VALUES_EXTRA);
            ld_check_severity(L, yn_get(it, "severity"));
        }
    }
    if ((n = yn_get(e, "connection_closed_ok"))) ld_want_bool(L, n, "connection_closed_ok");
    if ((n = yn_get(e, "any_of")) && ld_want_list(L, n, "any_of", true))
        for (size_t i = 0; i < n->n_items; i++) ld_check_expect(L, V, n->items[i], "any_of block");
}

void ld_check_run_expect(loader *L, const yn_node *e)
{
    if (!ld_want_map(L, e, "a run step's expect")) return;
    ld_check_keys(L, e, "a run step's expect", RUN_EXPECT_KEYS);
    const yn_node *x = yn_get(e, "exit");
    if (!x) return;
    const yn_node *const *items = &x;
    size_t n = 1;
    if (x->kind == YN_SEQ) {
        items = (const yn_node *const *)x->items;
        n = x->n_items;
        if (n == 0) ld_err(L, x, "exit must not be an empty list");
    }
    for (size_t i = 0; i < n; i++)
        if (!yn_is_int(items[i]) || items[i]->i < 0 || items[i]->i > 255) {
            char d[96];
            ld_describe(items[i], d, sizeof d);
            ld_err(L, items[i], "exit must be an exit status 0-255 (or a list of them), got %s", d);
        }
}
