/* Evaluating expect blocks against one response.
 *
 * Each operator of an expectation becomes one ac_check ("json $.error in") with the expected and
 * actual values as text, a one-line message and the position of the YAML key that declared it.
 * Operators, value comparison and the re-typing rule live in operators.c. Keys: status, headers,
 * json, body, jwt, duration_ms, any_of, values (checks on computed template values) and a
 * block-wide severity.
 *
 * Several values (a JSON path matching many, a repeated header): a JSON check holds when every
 * value holds; a header check holds when any value holds. Negative operators (not_*) must hold
 * for every value, and hold when there is no value at all. Everything shown is redacted first and
 * capped afterwards, so a cut never leaves a fragment of a secret. */
#include "expect_impl.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonpath.h"
#include "jwt.h"
#include "operators.h"
#include "redact.h"
#include "util.h"

#define MAX_HEADER_VALUES 64

/* ---- check lists ------------------------------------------------------------------------ */

static void check_free_members(ac_check *c)
{
    free(c->check);
    free(c->expected);
    free(c->actual);
    free(c->message);
    free(c->file);
}

void ac_checks_free(ac_checks *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) check_free_members(&c->items[i]);
    free(c->items);
    c->items = NULL;
    c->n = c->cap = 0;
}

void ac_checks_push(ac_checks *c, ac_check chk)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->items = ac_realloc(c->items, c->cap * sizeof *c->items);
    }
    c->items[c->n++] = chk;
}

/* ---- evaluation helpers ------------------------------------------------------------------ */

ac_severity ac_expect_sev(const ev *E, const yn_node *map, ac_severity dflt)
{
    const yn_node *s = map && map->kind == YN_MAP ? yn_get(map, "severity") : NULL;
    if (!s) return dflt;
    ac_sevspec spec = { s };
    return ac_sevspec_resolve(spec, E->ctx->profile, dflt);
}

/* Fails the evaluation with an error of the test that points at the YAML. */
int ac_expect_error(const ev *E, const yn_node *where, const char *what, char *msg)
{
    char *red = ac_redact(msg, strlen(msg), NULL);
    if (where && where->file)
        *E->err = ac_sprintf("%s:%d:%d: %s: %s", where->file, where->line, where->col, what, red);
    else
        *E->err = ac_sprintf("%s: %s", what, red);
    free(red);
    free(msg);
    return -1;
}

/* An expectation that needs the body of a response whose body never arrived whole: an error of
 * the test naming the cause, never a pass or a fail. Returns 0 when the body can be judged. */
static int need_body(const ev *E, const yn_node *where, const char *what)
{
    char *why = ac_response_body_unjudgeable(E->resp);
    return why ? ac_expect_error(E, where, what, why) : 0;
}

void ac_expect_push(ev *E, char *name, char *expected, char *actual, char *message, bool passed,
                    ac_severity sev, const yn_node *where)
{
    ac_check c = { 0 };
    c.check = name;
    /* Callers pass text that is already redacted where it could hold a secret; redacting once
     * more here, before capping, makes that a guarantee rather than a convention. */
    c.expected = ac_op_shown(expected, strlen(expected), AC_OP_ACTUAL_CAP);
    c.actual = ac_op_shown(actual, strlen(actual), AC_OP_ACTUAL_CAP);
    c.message = ac_op_shown(message, strlen(message), AC_OP_MESSAGE_CAP);
    free(expected);
    free(actual);
    free(message);
    c.passed = passed;
    c.severity = sev;
    if (where) {
        c.file = ac_strdup(where->file);
        c.line = where->line;
        c.col = where->col;
    }
    ac_checks_push(E->out, c);
}


