/* Hand-made result models that exercise every branch of the report writers, shared by
 * tests/unit/test_reports.c (golden files) and tests/reports/write_samples.c (validation with
 * the real consumers). Header-only (static functions) because the unit-test build compiles one
 * source file per test program.
 *
 * Ownership: samples_build fills an array the caller releases with samples_free. */
#ifndef AC_TEST_SAMPLES_H
#define AC_TEST_SAMPLES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "writers.h"   /* the writers are driven one by one */
#include "result.h"
#include "util.h"

/* A body a hostile or broken server might send: invalid UTF-8 (lone continuation, truncated
 * sequence, overlong '/', a surrogate), ESC sequences, DEL, a C1 CSI, a CDATA terminator, markup
 * and quotes, U+FFFE, a bidi override, a CR in the middle of a line and CR LF line ends.
 * (A NUL cannot be carried in the model's C strings; ac_text_visible's own test covers it.) */
#define SAMPLE_HOSTILE_BODY                                                                   \
    "HTTP/1.1 500 Internal Server Error\r\n"                                                  \
    "Content-Type: text/html\r\n"                                                             \
    "\r\n"                                                                                    \
    "<html>]]> <script>alert(\"x\" & 'y')</script>\r\n"                                       \
    "bad: \x80 \xe2\x82 \xc0\xaf \xed\xa0\x80 end\r\n"                                        \
    "esc: \x1b[31mred\x1b[0m del:\x7f csi:\xc2\x9b" "2J nonchar:\xef\xbf\xbe bidi:\xe2\x80\xae" "ab\r\n" \
    "cr:one\rtwo # not a directive \\ backslash\r\n"                                          \
    "  indented line\n"                                                                       \
    "\n"                                                                                      \
    "after an empty line: caf\xc3\xa9 \xf0\x9f\x94\x91\n"

static ac_check sample_check(const char *what, const char *expected, const char *actual,
                             const char *message, ac_severity sev, bool passed, const char *file,
                             int line)
{
    ac_check c;
    memset(&c, 0, sizeof c);
    c.check = ac_strdup(what);
    c.expected = ac_strdup(expected);
    c.actual = ac_strdup(actual);
    c.message = ac_strdup(message);
    c.severity = sev;
    c.passed = passed;
    c.file = ac_strdup(file);
    c.line = line;
    c.col = 5;
    return c;
}

static ac_step_result *sample_steps(ac_test_result *t, size_t n)
{
    t->steps = ac_calloc(n, sizeof *t->steps);
    t->n_steps = n;
    return t->steps;
}

static void sample_add_check(ac_step_result *s, ac_check c)
{
    s->checks = ac_realloc(s->checks, (s->n_checks + 1) * sizeof *s->checks);
    s->checks[s->n_checks++] = c;
}

static void sample_test(ac_test_result *t, const char *id, const char *name, const char *suite,
                        const char *file, int line, ac_severity sev, ac_outcome out,
                        const char *reason, double ms)
{
    memset(t, 0, sizeof *t);
    t->id = ac_strdup(id);
    t->name = ac_strdup(name);
    t->suite = ac_strdup(suite);
    t->file = ac_strdup(file);
    t->line = line;
    t->severity = sev;
    t->outcome = out;
    t->reason = ac_strdup(reason);
    t->duration_ms = ms;
}

static ac_step_result *sample_single_step(ac_test_result *t, ac_outcome out, long status,
                                          const char *request, const char *response)
{
    ac_step_result *s = sample_steps(t, 1);
    s->name = ac_strdup("request");
    s->outcome = out;
    s->status = status;
    s->duration_ms = t->duration_ms;
    s->attempts = 1;
    s->request_excerpt = ac_strdup(request);
    s->response_excerpt = ac_strdup(response);
    return s;
}

#define SAMPLE_TOKEN_REQ                                                                      \
    "POST http://127.0.0.1:8080/apiops/auth/token\n"                                          \
    "Content-Type: application/x-www-form-urlencoded\n"                                       \
    "\n"                                                                                      \
    "grant_type=password&username=alice&password=[REDACTED:3f2a]"

