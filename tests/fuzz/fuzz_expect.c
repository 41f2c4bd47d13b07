/* Fuzz target (c): JSON paths, expectations, captures and conditions. The first byte picks a mode:
 *   0  a fuzzed response (status, headers, body: see parse_response) against the fixed expect
 *      blocks of expect_cases.yaml: every expectation kind and operator, captures, `when`;
 *   1  a fuzzed expect block (the rest of the input, indented under `expect:` of a one-test case
 *      file): when it loads, it is evaluated against three fixed responses (a token, an error,
 *      an HTML page that is not JSON);
 *   2  a fuzzed JSON path (first line) on a fuzzed JSON document (the rest): ac_jsonpath_check,
 *      ac_jsonpath_eval and the text form of every match.
 * Invariants: every check has a name and a message, and shows no secret of the scope once redacted
 * (as every output is); the syntax check and the evaluator agree on
 * a path; a path that ac_jsonpath_is_single calls single matches at most one value; a number's
 * text form reads back as the same number. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "case_load.h"
#include "diag.h"
#include "expect.h"
#include "fuzz_common.h"
#include "jsonpath.h"
#include "model.h"
#include "redact.h"
#include "result.h"

#ifndef AC_FUZZ_DIR
#error "AC_FUZZ_DIR (tests/fuzz) must be defined"
#endif

static ac_model fixed;        /* expect_cases.yaml, loaded once */
static bool fixed_loaded;

static void load_fixed(void)
{
    if (fixed_loaded) return;
    size_t len = 0;
    char *err = NULL;
    char *text = ac_read_file(AC_FUZZ_DIR "/expect_cases.yaml", &len, &err);
    FZ_CHECK(text != NULL, "cannot read expect_cases.yaml: %s", err ? err : "?");
    ac_load_opts opts = { .known_vars = fz_known_vars() };
    ac_diags d;
    ac_diags_init(&d);
    int rc = ac_load_model_text(&opts, "expect_cases.yaml", text, len, &fixed, &d);
    if (rc != 0) ac_diags_print(&d, stderr);
    FZ_CHECK(rc == 0, "expect_cases.yaml does not load");
    ac_diags_free(&d);
    free(text);
    fixed_loaded = true;
}

/* A response from bytes: 2 bytes of status (mod 1000), then "Name: value" lines up to an empty
 * line (a line without a colon is a header with an empty value), then the body (any bytes). */
static void parse_response(const uint8_t *p, size_t n, ac_response *r)
{
    memset(r, 0, sizeof *r);
    r->http_version = ac_strdup("HTTP/1.1");
    r->duration_ms = 123.5;
    if (n >= 2) {
        r->status = (long)(((unsigned)p[0] << 8 | p[1]) % 1000);
        p += 2;
        n -= 2;
    }
    size_t cap = 0;
    while (n > 0) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t line = nl ? (size_t)(nl - p) : n;
        size_t next = nl ? line + 1 : n;
        if (line > 0 && p[line - 1] == '\r') line--;
        if (line == 0) {   /* the empty line: the body follows */
            p += next;
            n -= next;
            break;
        }
        if (r->n_headers == cap) {
            cap = cap ? cap * 2 : 8;
            r->headers = ac_realloc(r->headers, cap * sizeof *r->headers);
        }
        const uint8_t *colon = memchr(p, ':', line);
        size_t name_len = colon ? (size_t)(colon - p) : line;
        const uint8_t *v = colon ? colon + 1 : p + line;
        while (v < p + line && *v == ' ') v++;
        r->headers[r->n_headers].name = ac_strndup((const char *)p, name_len);
        r->headers[r->n_headers].value = ac_strndup((const char *)v, (size_t)(p + line - v));
        r->n_headers++;
        p += next;
        n -= next;
    }
    r->body = ac_malloc(n + 1);
    if (n) memcpy(r->body, p, n);
    r->body[n] = '\0';
    r->body_len = n;
}