/* The `actual` text: one value as it is (JSON for typed values), several joined. */
static char *subject_actual(const subject *s)
{
    if (s->failure && s->n == 0) return ac_strdup(s->failure);
    if (s->n == 0) return ac_strdup("(absent)");
    ac_buf b;
    ac_buf_init(&b);
    if (s->n > 1 && s->vals[0].j) ac_buf_putc(&b, '[');
    for (size_t i = 0; i < s->n; i++) {
        if (i) ac_buf_puts(&b, s->vals[0].j ? ", " : "\n");
        if (s->vals[i].j) {
            char *p = cJSON_PrintUnformatted(s->vals[i].j);
            ac_buf_puts(&b, p ? p : "");
            cJSON_free(p);
        } else {
            ac_buf_append(&b, s->vals[i].s, s->vals[i].len);
        }
    }
    if (s->n > 1 && s->vals[0].j) ac_buf_putc(&b, ']');
    char *r = ac_op_shown(ac_buf_str(&b), b.len, AC_OP_ACTUAL_CAP);
    ac_buf_free(&b);
    return r;
}

static char *expected_display(const cJSON *e)
{
    char *f = ac_op_flow(e);
    char *r = ac_op_shown(f, strlen(f), AC_OP_VALUE_CAP);
    free(f);
    return r;
}

/* length: the length of each value, checked by a number (equals) or an operator map. */
static int eval_length(ev *E, const subject *sub, const yn_node *exp_node, const yn_node *where, ac_severity sev)
{
    cJSON *lens = cJSON_CreateArray();
    ac_op_value *vals = ac_calloc(sub->n ? sub->n : 1, sizeof *vals);
    const ac_op_value *bad = NULL;
    for (size_t i = 0; i < sub->n; i++) {
        double n = 0;
        if (!ac_op_length(&sub->vals[i], &n) && !bad) bad = &sub->vals[i];
        cJSON *num = cJSON_CreateNumber(n);
        cJSON_AddItemToArray(lens, num);
        vals[i] = ac_op_json_value(num);
    }
    char *name = ac_sprintf("%s length", sub->name);
    int rc = 0;
    if (bad || sub->failure) {
        char *d = bad ? ac_op_display(bad) : NULL;
        char *m = bad ? ac_sprintf("%s: %s has no length", sub->name, d) : ac_sprintf("%s: %s", sub->name, sub->failure);
        free(d);
        ac_expect_push(E, name, ac_strdup("a string, array or object"), subject_actual(sub), m, false,
                   ac_expect_sev(E, exp_node, sev), where);
        goto done;
    }
    subject ls = { .name = name, .vals = vals, .n = sub->n, .any = sub->any, .absent = sub->absent };
    if (exp_node->kind == YN_MAP) {
        ac_severity s2 = ac_expect_sev(E, exp_node, sev);
        for (size_t i = 0; i < exp_node->n_pairs && rc == 0; i++) {
            const char *op = exp_node->pairs[i].key->str;
            if (strcmp(op, "severity") == 0) continue;
            rc = ac_expect_op(E, &ls, op, exp_node->pairs[i].value, exp_node->pairs[i].key, s2, NULL);
        }
    } else {
        rc = ac_expect_op(E, &ls, "equals", exp_node, where, sev, name);
    }
    free(name);
done:
    free(vals);
    cJSON_Delete(lens);
    return rc;
}

/* exists / absent (with true or false): one check on whether the subject has a value. */
static void eval_presence(ev *E, const subject *sub, const ac_op *op, const yn_node *exp_node,
                          const yn_node *where, ac_severity sev, char *name)
{
    bool flag = !(exp_node && exp_node->kind == YN_SCALAR && exp_node->stype == YN_BOOL && !exp_node->b);
    bool want_present = (op->kind == AC_OP_EXISTS) == flag;
    bool present = sub->n > 0;
    char *m;
    if (sub->failure) m = ac_sprintf("%s: %s", sub->name, sub->failure);
    else if (present) {
        char *d = ac_op_display(&sub->vals[0]);
        m = ac_sprintf("%s: present (%s)%s", sub->name, d, want_present ? "" : ", expected absent");
        free(d);
    } else {
        m = ac_sprintf("%s: %s%s", sub->name, sub->absent, want_present ? ", expected present" : "");
    }
    /* A body that is not JSON has no value at any path: `absent` holds. HTTP layers reject
     * oversized or malformed requests with their own HTML pages, and "no token in the
     * answer" must not turn into a false alarm there. */
    bool passed = sub->failure ? !want_present : present == want_present;
    ac_expect_push(E, name, ac_strdup(want_present ? "present" : "absent"), subject_actual(sub), m,
                   passed, sev, where);
}