/* The full sample run: 12 tests over 4 suites, suites interleaved so that grouping is tested. */
static size_t samples_build(ac_test_result **out)
{
    const size_t n = 12;
    ac_test_result *ts = ac_calloc(n, sizeof *ts);
    ac_test_result *t;
    ac_step_result *s;

    t = &ts[0];
    sample_test(t, "TOKEN-OK", "valid credentials get a token", "token", "cases/token.yaml", 12,
                AC_SEV_MUST, AC_OUT_PASS, NULL, 12.4);
    s = sample_single_step(t, AC_OUT_PASS, 200, SAMPLE_TOKEN_REQ,
                           "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
                           "{\"access_token\":\"[REDACTED:9c1d]\",\"token_type\":\"Bearer\"}");
    sample_add_check(s, sample_check("status", "200", "200", "status 200", AC_SEV_MUST, true,
                                     "cases/token.yaml", 20));

    t = &ts[1];
    sample_test(t, "TOKEN-BADPW", "wrong password is rejected", "token", "cases/token.yaml", 30,
                AC_SEV_MUST, AC_OUT_FAIL, "status 500, expected one of 400, 401", 48.9);
    t->transcript = ac_strdup("> POST http://127.0.0.1:8080/apiops/auth/token\n"
                              "> Content-Type: application/x-www-form-urlencoded\n>\n"
                              "> grant_type=password&username=alice&password=[REDACTED:77aa]\n"
                              "< HTTP/1.1 500 Internal Server Error\n"
                              "< Content-Type: application/json\n<\n"
                              "< {\"error\":\"server_error\"}\n");
    ac_strlist_push(&t->refs, "RFC 6749 5.2");
    ac_strlist_push(&t->refs, "authentication.md: Token Errors");
    s = sample_single_step(t, AC_OUT_FAIL, 500, SAMPLE_TOKEN_REQ,
                           "HTTP/1.1 500 Internal Server Error\nContent-Type: application/json\n\n"
                           "{\"error\":\"server_error\"}");
    sample_add_check(s, sample_check("status", "one of 400, 401", "500",
                                     "status 500, expected one of 400, 401", AC_SEV_MUST, false,
                                     "cases/token.yaml", 38));
    sample_add_check(s, sample_check("json $.error equals", "\"invalid_grant\"",
                                     "\"server_error\"",
                                     "$.error is \"server_error\", expected \"invalid_grant\"",
                                     AC_SEV_MUST, false, "cases/token.yaml", 39));
    sample_add_check(s, sample_check("header Cache-Control contains", "no-store", "(absent)",
                                     "Cache-Control missing, expected no-store", AC_SEV_SHOULD,
                                     false, "cases/token.yaml", 40));
    sample_add_check(s, sample_check("header Content-Type", "application/json",
                                     "application/json", "ok", AC_SEV_MUST, true,
                                     "cases/token.yaml", 41));

    t = &ts[2];
    sample_test(t, "BEARER-CASE", "scheme name is case-insensitive", "bearer",
                "cases/bearer.yaml", 8, AC_SEV_SHOULD, AC_OUT_WARN,
                "status 401, expected 200", 7);
    s = sample_single_step(t, AC_OUT_WARN, 401,
                           "GET http://127.0.0.1:8080/apiops/protected\n"
                           "Authorization: [REDACTED:auth]",
                           "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer\n");
    sample_add_check(s, sample_check("status", "200", "401", "status 401, expected 200",
                                     AC_SEV_SHOULD, false, "cases/bearer.yaml", 15));

    t = &ts[3];
    sample_test(t, "BEARER-SPACES", "extra spaces after the scheme", "bearer",
                "cases/bearer.yaml", 20, AC_SEV_SHOULD, AC_OUT_WARN,
                "status 400, expected 401", 6);
    t->strict = true;
    s = sample_single_step(t, AC_OUT_WARN, 400,
                           "GET http://127.0.0.1:8080/apiops/protected\n"
                           "Authorization: [REDACTED:auth]",
                           "HTTP/1.1 400 Bad Request\n\n{\"error\":\"invalid_request\"}");
    sample_add_check(s, sample_check("status", "401", "400", "status 400, expected 401",
                                     AC_SEV_SHOULD, false, "cases/bearer.yaml", 27));

    t = &ts[4];
    sample_test(t, "BEARER-THROWAWAY", "revoked token of a throwaway account", "bearer",
                "cases/bearer.yaml", 33, AC_SEV_MUST, AC_OUT_SKIP,
                "requires throwaway_username (not set)", 0);

    t = &ts[5];
    sample_test(t, "TOKEN-FIXTURE", "token introspection", "token", "cases/token.yaml", 50,
                AC_SEV_MUST, AC_OUT_ERROR,
                "fixture token failed: connection refused (127.0.0.1:8080)", 1.5);
    s = sample_single_step(t, AC_OUT_ERROR, 0, SAMPLE_TOKEN_REQ, NULL);
    s->reason = ac_strdup("connection refused");

    t = &ts[6];
    sample_test(t, "TOKEN-LATE", "token lifetime is honoured", "token", "cases/token.yaml", 60,
                AC_SEV_MUST, AC_OUT_NOTRUN, "run stopped early (--fail-fast)", 0);

    t = &ts[7];
    sample_test(t, "INFO-SERVER", "server header does not reveal versions", "misc",
                "cases/misc.yaml", 5, AC_SEV_INFO, AC_OUT_PASS, NULL, 3);
    ac_strlist_push(&t->notes, "Server header reveals a version: nginx/1.25.3");
    ac_strlist_push(&t->notes, "X-Powered-By present: \"Express\"");
    s = sample_single_step(t, AC_OUT_PASS, 200, "GET http://127.0.0.1:8080/apiops/health",
                           "HTTP/1.1 200 OK\nServer: nginx/1.25.3\nX-Powered-By: Express\n");
    sample_add_check(s, sample_check("header Server matches", "no version", "nginx/1.25.3",
                                     "Server header reveals a version: nginx/1.25.3",
                                     AC_SEV_INFO, false, "cases/misc.yaml", 11));

    t = &ts[8];
    sample_test(t, "FLOW-REVOKE", "refresh, then revoke", "flow", "cases/flow.yaml", 4,
                AC_SEV_MUST, AC_OUT_FAIL, "step refresh: status 200, expected 400", 95);
    t->multi_step = true;
    s = sample_steps(t, 3);
    s[0].name = ac_strdup("get token");
    s[0].outcome = AC_OUT_PASS;
    s[0].status = 200;
    s[0].duration_ms = 40;
    s[0].attempts = 1;
    s[0].request_excerpt = ac_strdup(SAMPLE_TOKEN_REQ);
    s[0].response_excerpt = ac_strdup("HTTP/1.1 200 OK\n\n{\"access_token\":\"[REDACTED:1]\"}");
    sample_add_check(&s[0], sample_check("status", "200", "200", "ok", AC_SEV_MUST, true,
                                         "cases/flow.yaml", 10));
    s[1].name = ac_strdup("refresh with a used token");
    s[1].outcome = AC_OUT_FAIL;
    s[1].status = 200;
    s[1].duration_ms = 55;
    s[1].attempts = 3;
    s[1].request_excerpt = ac_strdup("POST http://127.0.0.1:8080/apiops/auth/token\n\n"
                                     "grant_type=refresh_token&refresh_token=[REDACTED:5e]");
    s[1].response_excerpt = ac_strdup("HTTP/1.1 200 OK\n\n{\"access_token\":\"[REDACTED:2]\"}");
    sample_add_check(&s[1], sample_check("status", "400", "200", "status 200, expected 400",
                                         AC_SEV_MUST, false, "cases/flow.yaml", 22));
    s[2].name = ac_strdup("revoke");
    s[2].outcome = AC_OUT_NOTRUN;
    s[2].reason = ac_strdup("previous step failed");

    t = &ts[9];
    sample_test(t, "ESC-NAME", "path with # fragment and \\ backslash # TODO not a directive",
                "misc", "cases/misc.yaml", 20, AC_SEV_MUST, AC_OUT_PASS, NULL, 1);
    s = sample_single_step(t, AC_OUT_PASS, 200, "GET http://127.0.0.1:8080/a%23b", "HTTP/1.1 200 OK");

    t = &ts[10];
    sample_test(t, "HOSTILE-BODY", "error page from a hostile server", "misc", "cases/misc.yaml",
                30, AC_SEV_MUST, AC_OUT_FAIL,
                "body contains \x1b[31m<script>&\"]]> and \xff\n(invalid)", 2);
    {
        /* Long enough to be capped (samples use a 4096-byte cap), with two-byte characters
         * around both cut points. */
        ac_buf body;
        ac_buf_init(&body);
        ac_buf_puts(&body, SAMPLE_HOSTILE_BODY "padding:");
        for (int i = 0; i < 3000; i++) ac_buf_puts(&body, "\xc3\xa9");
        ac_buf_puts(&body, "\nend of body\n");
        s = sample_single_step(t, AC_OUT_FAIL, 500, "GET http://127.0.0.1:8080/apiops/protected",
                               ac_buf_str(&body));
        ac_buf_free(&body);
    }
    sample_add_check(s, sample_check("json $.error equals", "\"invalid_token\"",
                                     "not JSON: <html>]]> \x1b[2J\xfe",
                                     "body is not JSON: <html>]]> \x1b[2J\xfe\r\nsecond line",
                                     AC_SEV_MUST, false, "cases/misc.yaml", 36));

    t = &ts[11];
    sample_test(t, "FLOW-WARN", "logout # clears the session", "flow", "cases/flow.yaml", 40,
                AC_SEV_SHOULD, AC_OUT_WARN, NULL, 20);
    t->multi_step = true;
    s = sample_steps(t, 2);
    s[0].name = ac_strdup("login");
    s[0].outcome = AC_OUT_PASS;
    s[0].attempts = 1;
    s[1].name = ac_strdup("logout #1");
    s[1].outcome = AC_OUT_WARN;
    s[1].attempts = 1;
    s[1].request_excerpt = ac_strdup("POST http://127.0.0.1:8080/apiops/auth/logout");
    s[1].response_excerpt = ac_strdup("HTTP/1.1 204 No Content\n");
    sample_add_check(&s[1], sample_check("header Clear-Site-Data", "present", "(absent)",
                                         "Clear-Site-Data missing after logout", AC_SEV_SHOULD,
                                         false, "cases/flow.yaml", 49));

    *out = ts;
    return n;
}

