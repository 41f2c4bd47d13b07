/* `when` conditions: a template's value tested with the operators of case-format.md 5.3; a
 * false condition explains itself ("add(expires_in, leeway) (3605) <= max_wait (10) is false"). */
#include "expect.h"

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "operators.h"
#include "redact.h"
#include "util.h"

/* How a template reads in a reason: "add(a, b) (3605)" for ${add(a, b)}, the text otherwise. */
static char *describe(const char *tmpl, size_t tlen, const char *value, size_t vlen, bool whole)
{
    char *d = whole && tlen >= 3 ? ac_strndup(tmpl + 2, tlen - 3) : ac_strndup(tmpl, tlen);
    char *v = ac_op_shown(value, vlen, AC_OP_VALUE_CAP);
    char *out = (strlen(d) == vlen && memcmp(d, value, vlen) == 0) ? ac_strdup(v) : ac_sprintf("%s (%s)", d, v);
    free(d);
    free(v);
    return out;
}

/* length in a condition: a number (equals) or an operator map over the value's byte length. */
static int cond_length(const yn_node *en, const ac_scope *scope, size_t len, const char *vdesc, bool *holds,
                       char **reason, char **err)
{
    cJSON *e = ac_op_expected(en, scope, err);
    if (!e) return -1;
    cJSON *num = cJSON_CreateNumber((double)len);
    ac_op_value la = ac_op_json_value(num);
    if (cJSON_IsObject(e)) {
        for (const cJSON *c = e->child; c && *holds; c = c->next) {
            const ac_op *lop = ac_op_find(c->string);
            if (!lop || lop->kind == AC_OP_LENGTH || lop->kind == AC_OP_EXISTS || lop->kind == AC_OP_ABSENT ||
                ac_op_is_regex(lop))
                continue;
            ac_op_verdict v = ac_op_test(lop, &la, c, NULL);
            *holds = v.holds;
            ac_op_verdict_free(&v);
            if (!*holds) {
                char *et = ac_op_flow(c);
                *reason = ac_sprintf("length of %s is %zu, %s %s is false", vdesc, len, lop->sym, et);
                free(et);
            }
        }
    } else {
        ac_op_verdict v = ac_op_test(ac_op_find("equals"), &la, e, NULL);
        *holds = v.holds;
        ac_op_verdict_free(&v);
        if (!*holds) {
            char *et = ac_op_flow(e);
            *reason = ac_sprintf("length of %s is %zu, expected %s", vdesc, len, et);
            free(et);
        }
    }
    cJSON_Delete(num);
    cJSON_Delete(e);
    return 0;
}

/* How the expected side reads in a reason: "max_wait (10)" for "${max_wait}", else the value. */
static char *describe_expected(const yn_node *en, const cJSON *e, const ac_scope *scope)
{
    if (en->kind == YN_SCALAR && en->str && strstr(en->str, "${")) {
        char *et = ac_json_text(e);
        /* Interpolating again only to learn whether the template is one ${...}; this is the
         * failure path, so the cost does not matter. */
        ac_ival probe;
        char *perr = NULL;
        bool whole = ac_interpolate(scope, en->str, en->len, &probe, &perr) == 0 && probe.whole_expr;
        ac_ival_free(&probe);
        free(perr);
        char *d = describe(en->str, en->len, et, strlen(et), whole);
        free(et);
        return d;
    }
    char *ft = ac_op_flow(e);
    char *d = ac_op_shown(ft, strlen(ft), AC_OP_VALUE_CAP);
    free(ft);
    return d;
}