/* Tests op against each of the subject's values (there is at least one): all must hold, or any
 * for a positive operator on a repeated header. Sets *passed; returns the message (owned). */
static char *judge_values(const subject *sub, const ac_op *op, const cJSON *e, const regex_t *re,
                          const char *edisp, bool *passed)
{
    char *message;
    bool any_mode = sub->any && !op->negative;
    size_t first_fail = (size_t)-1, first_pass = (size_t)-1;
    ac_op_verdict fail_v = { 0 };
    for (size_t i = 0; i < sub->n; i++) {
        ac_op_verdict v = ac_op_test(op, &sub->vals[i], e, re);
        if (v.holds) {
            if (first_pass == (size_t)-1) first_pass = i;
            ac_op_verdict_free(&v);
            if (any_mode) break;
        } else if (first_fail == (size_t)-1) {
            first_fail = i;
            fail_v = v;
            if (!any_mode) break;
        } else {
            ac_op_verdict_free(&v);
        }
    }
    *passed = any_mode ? first_pass != (size_t)-1 : first_fail == (size_t)-1;
    if (*passed) {
        char *a = ac_op_display(&sub->vals[any_mode ? first_pass : 0]);
        char *p = ac_op_phrase(op->pass, a, edisp);
        message = sub->n > 1 && !any_mode ? ac_sprintf("%s: %s (all %zu values)", sub->name, p, sub->n)
                                           : ac_sprintf("%s: %s", sub->name, p);
        free(p);
        free(a);
    } else {
        char *a = ac_op_display(&sub->vals[first_fail]);
        char *cul = fail_v.culprit ? expected_display(fail_v.culprit) : NULL;
        char *tpl = fail_v.why ? ac_strdup(fail_v.why) : ac_strdup(op->fail);
        char *p = ac_op_phrase(tpl, a, cul ? cul : edisp);
        if (sub->n > 1 && any_mode)
            message = ac_sprintf("%s: %s (and %zu other value%s)", sub->name, p, sub->n - 1, sub->n == 2 ? "" : "s");
        else if (sub->n > 1)
            message = ac_sprintf("%s: %s (value %zu of %zu)", sub->name, p, first_fail + 1, sub->n);
        else
            message = ac_sprintf("%s: %s", sub->name, p);
        free(p);
        free(tpl);
        free(cul);
        free(a);
    }
    ac_op_verdict_free(&fail_v);
    return message;
}

/* Evaluates one operator over a subject and pushes one check. check_name overrides the default
 * "SUBJECT OP". Returns -1 only for errors of the test (bad template, bad regex). */