/* How many times needle occurs in s (the tests count what a report says). Inline: not every
 * program that includes this header uses it. */
static inline size_t samples_count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static void samples_free(ac_test_result *ts, size_t n)
{
    for (size_t i = 0; i < n; i++) ac_test_result_free(&ts[i]);
    free(ts);
}

/* A skipped test of the coverage samples: a gap (not configured, rate limited) or not
 * applicable. missing_var NULL: not skipped for a variable. */
static void sample_skip(ac_test_result *t, const char *id, const char *name, const char *suite, ac_severity sev,
                        ac_skip_kind kind, const char *reason, const char *missing_var)
{
    sample_test(t, id, name, suite, "cases/coverage.yaml", 1, sev, AC_OUT_SKIP, reason, 0);
    t->skip_kind = kind;
    if (missing_var) ac_strlist_push(&t->missing_vars, missing_var);
}

#define SAMPLE_NEEDS_USERNAME "requires variable username (set APINIZER_USERNAME or --var username=...)"

/* Two skips both coverage samples have: one that does not apply, one gap. */
static void sample_skip_https(ac_test_result *t)
{
    sample_skip(t, "X-HTTPS", "the API is served over HTTPS", "misc", AC_SEV_MUST, AC_SKIP_NOT_APPLICABLE,
                "condition not met: a loopback target", NULL);
}