/* True when text, after the redaction every output goes through, still shows needle. */
static bool shows(const char *text, const char *needle)
{
    if (!text) return false;
    size_t n = 0;
    char *red = ac_redact(text, strlen(text), &n);
    bool found = strstr(red, needle) != NULL;
    free(red);
    return found;
}

/* Every check has a name and a message, and no text of a check shows a secret of the scope once
 * redacted (as every output is). */
static void check_checks(const ac_checks *c, const ac_scope *scope)
{
    for (size_t i = 0; i < c->n; i++) {
        const ac_check *k = &c->items[i];
        FZ_CHECK(k->check != NULL, "check %zu has no name", i);
        FZ_CHECK(k->message != NULL, "check %s has no message", k->check);
        for (const ac_scope *s = scope; s; s = s->parent)
            for (size_t v = 0; v < s->n; v++) {
                const ac_var *var = &s->vars[v];
                if (!var->secret || var->len < 8 || memchr(var->value, '\0', var->len)) continue;
                FZ_CHECK(!shows(k->check, var->value) && !shows(k->message, var->value) &&
                         !shows(k->expected, var->value) && !shows(k->actual, var->value),
                         "check '%s' shows the secret %s", k->check, var->name);
            }
    }
}

/* As the executor does it: the response is visible to templates as response_status and
 * response_body while its expectations are evaluated. */
static void eval_expect(const yn_node *expect, ac_response *r, const ac_scope *scope,
                        const char *profile)
{
    ac_scope rs;
    ac_scope_init(&rs, scope);
    char status[24];
    snprintf(status, sizeof status, "%ld", r->status);
    ac_scope_set(&rs, "response_status", status, strlen(status), false, AC_VSRC_COMPUTED);
    ac_scope_set(&rs, "response_body", r->body, r->body_len, false, AC_VSRC_COMPUTED);
    ac_eval_ctx ctx = { .scope = &rs, .profile = profile, .default_sev = AC_SEV_MUST,
                        .now = 1700000100.0 };
    ac_checks checks = { 0 };
    char *err = NULL;
    int rc = ac_expect_eval(expect, r, &ctx, &checks, &err);
    FZ_CHECK(rc == 0 || err != NULL, "expect failed without a message");
    check_checks(&checks, scope);
    ac_checks_free(&checks);
    free(err);
    ac_scope_free(&rs);
}

/* Every step of every test of m against r: conditions, expectations (both profiles), captures. */
static void eval_model(const ac_model *m, ac_response *r, const ac_scope *root)
{
    for (size_t f = 0; f < m->n_files; f++)
        for (size_t t = 0; t < m->files[f].n_tests; t++) {
            const ac_test *test = &m->files[f].tests[t];
            ac_scope scope;
            ac_scope_init(&scope, root);
            bool holds = false;
            char *why = NULL, *err = NULL;
            if (test->when) {
                (void)ac_cond_eval(test->when, &scope, &holds, &why, &err);
                free(why);
                free(err);
                why = err = NULL;
            }
            for (size_t s = 0; s < test->n_steps; s++) {
                const ac_step *st = &test->steps[s];
                if (st->kind != AC_STEP_REQUEST) continue;
                if (st->expect) {
                    eval_expect(st->expect, r, &scope, "documented");
                    eval_expect(st->expect, r, &scope, "rfc");
                }
                if (st->capture) {
                    int rc = ac_capture_eval(st->capture, r, &scope, &scope, &err);
                    FZ_CHECK(rc == 0 || err != NULL, "capture failed without a message");
                    free(err);
                    err = NULL;
                }
                if (st->when) {
                    (void)ac_cond_eval(st->when, &scope, &holds, &why, &err);
                    free(why);
                    free(err);
                    why = err = NULL;
                }
            }
            ac_scope_free(&scope);
        }
}

static void fuzz_response(const uint8_t *data, size_t size, const ac_scope *root)
{
    load_fixed();
    ac_response r;
    parse_response(data, size, &r);
    eval_model(&fixed, &r, root);
    ac_response_free(&r);
}