int ac_expect_op(ev *E, const subject *sub, const char *opname, const yn_node *exp_node,
                 const yn_node *where, ac_severity sev, const char *check_name)
{
    const ac_op *op = ac_op_find(opname);
    char *name = check_name ? ac_strdup(check_name) : ac_sprintf("%s %s", sub->name, opname);
    if (!op) {
        int rc = ac_expect_error(E, where, name, ac_sprintf("unknown operator '%s'", opname));
        free(name);
        return rc;
    }

    if (op->kind == AC_OP_EXISTS || op->kind == AC_OP_ABSENT) {
        eval_presence(E, sub, op, exp_node, where, sev, name);
        return 0;
    }
    if (op->kind == AC_OP_LENGTH) {
        free(name);
        return eval_length(E, sub, exp_node, where, sev);
    }

    char *err = NULL;
    cJSON *e = ac_op_expected(exp_node, E->ctx->scope, &err);
    if (!e) {
        int rc = ac_expect_error(E, where, name, err);
        free(name);
        return rc;
    }
    if (ac_op_is_comparison(op)) e = ac_op_numeric_form(e);
    regex_t re;
    bool have_re = false;
    if (ac_op_is_regex(op)) {
        char *rerr = NULL;
        if (ac_op_regcomp(op, e, &re, &rerr) < 0) {
            int rc = ac_expect_error(E, where, name, rerr);
            free(name);
            cJSON_Delete(e);
            return rc;
        }
        have_re = true;
    }

    char *edisp = expected_display(e);
    char *message = NULL;
    bool passed;
    if (sub->failure) {
        passed = false;
        message = ac_sprintf("%s: %s", sub->name, sub->failure);
    } else if (sub->n == 0) {
        /* Nothing to test: a negative operator holds, a positive one cannot. */
        passed = op->negative;
        message = passed ? ac_sprintf("%s: %s", sub->name, sub->absent)
                         : ac_sprintf("%s: %s, expected %s %s", sub->name, sub->absent, opname, edisp);
    } else {
        message = judge_values(sub, op, e, have_re ? &re : NULL, edisp, &passed);
    }
    char *expected = ac_op_flow(e);
    char *exp_shown = ac_op_shown(expected, strlen(expected), AC_OP_ACTUAL_CAP);
    free(expected);
    ac_expect_push(E, name, exp_shown, subject_actual(sub), message, passed, sev, where);
    free(edisp);
    if (have_re) regfree(&re);
    cJSON_Delete(e);
    return 0;
}

/* A spec is a scalar (equals), an operator map (with an optional severity), or a list of maps. */
int ac_expect_spec(ev *E, const subject *sub, const yn_node *spec, const yn_node *key, ac_severity dflt)
{
    /* A list of operator maps: several checks on one value, each with its own severity. */
    if (spec->kind == YN_SEQ) {
        for (size_t i = 0; i < spec->n_items; i++)
            if (ac_expect_spec(E, sub, spec->items[i], key, dflt) < 0) return -1;
        return 0;
    }
    if (spec->kind != YN_MAP) return ac_expect_op(E, sub, "equals", spec, key, dflt, NULL);
    ac_severity sev = ac_expect_sev(E, spec, dflt);
    for (size_t i = 0; i < spec->n_pairs; i++) {
        const char *op = spec->pairs[i].key->str;
        if (strcmp(op, "severity") == 0) continue;
        if (ac_expect_op(E, sub, op, spec->pairs[i].value, spec->pairs[i].key, sev, NULL) < 0) return -1;
    }
    return 0;
}

/* ---- status ------------------------------------------------------------------------------ */

static bool status_item_matches(const yn_node *m, long status)
{
    if (!m || m->kind != YN_SCALAR) return false;
    if (!m->quoted && m->stype == YN_INT) return m->i == status;
    const char *s = m->str ? m->str : "";
    if (strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' && (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X'))
        return status / 100 == s[0] - '0';
    char *end;
    long v = strtol(s, &end, 10);
    return *s && *end == '\0' && v == status;
}

static bool status_list_matches(const yn_node *m, long status)
{
    if (!m) return false;
    if (m->kind == YN_SEQ) {
        for (size_t i = 0; i < m->n_items; i++)
            if (status_item_matches(m->items[i], status)) return true;
        return false;
    }
    return status_item_matches(m, status);
}

bool ac_status_matches(const yn_node *m, long status)
{
    if (!m) return false;
    if (m->kind == YN_MAP) {
        const yn_node *in = yn_get(m, "in"), *not_in = yn_get(m, "not_in");
        return (!in || status_list_matches(in, status)) && !(not_in && status_list_matches(not_in, status));
    }
    return status_list_matches(m, status);
}