static void sample_skip_expired(ac_test_result *t)
{
    sample_skip(t, "EXPIRY-PRESET", "a configured expired token is refused", "expiry", AC_SEV_MUST,
                AC_SKIP_NOT_CONFIGURED,
                "requires variable expired_token (set APINIZER_EXPIRED_TOKEN or --var expired_token=...)",
                "expired_token (APINIZER_EXPIRED_TOKEN)");
}

/* The incomplete sample run: everything that ran passed, but must-level tests were skipped for
 * two missing variables (three tests for one of them), a 429, and one the user accepted with
 * --allow-skip revocation (*allow). A should-level skip and a not-applicable skip are no gaps. */
static size_t samples_build_incomplete(ac_test_result **out, ac_strlist *allow)
{
    const size_t n = 9;
    ac_test_result *ts = ac_calloc(n, sizeof *ts);
    sample_test(&ts[0], "TOKEN-OK", "valid credentials get a token", "token", "cases/token.yaml", 12,
                AC_SEV_MUST, AC_OUT_PASS, NULL, 12.4);
    sample_skip(&ts[1], "BEARER-OK", "Authorization: Bearer <token> is accepted", "bearer", AC_SEV_MUST,
                AC_SKIP_NOT_CONFIGURED, SAMPLE_NEEDS_USERNAME, "username (APINIZER_USERNAME)");
    sample_skip(&ts[2], "BEARER-ALG-NONE", "an unsigned copy of the token is refused", "bearer", AC_SEV_MUST,
                AC_SKIP_NOT_CONFIGURED, SAMPLE_NEEDS_USERNAME, "username (APINIZER_USERNAME)");
    ac_strlist_push(&ts[2].controls, "token");
    sample_skip_expired(&ts[3]);
    sample_skip_https(&ts[4]);
    sample_skip(&ts[5], "CRED-LOCKOUT", "repeated failed logins are throttled", "credentials", AC_SEV_MUST,
                AC_SKIP_RATE_LIMITED, "rate limited (429): Retry-After: 30", NULL);
    sample_skip(&ts[6], "ISSUE-OK", "client credentials get a Bearer token", "token", AC_SEV_MUST,
                AC_SKIP_NOT_CONFIGURED, SAMPLE_NEEDS_USERNAME, "username (APINIZER_USERNAME)");
    sample_skip(&ts[7], "REVOKE-LIVE", "a revoked token is refused", "revocation", AC_SEV_MUST,
                AC_SKIP_NOT_CONFIGURED, SAMPLE_NEEDS_USERNAME, "username (APINIZER_USERNAME)");
    ac_strlist_push(&ts[7].tags, "revocation");
    sample_skip(&ts[8], "ISSUE-NO-STORE", "the token response forbids caching", "token", AC_SEV_SHOULD,
                AC_SKIP_NOT_CONFIGURED, SAMPLE_NEEDS_USERNAME, "username (APINIZER_USERNAME)");
    ac_strlist_push(allow, "revocation");
    *out = ts;
    return n;
}