/* One operator of a condition against the interpolated value a. */
static int cond_op(const ac_op *op, const yn_node *en, const ac_scope *scope, const ac_op_value *a,
                   const char *vdesc, bool *holds, char **reason, char **err)
{
    if (op->kind == AC_OP_EXISTS || op->kind == AC_OP_ABSENT) {
        bool flag = !(en->kind == YN_SCALAR && en->stype == YN_BOOL && !en->b);
        bool present = a->len > 0;
        *holds = present == ((op->kind == AC_OP_EXISTS) == flag);
        if (!*holds) *reason = ac_sprintf("%s %s", vdesc, present ? "is set" : "is not set");
        return 0;
    }
    if (op->kind == AC_OP_LENGTH) return cond_length(en, scope, a->len, vdesc, holds, reason, err);
    cJSON *e = ac_op_expected(en, scope, err);
    if (!e) return -1;
    regex_t re;
    bool have_re = false;
    if (ac_op_is_regex(op)) {
        char *rerr = NULL;
        if (ac_op_regcomp(op, e, &re, &rerr) < 0) {
            *err = ac_sprintf("when: %s", rerr);
            free(rerr);
            cJSON_Delete(e);
            return -1;
        }
        have_re = true;
    }
    ac_op_verdict v = ac_op_test(op, a, e, have_re ? &re : NULL);
    *holds = v.holds;
    if (!*holds) {
        /* Say what is the case ("target matches ..."), not "X does not match Y is false". */
        char *edesc = describe_expected(en, e, scope);
        *reason = ac_op_phrase(v.why ? v.why : op->fail, vdesc, edesc);
        free(edesc);
    }
    ac_op_verdict_free(&v);
    if (have_re) regfree(&re);
    cJSON_Delete(e);
    return 0;
}

/* One map {value: TEMPLATE, <operators>}: all operators must hold. */
static int cond_one(const yn_node *m, const ac_scope *scope, bool *holds, char **reason, char **err)
{
    const yn_node *value = yn_get(m, "value");
    if (!value || value->kind != YN_SCALAR) {
        *err = ac_strdup("when: a condition needs a value");
        return -1;
    }
    ac_ival iv;
    if (ac_interpolate(scope, value->str, value->len, &iv, err) < 0) return -1;
    /* `when` values are always templates, so `type` reads them by the core schema. */
    ac_op_value a = ac_op_text_value(iv.str, iv.len, true);
    int rc = 0;
    *holds = true;
    for (size_t i = 0; i < m->n_pairs && *holds && rc == 0; i++) {
        const char *opname = m->pairs[i].key->str;
        if (!strcmp(opname, "value") || !strcmp(opname, "severity") || !strcmp(opname, "kind") ||
            !strcmp(opname, "reason"))
            continue;
        const ac_op *op = ac_op_find(opname);
        if (!op) {
            *err = ac_sprintf("when: unknown operator '%s'", opname);
            rc = -1;
            break;
        }
        char *vdesc = describe(value->str, value->len, iv.str, iv.len, iv.whole_expr);
        rc = cond_op(op, m->pairs[i].value, scope, &a, vdesc, holds, reason, err);
        free(vdesc);
    }
    ac_ival_free(&iv);
    return rc;
}

int ac_cond_eval(const yn_node *when, const ac_scope *scope, bool *holds, char **reason, char **err)
{
    *holds = true;
    if (reason) *reason = NULL;
    if (!when) return 0;
    char *why = NULL;
    size_t n = when->kind == YN_SEQ ? when->n_items : 1;
    for (size_t i = 0; i < n && *holds; i++) {
        const yn_node *m = when->kind == YN_SEQ ? when->items[i] : when;
        if (m->kind != YN_MAP) {
            *err = ac_strdup("when: a condition is a map with value and operators");
            return -1;
        }
        if (cond_one(m, scope, holds, &why, err) < 0) {
            free(why);
            return -1;
        }
    }
    if (why) {
        char *red = ac_redact(why, strlen(why), NULL);
        free(why);
        why = ac_op_cap(red, AC_OP_MESSAGE_CAP);
    }
    if (reason) *reason = why;
    else free(why);
    return 0;
}

const yn_node *ac_cond_first_false(const yn_node *when, const ac_scope *scope)
{
    if (when->kind != YN_SEQ) return when;
    for (size_t i = 0; i < when->n_items; i++) {
        bool holds = true;
        char *why = NULL, *err = NULL;
        int rc = ac_cond_eval(when->items[i], scope, &holds, &why, &err);
        free(why);
        free(err);
        if (rc < 0 || !holds) return when->items[i];
    }
    return when->n_items ? when->items[0] : when;
}