static void put_status_list(ac_buf *b, const yn_node *m)
{
    if (m->kind == YN_SEQ) {
        for (size_t i = 0; i < m->n_items; i++) ac_buf_printf(b, "%s%s", i ? ", " : "", m->items[i]->str);
    } else {
        ac_buf_puts(b, m->str ? m->str : "");
    }
}

/* "200", "4xx", "one of 400, 401", "one of 400, 401 and none of 5xx", "none of 200, 5xx". */
static char *status_expected(const yn_node *m)
{
    ac_buf b;
    ac_buf_init(&b);
    const yn_node *in = m, *not_in = NULL;
    if (m->kind == YN_MAP) {
        in = yn_get(m, "in");
        not_in = yn_get(m, "not_in");
        if (not_in && not_in->kind == YN_SEQ && not_in->n_items == 0) not_in = NULL;
    }
    if (in) {
        if (in->kind == YN_SEQ && in->n_items != 1) ac_buf_puts(&b, "one of ");
        put_status_list(&b, in->kind == YN_SEQ && in->n_items == 1 ? in->items[0] : in);
    }
    if (not_in) {
        ac_buf_puts(&b, in ? " and none of " : "none of ");
        put_status_list(&b, not_in);
    }
    if (!in && !not_in) ac_buf_puts(&b, "any status");
    return ac_buf_steal(&b);
}

static int eval_status(ev *E, const yn_node *key, const yn_node *m, ac_severity dflt)
{
    ac_severity sev = ac_expect_sev(E, m, dflt);
    long st = E->resp ? E->resp->status : 0;
    bool passed = st > 0 && ac_status_matches(m, st);
    char *exp = status_expected(m);
    char *msg = st <= 0 ? ac_sprintf("no response, expected status %s", exp)
              : passed ? ac_sprintf("status %ld", st)
                       : ac_sprintf("status %ld, expected %s", st, exp);
    ac_expect_push(E, ac_strdup("status"), exp, st > 0 ? ac_sprintf("%ld", st) : ac_strdup("(no response)"), msg,
               passed, sev, key);
    return 0;
}

/* ---- headers, json, body, duration -------------------------------------------------------- */

static int eval_headers(ev *E, const yn_node *map, ac_severity dflt)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const char *hname = map->pairs[i].key->str;
        const char *vals[MAX_HEADER_VALUES];
        size_t n = ac_response_header_values(E->resp, hname, vals, MAX_HEADER_VALUES);
        ac_op_value avs[MAX_HEADER_VALUES];
        for (size_t k = 0; k < n; k++) avs[k] = ac_op_text_value(vals[k], vals[k] ? strlen(vals[k]) : 0, false);
        char *name = ac_sprintf("header %s", hname);
        subject sub = { .name = name, .vals = avs, .n = n, .any = true, .absent = "absent" };
        int rc = ac_expect_spec(E, &sub, map->pairs[i].value, map->pairs[i].key, dflt);
        free(name);
        if (rc < 0) return -1;
    }
    return 0;
}

/* Evaluates a JSON path against root into an ac_op_value array (caller frees *vals). */
int ac_expect_path_values(ev *E, const cJSON *root, const char *path, const yn_node *where, ac_op_value **vals, size_t *n)
{
    ac_jp_result r;
    char *err = NULL;
    if (ac_jsonpath_eval(root, path, &r, &err) < 0) return ac_expect_error(E, where, "json path", err);
    *vals = ac_calloc(r.n ? r.n : 1, sizeof **vals);
    for (size_t i = 0; i < r.n; i++) (*vals)[i] = ac_op_json_value(r.items[i]);
    *n = r.n;
    ac_jp_result_free(&r);
    return 0;
}