/* The complete sample run: passes, a not-applicable skip, and a gap accepted with
 * --allow-incomplete. */
static size_t samples_build_complete(ac_test_result **out)
{
    const size_t n = 4;
    ac_test_result *ts = ac_calloc(n, sizeof *ts);
    sample_test(&ts[0], "TOKEN-OK", "valid credentials get a token", "token", "cases/token.yaml", 12,
                AC_SEV_MUST, AC_OUT_PASS, NULL, 12.4);
    sample_skip_https(&ts[1]);
    sample_skip_expired(&ts[2]);
    sample_test(&ts[3], "HEALTH-OK", "the health check answers", "misc", "cases/misc.yaml", 3, AC_SEV_MUST,
                AC_OUT_PASS, NULL, 1);
    *out = ts;
    return n;
}

/* A step of a cluster test: pinned to `node` (NULL: not pinned) in the round of `for_node`
 * (NULL: no round). */
static ac_step_result *sample_node_step(ac_step_result *s, const char *name, ac_outcome out,
                                        const char *node, const char *for_node, const char *reason)
{
    s->name = ac_strdup(name);
    s->outcome = out;
    s->node = node ? ac_strdup(node) : NULL;
    s->for_node = for_node ? ac_strdup(for_node) : NULL;
    s->reason = reason ? ac_strdup(reason) : NULL;
    s->status = out == AC_OUT_NOTRUN || !node ? 0 : 200;
    s->attempts = out == AC_OUT_NOTRUN ? 0 : 1;
    return s;
}

/* "ünïcode" */
#define SAMPLE_NODE_UNICODE "\xc3\xbc" "n" "\xc3\xaf" "code"

/* The nodes of the cluster sample run (ac_run_info.nodes), as --node gives them: names a user
 * may choose, quoted or not in YAML. */
