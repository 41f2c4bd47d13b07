/* The jwt expectation: a token taken from a template or a JSON path, decoded, and its header,
 * claims and arithmetic assertions over claims (exp - iat <= 3600) checked. */
#include "expect_impl.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "jwt.h"
#include "util.h"

/* Evaluates `TERM (+|- TERM)*` (terms: claim names, numbers, now) over the claims. On a claim
 * that is missing or not a number, *problem (owned) says so and the result is meaningless. */
static int jwt_expr(const char *s, const cJSON *claims, double now, double *out, char **problem, char **err)
{
    double acc = 0;
    int sign = 1;
    const char *p = s;
    bool need_term = true;
    *problem = NULL;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (need_term) {
            double v = 0;
            if (isdigit((unsigned char)*p) || *p == '.') {
                char *end;
                v = strtod(p, &end);
                p = end;
            } else if (isalpha((unsigned char)*p) || *p == '_') {
                const char *st = p;
                while (isalnum((unsigned char)*p) || *p == '_') p++;
                char *name = ac_strndup(st, (size_t)(p - st));
                const cJSON *c = cJSON_GetObjectItemCaseSensitive(claims, name);
                ac_op_value a = ac_op_json_value(c);
                if (strcmp(name, "now") == 0 && !c) v = now;
                else if (!c) { if (!*problem) *problem = ac_sprintf("claim '%s' is absent", name); }
                else if (!ac_op_number(&a, &v)) { if (!*problem) *problem = ac_sprintf("claim '%s' is not a number", name); }
                free(name);
            } else {
                *err = ac_sprintf("expression '%s': expected a claim name, a number or now at column %zu", s,
                                  (size_t)(p - s) + 1);
                free(*problem);
                *problem = NULL;
                return -1;
            }
            acc += sign * v;
            need_term = false;
            continue;
        }
        if (*p == '\0') break;
        if (*p == '+' || *p == '-') {
            sign = *p == '+' ? 1 : -1;
            p++;
            need_term = true;
            continue;
        }
        *err = ac_sprintf("expression '%s': expected + or - at column %zu", s, (size_t)(p - s) + 1);
        free(*problem);
        *problem = NULL;
        return -1;
    }
    *out = acc;
    return 0;
}

static int eval_jwt_assert(ev *E, const yn_node *item, const cJSON *claims, ac_severity dflt)
{
    const yn_node *expr_node = yn_get(item, "expr");
    ac_severity sev = ac_expect_sev(E, item, dflt);
    if (!expr_node) return 0;
    ac_ival iv;
    char *err = NULL;
    if (ac_interpolate(E->ctx->scope, expr_node->str, expr_node->len, &iv, &err) < 0)
        return ac_expect_error(E, expr_node, "jwt assert", err);
    double value = 0;
    char *problem = NULL;
    char *name = ac_sprintf("jwt assert %s", expr_node->str);
    if (jwt_expr(iv.str, claims, E->ctx->now, &value, &problem, &err) < 0) {
        ac_ival_free(&iv);
        int rc = ac_expect_error(E, expr_node, name, err);
        free(name);
        return rc;
    }
    ac_ival_free(&iv);
    const yn_node *tol_node = yn_get(item, "tolerance");
    double tol = tol_node && yn_is_number(tol_node) ? tol_node->f : 0;
    cJSON *num = cJSON_CreateNumber(value);
    ac_op_value v = ac_op_json_value(num);
    subject sub = { .name = name, .vals = &v, .n = 1, .absent = "no value", .failure = problem };
    int rc = 0;
    for (size_t i = 0; i < item->n_pairs && rc == 0; i++) {
        const char *op = item->pairs[i].key->str;
        const yn_node *key = item->pairs[i].key, *val = item->pairs[i].value;
        if (!strcmp(op, "expr") || !strcmp(op, "tolerance") || !strcmp(op, "severity")) continue;
        if (tol > 0 && (!strcmp(op, "equals") || !strcmp(op, "not_equals"))) {
            /* equals within a tolerance: |value - expected| <= tolerance. */
            cJSON *e = ac_op_expected(val, E->ctx->scope, &err);
            if (!e) { rc = ac_expect_error(E, key, name, err); break; }
            e = ac_op_numeric_form(e);
            ac_op_value ea = ac_op_json_value(e);
            double x;
            char *cname = ac_sprintf("%s %s", name, op);
            char *vt = ac_number_text(value), *et = ac_op_flow(e), *tt = ac_number_text(tol);
            bool want_eq = !strcmp(op, "equals");
            char *m;
            bool passed = false;
            if (problem) m = ac_sprintf("%s: %s", name, problem);
            else if (!ac_op_number(&ea, &x)) m = ac_sprintf("%s: expected value %s is not a number", name, et);
            else {
                passed = (fabs(value - x) <= tol) == want_eq;
                m = passed ? ac_sprintf("%s: %s is %swithin %s ± %s", name, vt, want_eq ? "" : "not ", et, tt)
                           : ac_sprintf("%s: %s, expected %s%s ± %s", name, vt, want_eq ? "" : "anything but ", et, tt);
            }
            ac_expect_push(E, cname, ac_sprintf("%s ± %s", et, tt), problem ? ac_strdup(problem) : ac_strdup(vt), m,
                       passed, sev, key);
            free(vt);
            free(et);
            free(tt);
            cJSON_Delete(e);
            continue;
        }
        rc = ac_expect_op(E, &sub, op, val, key, sev, NULL);
    }
    free(problem);
    free(name);
    cJSON_Delete(num);
    return rc;
}