/* The three fixed responses of mode 1. */
static const char *const RESPONSES[] = {
    ("\x00\xc8" "Content-Type: application/json;charset=UTF-8\nCache-Control: no-store\n"
     "Pragma: no-cache\n\n"
     "{\"access_token\":\"" FZ_JWT "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
     "\"list\":[{\"name\":\"abc\",\"id\":1},{\"id\":2}],\"odd key\":[\"a\",\"b\"]}"),
    ("\x01\x91" "Content-Type: application/json\nWWW-Authenticate: Bearer error=\"invalid_token\"\n"
     "Retry-After: 3\n\n"
     "{\"error\":\"invalid_token\",\"error_description\":\"Bad credentials\"}"),
    ("\x01\xf4" "Content-Type: text/html\n\n<html><body>Internal \xff\xfe error</body></html>"),
};

static void fuzz_expect_block(const uint8_t *data, size_t size, const ac_scope *root)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_puts(&b, "suite: fz\ntests:\n  - id: FZ\n    name: fuzzed expect\n"
                    "    request: { path: x }\n    expect:\n      ");
    for (size_t i = 0; i < size; i++) {
        ac_buf_putc(&b, (char)data[i]);
        if (data[i] == '\n') ac_buf_puts(&b, "      ");
    }
    ac_buf_putc(&b, '\n');
    ac_load_opts opts = { .known_vars = fz_known_vars() };
    ac_model m;
    ac_diags d;
    ac_diags_init(&d);
    if (ac_load_model_text(&opts, "fz.yaml", b.data, b.len, &m, &d) == 0) {
        for (size_t i = 0; i < sizeof RESPONSES / sizeof *RESPONSES; i++) {
            const char *raw = RESPONSES[i];
            size_t n = 2 + strlen(raw + 2);
            ac_response r;
            parse_response((const uint8_t *)raw, n, &r);
            eval_model(&m, &r, root);
            ac_response_free(&r);
        }
    } else {
        ac_diags_print(&d, fz_sink());
    }
    ac_model_free(&m);
    ac_diags_free(&d);
    ac_buf_free(&b);
}

static void fuzz_jsonpath(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *path = ac_strndup((const char *)data, plen);
    size_t rest = nl ? size - plen - 1 : 0;
    char *err_check = NULL, *err_eval = NULL;
    int check = ac_jsonpath_check(path, &err_check);
    cJSON *root = cJSON_ParseWithLength(nl ? (const char *)nl + 1 : "", rest);
    if (!root) root = cJSON_CreateNull();
    ac_jp_result res = { 0 };
    int eval = ac_jsonpath_eval(root, path, &res, &err_eval);
    FZ_CHECK(check == eval, "ac_jsonpath_check says %d, ac_jsonpath_eval %d for '%s'", check, eval,
             path);
    if (eval == 0 && ac_jsonpath_is_single(path))
        FZ_CHECK(res.n <= 1, "'%s' is single but matched %zu values", path, res.n);
    for (size_t i = 0; i < res.n; i++) {
        char *text = ac_json_text(res.items[i]);
        FZ_CHECK(text != NULL, "no text for a match");
        free(text);
        if (cJSON_IsNumber(res.items[i]) && isfinite(res.items[i]->valuedouble)) {
            double d = res.items[i]->valuedouble;
            char *num = ac_number_text(d);
            FZ_CHECK(strtod(num, NULL) == d, "%.17g printed as %s", d, num);
            free(num);
        }
    }
    ac_jp_result_free(&res);
    cJSON_Delete(root);
    free(err_check);
    free(err_eval);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    ac_scope root;
    fz_fill_scope(&root);
    switch (data[0] % 3) {
    case 0: fuzz_response(data + 1, size - 1, &root); break;
    case 1: fuzz_expect_block(data + 1, size - 1, &root); break;
    default: fuzz_jsonpath(data + 1, size - 1); break;
    }
    ac_scope_free(&root);
    ac_redact_reset();
    return 0;
}