static const char *const SAMPLE_NODES[] = {
    "a=127.0.0.1:8081", "c=127.0.0.1:8083", "10.0.0.5=10.0.0.5:8443", "pod-1=pod-1.cluster.local:8080",
    SAMPLE_NODE_UNICODE "=127.0.0.1:8085", "a: b=127.0.0.1:8086",
};

/* A cluster run (--node): an ordinary test, a test whose round a fails on node c, a passing
 * test with one step per node (and one unpinned step, in no node's section), and a single
 * request pinned to a node that only warns. */
static size_t samples_build_nodes(ac_test_result **out)
{
    const size_t n = 4;
    ac_test_result *ts = ac_calloc(n, sizeof *ts);
    ac_test_result *t;
    ac_step_result *s;
    sample_test(&ts[0], "TOKEN-OK", "valid credentials get a token", "token", "cases/token.yaml", 12,
                AC_SEV_MUST, AC_OUT_PASS, NULL, 12.4);

    t = &ts[1];
    sample_test(t, "CLUSTER-TOKEN", "a token issued through any node is accepted by every node", "cluster",
                "cases/cluster.yaml", 10, AC_SEV_MUST, AC_OUT_FAIL,
                "issued by node a, refused by node c: 401 invalid_token", 30);
    t->multi_step = true;
    s = sample_steps(t, 5);
    sample_node_step(&s[0], "[a] issue (node a)", AC_OUT_PASS, "a", "a", NULL);
    sample_node_step(&s[1], "[a] accepted (node a)", AC_OUT_PASS, "a", "a", NULL);
    sample_node_step(&s[2], "[a] accepted (node c)", AC_OUT_FAIL, "c", "a",
                     "issued by node a, refused by node c: 401 invalid_token");
    s[2].status = 401;
    s[2].request_excerpt = ac_strdup("GET http://127.0.0.1:8083/apiops/api/me\nAuthorization: Bearer [REDACTED:51c0]");
    s[2].response_excerpt = ac_strdup("HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error=\"invalid_token\"");
    sample_add_check(&s[2], sample_check("status", "200", "401", "status 401, expected 200", AC_SEV_MUST, false,
                                         "cases/cluster.yaml", 24));
    sample_node_step(&s[3], "[a] revoke", AC_OUT_PASS, NULL, "a", NULL);
    sample_node_step(&s[4], "[c] issue (node c)", AC_OUT_NOTRUN, "c", "c", "previous step failed");

    t = &ts[2];
    sample_test(t, "CLUSTER-HEALTH", "every node answers its health check", "cluster", "cases/cluster.yaml", 40,
                AC_SEV_MUST, AC_OUT_PASS, NULL, 8);
    t->multi_step = true;
    s = sample_steps(t, 5);
    sample_node_step(&s[0], "setup", AC_OUT_PASS, NULL, NULL, NULL);
    sample_node_step(&s[1], "healthy (node 10.0.0.5)", AC_OUT_PASS, "10.0.0.5", NULL, NULL);
    sample_node_step(&s[2], "healthy (node pod-1)", AC_OUT_PASS, "pod-1", NULL, NULL);
    sample_node_step(&s[3], "healthy (node " SAMPLE_NODE_UNICODE ")", AC_OUT_PASS, SAMPLE_NODE_UNICODE, NULL, NULL);
    sample_node_step(&s[4], "healthy (node a: b)", AC_OUT_PASS, "a: b", NULL, NULL);

    t = &ts[3];
    sample_test(t, "CLUSTER-CACHE", "token responses are not cached by any node", "cluster", "cases/cluster.yaml",
                60, AC_SEV_SHOULD, AC_OUT_WARN, NULL, 5);
    s = sample_steps(t, 1);
    sample_node_step(&s[0], "request (node pod-1)", AC_OUT_WARN, "pod-1", NULL, NULL);
    sample_add_check(&s[0], sample_check("header Cache-Control contains", "no-store", "(absent)",
                                         "Cache-Control is absent, expected no-store", AC_SEV_SHOULD, false,
                                         "cases/cluster.yaml", 66));
    *out = ts;
    return n;
}

/* The counts, the coverage (gaps accepted by `allow` or, with allow_all, all of them) and the
 * exit status the runner would give (3 is the caller's to set); free with samples_summary_free. */