static int eval_json(ev *E, const yn_node *map, ac_severity dflt)
{
    const cJSON *root = ac_response_json(E->resp);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const char *path = map->pairs[i].key->str;
        ac_op_value *vals = NULL;
        size_t n = 0;
        if (root && ac_expect_path_values(E, root, path, map->pairs[i].key, &vals, &n) < 0) return -1;
        char *name = ac_sprintf("json %s", path);
        subject sub = { .name = name, .vals = vals, .n = n, .absent = "no value",
                        .failure = root ? NULL : "body is not JSON" };
        int rc = ac_expect_spec(E, &sub, map->pairs[i].value, map->pairs[i].key, dflt);
        free(name);
        free(vals);
        if (rc < 0) return -1;
    }
    return 0;
}

static int eval_body(ev *E, const yn_node *key, const yn_node *spec, ac_severity dflt)
{
    ac_op_value body = ac_op_text_value(E->resp ? E->resp->body : "", E->resp ? E->resp->body_len : 0, false);
    subject sub = { .name = "body", .vals = &body, .n = 1, .absent = "empty" };
    return ac_expect_spec(E, &sub, spec, key, dflt);
}

static int eval_duration(ev *E, const yn_node *key, const yn_node *spec, ac_severity dflt)
{
    cJSON *d = cJSON_CreateNumber(round(E->resp ? E->resp->duration_ms : 0));
    ac_op_value v = ac_op_json_value(d);
    subject sub = { .name = "duration_ms", .vals = &v, .n = 1, .absent = "unknown" };
    int rc = spec->kind == YN_MAP ? ac_expect_spec(E, &sub, spec, key, dflt) : ac_expect_op(E, &sub, "le", spec, key, dflt, NULL);
    cJSON_Delete(d);
    return rc;
}

/* values: [{ value: TEMPLATE, <operators>, severity }]: checks on computed values, read like
 * `when` values (text, typed by the core schema for `type`). */
static int eval_values(ev *E, const yn_node *list, ac_severity dflt)
{
    for (size_t i = 0; list->kind == YN_SEQ && i < list->n_items; i++) {
        const yn_node *item = list->items[i], *value = yn_get(item, "value");
        if (!value || value->kind != YN_SCALAR) continue;
        ac_ival iv;
        char *err = NULL;
        if (ac_interpolate(E->ctx->scope, value->str, value->len, &iv, &err) < 0)
            return ac_expect_error(E, value, "value", err);
        ac_op_value v = ac_op_text_value(iv.str, iv.len, true);
        char *name = ac_sprintf("value %s", value->str);
        subject sub = { .name = name, .vals = &v, .n = 1, .absent = "empty" };
        ac_severity sev = ac_expect_sev(E, item, dflt);
        int rc = 0;
        for (size_t k = 0; k < item->n_pairs && rc == 0; k++) {
            const char *op = item->pairs[k].key->str;
            if (!strcmp(op, "value") || !strcmp(op, "severity")) continue;
            rc = ac_expect_op(E, &sub, op, item->pairs[k].value, item->pairs[k].key, sev, NULL);
        }
        free(name);
        ac_ival_free(&iv);
        if (rc < 0) return -1;
    }
    return 0;
}

/* ---- expect blocks and any_of -------------------------------------------------------------- */

static int eval_block(const yn_node *expect, ac_response *resp, const ac_eval_ctx *ctx, ac_checks *out,
                      char **err);