/* header: / claims: maps keyed by a top-level name or a JSON path starting with $. */
static int eval_jwt_part(ev *E, const char *part, const yn_node *map, const cJSON *obj, ac_severity dflt)
{
    for (size_t i = 0; map && i < map->n_pairs; i++) {
        const char *key = map->pairs[i].key->str;
        ac_op_value *vals = NULL;
        size_t n = 0;
        if (key[0] == '$') {
            if (ac_expect_path_values(E, obj, key, map->pairs[i].key, &vals, &n) < 0) return -1;
        } else {
            vals = ac_calloc(1, sizeof *vals);
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
            if (c) vals[n++] = ac_op_json_value(c);
        }
        char *name = ac_sprintf("jwt %s %s", part, key);
        subject sub = { .name = name, .vals = vals, .n = n, .absent = "absent" };
        int rc = ac_expect_spec(E, &sub, map->pairs[i].value, map->pairs[i].key, dflt);
        free(name);
        free(vals);
        if (rc < 0) return -1;
    }
    return 0;
}

int ac_expect_jwt(ev *E, const yn_node *key, const yn_node *spec, ac_severity dflt)
{
    ac_severity sev = ac_expect_sev(E, spec, dflt);
    const yn_node *from = yn_get(spec, "from"), *jpath = yn_get(spec, "json");
    char *token = NULL, *problem = NULL, *source = NULL, *err = NULL;
    if (from) {
        ac_ival iv;
        if (ac_interpolate(E->ctx->scope, from->str, from->len, &iv, &err) < 0)
            return ac_expect_error(E, from, "jwt from", err);
        token = iv.str;   /* taken from iv */
        source = ac_sprintf("from %s", from->str);
    } else if (jpath) {
        source = ac_sprintf("at json %s", jpath->str);
        const cJSON *root = ac_response_json(E->resp);
        if (!root) {
            problem = ac_strdup("body is not JSON");
        } else {
            ac_op_value *vals = NULL;
            size_t n = 0;
            if (ac_expect_path_values(E, root, jpath->str, jpath, &vals, &n) < 0) {
                free(source);
                return -1;
            }
            if (n == 0) problem = ac_sprintf("no value at %s", jpath->str);
            else if (!cJSON_IsString(vals[0].j)) problem = ac_sprintf("the value at %s is not a string", jpath->str);
            else token = ac_strdup(vals[0].j->valuestring);
            free(vals);
        }
    } else {
        problem = ac_strdup("no token: give from or json");
    }
    ac_jwt jwt;
    bool decoded = false;
    if (token && !problem) {
        if (ac_jwt_decode(token, &jwt, &err) == 0) decoded = true;
        else problem = err;
    }
    char *msg;
    if (decoded) {
        const cJSON *alg = cJSON_GetObjectItemCaseSensitive(jwt.header, "alg");
        msg = ac_sprintf("jwt %s: a JWT with alg %s", source ? source : "",
                         cJSON_IsString(alg) ? alg->valuestring : "(none given)");
    } else {
        msg = ac_sprintf("jwt %s: %s", source ? source : "", problem ? problem : "not a JWT");
    }
    ac_expect_push(E, ac_strdup("jwt"), ac_strdup("a JWT"),
               token ? ac_op_shown(token, strlen(token), AC_OP_ACTUAL_CAP) : ac_strdup("(none)"), msg, decoded, sev, key);
    int rc = 0;
    if (decoded) {
        rc = eval_jwt_part(E, "header", yn_get(spec, "header"), jwt.header, sev);
        if (rc == 0) rc = eval_jwt_part(E, "claims", yn_get(spec, "claims"), jwt.claims, sev);
        const yn_node *asserts = yn_get(spec, "assert");
        for (size_t i = 0; rc == 0 && asserts && i < asserts->n_items; i++)
            rc = eval_jwt_assert(E, asserts->items[i], jwt.claims, sev);
        ac_jwt_free(&jwt);
    }
    free(token);
    free(problem);
    free(source);
    return rc;
}