static void samples_summary(const ac_test_result *ts, size_t n, const ac_strlist *allow, bool allow_all,
                            ac_run_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    for (size_t i = 0; allow && i < allow->n; i++) ac_strlist_push(&sum->coverage.allowed, allow->items[i]);
    if (allow_all) ac_strlist_push(&sum->coverage.allowed, "--allow-incomplete");
    for (size_t i = 0; i < n; i++) {
        ac_coverage_add(&sum->coverage, &ts[i], allow, allow_all);
        sum->total++;
        switch (ts[i].outcome) {
        case AC_OUT_PASS: sum->passed++; break;
        case AC_OUT_FAIL: sum->failed++; break;
        case AC_OUT_WARN: sum->warned++; break;
        case AC_OUT_ERROR: sum->errored++; break;
        case AC_OUT_SKIP: sum->skipped++; break;
        case AC_OUT_NOTRUN: sum->not_run++; break;
        }
        sum->duration_ms += ts[i].duration_ms;
    }
    sum->exit_code = sum->failed || sum->errored || sum->not_run ? 1 : sum->coverage.incomplete ? 4 : 0;
}

static void samples_summary_free(ac_run_summary *sum)
{
    ac_coverage_free(&sum->coverage);
    free(sum->bail_reason);
}

/* The run's nodes for samples_drive (ac_run_info.nodes): set around a cluster sample run. */
static const ac_strlist *samples_run_nodes;

/* SAMPLE_NODES into *l (empty unless run is 'n', the cluster run); ac_strlist_free it. */
static void samples_nodes(ac_strlist *l, char run)
{
    for (size_t i = 0; run == 'n' && i < sizeof SAMPLE_NODES / sizeof SAMPLE_NODES[0]; i++)
        ac_strlist_push(l, SAMPLE_NODES[i]);
}

/* Drives one writer through a run: begin, the first n_report tests, end. planned may exceed
 * n_report (a bail-out); bail_reason non-NULL marks the run as stopped early; allow and
 * allow_all are --allow-skip and --allow-incomplete.
 * Returns 0 or -1 with *err set (caller frees). The writer is destroyed either way. */
static int samples_drive(ac_reporter *r, const ac_test_result *ts, size_t n_report,
                         size_t planned, const char *bail_reason, int tap_version,
                         const ac_strlist *allow, bool allow_all, char **err)
{
    ac_run_info info;
    memset(&info, 0, sizeof info);
    info.tool_version = "0.0.0-test";
    info.target = "http://127.0.0.1:8080/apiops";
    info.profile = "documented";
    info.tap_version = tap_version;
    info.start_wall = 1700000000.0;
    info.planned = planned;
    info.allow_skip = allow;
    info.allow_incomplete = allow_all;
    info.coverage = true;
    info.nodes = samples_run_nodes;
    ac_run_summary sum;
    samples_summary(ts, n_report, allow, allow_all, &sum);
    sum.bailed = bail_reason != NULL;
    sum.bail_reason = bail_reason ? ac_strdup(bail_reason) : NULL;
    if (bail_reason) sum.exit_code = 3;
    int rc = r->begin(r, &info, err);
    for (size_t i = 0; rc == 0 && i < n_report; i++) rc = r->test(r, &ts[i], i + 1, err);
    /* end() runs even after a failure, as the runner does, so files are closed. */
    char *end_err = NULL;
    int rc_end = r->end(r, &sum, &end_err);
    if (rc == 0 && rc_end != 0) {
        rc = rc_end;
        *err = end_err;
    } else {
        free(end_err);
    }
    samples_summary_free(&sum);
    r->destroy(r);
    return rc;
}

/* The sample report files, relative to an output directory. kind: 't' TAP, 'j' JUnit,
 * 'c' console, 'r' run record. run: 'f' the full sample run, 'i' the incomplete one, 'c' the
 * complete one, 'n' the cluster run (samples_build_incomplete, samples_build_complete,
 * samples_build_nodes). */
typedef struct sample_file {
    const char *name;
    char kind;
    int tap_version;
    bool bail;
    bool verbose;
    char run;
} sample_file;