static int eval_any_of(ev *E, const yn_node *key, const yn_node *list, ac_severity sev)
{
    ac_buf summary;
    ac_buf_init(&summary);
    ac_buf actual;
    ac_buf_init(&actual);
    size_t held = 0;
    size_t n = list->kind == YN_SEQ ? list->n_items : 0;
    for (size_t i = 0; i < n; i++) {
        ac_checks block = { 0 };
        if (eval_block(list->items[i], E->resp, E->ctx, &block, E->err) < 0) {
            ac_checks_free(&block);
            ac_buf_free(&summary);
            ac_buf_free(&actual);
            return -1;
        }
        const ac_check *first_fail = NULL;
        for (size_t k = 0; k < block.n && !first_fail; k++)
            if (!block.items[k].passed) first_fail = &block.items[k];
        if (!first_fail) {
            if (!held) held = i + 1;
        } else {
            ac_buf_printf(&summary, "%s(%zu) %s", summary.len ? "; " : "", i + 1, first_fail->message);
        }
        ac_buf_printf(&actual, "%sblock %zu: %s", i ? "\n" : "", i + 1,
                      first_fail ? first_fail->message : "held");
        ac_checks_free(&block);
    }
    char *msg = held ? ac_sprintf("any_of: block %zu of %zu held", held, n)
                     : ac_sprintf("any_of: no block held: %s", ac_buf_str(&summary));
    ac_expect_push(E, ac_strdup("any_of"), ac_sprintf("one of %zu blocks holds", n), ac_buf_steal(&actual), msg,
               held > 0, sev, key);
    ac_buf_free(&summary);
    return 0;
}

/* Whether a `values` list reads the response body (the variable response_body). */
static bool values_read_body(const yn_node *list)
{
    bool reads = false;
    for (size_t i = 0; list->kind == YN_SEQ && i < list->n_items && !reads; i++) {
        const yn_node *value = yn_get(list->items[i], "value");
        if (!value || value->kind != YN_SCALAR) continue;
        ac_strlist names = { 0 };
        char *err = NULL;
        if (ac_template_vars(value->str, value->len, &names, &err) == 0)
            reads = ac_strlist_contains(&names, "response_body");
        free(err);
        ac_strlist_free(&names);
    }
    return reads;
}

static int eval_block(const yn_node *expect, ac_response *resp, const ac_eval_ctx *ctx, ac_checks *out,
                      char **err)
{
    if (!expect || expect->kind != YN_MAP) return 0;
    ev E = { .ctx = ctx, .resp = resp, .out = out, .err = err };
    ac_severity dflt = ac_expect_sev(&E, expect, ctx->default_sev);
    for (size_t i = 0; i < expect->n_pairs; i++) {
        const char *k = expect->pairs[i].key->str;
        const yn_node *key = expect->pairs[i].key, *v = expect->pairs[i].value;
        int rc = 0;
        /* json, body, a jwt at a json path, duration_ms (time to the last byte) and values that
         * read response_body need the whole body. */
        if ((!strcmp(k, "json") || !strcmp(k, "body") || !strcmp(k, "duration_ms") ||
             (!strcmp(k, "jwt") && yn_get(v, "json") && !yn_get(v, "from")) ||
             (!strcmp(k, "values") && values_read_body(v))) &&
            need_body(&E, key, k) < 0)
            return -1;
        if (!strcmp(k, "status")) rc = eval_status(&E, key, v, dflt);
        else if (!strcmp(k, "headers")) rc = eval_headers(&E, v, dflt);
        else if (!strcmp(k, "json")) rc = eval_json(&E, v, dflt);
        else if (!strcmp(k, "body")) rc = eval_body(&E, key, v, dflt);
        else if (!strcmp(k, "jwt")) rc = ac_expect_jwt(&E, key, v, dflt);
        else if (!strcmp(k, "duration_ms")) rc = eval_duration(&E, key, v, dflt);
        else if (!strcmp(k, "any_of")) rc = eval_any_of(&E, key, v, dflt);
        else if (!strcmp(k, "values")) rc = eval_values(&E, v, dflt);
        /* Other keys (severity; connection_closed_ok and a run step's exit, judged by the
         * executor) yield no check here. */
        if (rc < 0) return -1;
    }
    return 0;
}

int ac_expect_eval(const yn_node *expect, ac_response *resp, const ac_eval_ctx *ctx, ac_checks *out, char **err)
{
    return eval_block(expect, resp, ctx, out, err);
}