static const sample_file SAMPLE_FILES[] = {
    { "reports-full-14.tap", 't', 14, false, false, 'f' },
    { "reports-full-13.tap", 't', 13, false, false, 'f' },
    { "reports-full.xml", 'j', 14, false, false, 'f' },
    { "reports-full-console.txt", 'c', 14, false, true, 'f' },
    { "reports-bail-14.tap", 't', 14, true, false, 'f' },
    { "reports-bail-13.tap", 't', 13, true, false, 'f' },
    { "reports-bail.xml", 'j', 14, true, false, 'f' },
    { "reports-bail-console.txt", 'c', 14, true, false, 'f' },
    { "reports-incomplete-14.tap", 't', 14, false, false, 'i' },
    { "reports-incomplete-13.tap", 't', 13, false, false, 'i' },
    { "reports-incomplete.xml", 'j', 14, false, false, 'i' },
    { "reports-incomplete-console.txt", 'c', 14, false, false, 'i' },
    { "reports-incomplete.json", 'r', 14, false, false, 'i' },
    { "reports-complete-14.tap", 't', 14, false, false, 'c' },
    { "reports-complete-13.tap", 't', 13, false, false, 'c' },
    { "reports-complete.xml", 'j', 14, false, false, 'c' },
    { "reports-complete-console.txt", 'c', 14, false, false, 'c' },
    { "reports-complete.json", 'r', 14, false, false, 'c' },
    { "reports-nodes-14.tap", 't', 14, false, false, 'n' },
    { "reports-nodes-13.tap", 't', 13, false, false, 'n' },
    { "reports-nodes.xml", 'j', 14, false, false, 'n' },
    { "reports-nodes-console.txt", 'c', 14, false, true, 'n' },
    { "reports-nodes.json", 'r', 14, false, false, 'n' },
};
#define SAMPLE_N_FILES (sizeof SAMPLE_FILES / sizeof SAMPLE_FILES[0])

/* Writes one sample file into dir. The bail-out run plans every test but reports only the
 * first three (pass, fail, warn), as the runner does when the target goes away. */
/* Writes f's report of tests [from, from + count) of f's run to path, as one shard of the run
 * would (count 0: every test from `from` on). */
static int samples_write_part(const char *path, const sample_file *f, size_t from, size_t count, char **err)
{
    ac_test_result *ts;
    ac_strlist allow = { 0 };
    size_t all = f->run == 'i' ? samples_build_incomplete(&ts, &allow)
                 : f->run == 'c' ? samples_build_complete(&ts)
                 : f->run == 'n' ? samples_build_nodes(&ts) : samples_build(&ts);
    ac_strlist nodes = { 0 };
    samples_nodes(&nodes, f->run);
    samples_run_nodes = f->run == 'n' ? &nodes : NULL;
    size_t n = from < all ? (count && count < all - from ? count : all - from) : 0;
    ac_report_opts o;
    ac_report_opts_init(&o);
    o.tap_version = f->tap_version;
    o.deterministic = true;
    o.verbose = f->verbose;
    o.stream_cap = 4096;
    ac_reporter *r = NULL;
    FILE *console = NULL;
    if (f->kind == 't') r = ac_report_tap_new(path, &o, err);
    else if (f->kind == 'j') r = ac_report_junit_new(path, &o, err);
    else if (f->kind == 'r') r = ac_report_json_new(path, &o, err);
    else {
        console = fopen(path, "w");
        if (!console) *err = ac_sprintf("%s: cannot open", path);
        else r = ac_report_console_new(console, &o, err);
    }
    int rc = -1;
    if (r) {
        size_t n_report = f->bail ? 3 : n;
        rc = samples_drive(r, ts + from, n_report, n, f->bail ? "target unreachable: connection refused"
                                                             : NULL,
                           f->tap_version, &allow, f->run == 'c', err);
    }
    ac_strlist_free(&allow);
    samples_run_nodes = NULL;
    ac_strlist_free(&nodes);
    if (console && fclose(console) != 0 && rc == 0) {
        *err = ac_sprintf("%s: cannot write", path);
        rc = -1;
    }
    samples_free(ts, all);
    return rc;
}

static int samples_write_file(const char *dir, const sample_file *f, char **err)
{
    char *path = ac_sprintf("%s/%s", dir, f->name);
    int rc = samples_write_part(path, f, 0, 0, err);
    free(path);
    return rc;
}

#endif
