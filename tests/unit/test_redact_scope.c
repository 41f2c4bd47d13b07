/* Redaction scope: a literal written in a case file is a secret only inside its own test (the
 * worker thread's test scope), a short one is no secret by value at all, configured secrets stay
 * redacted everywhere whatever their length, and under parallel workers one test's literals
 * never touch another test's output. Requests are built from YAML as the executor builds them. */
#include <check.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "expect.h"
#include "redact.h"
#include "request.h"
#include "util.h"
#include "vars.h"
#include "ynode.h"

static void setup(void) { ac_redact_reset(); }
static void teardown(void) { ac_redact_reset(); }

/* Builds the request of a YAML request map in scope s; returns its redacted excerpt. */
static char *request_excerpt(const char *yaml, const ac_scope *s)
{
    ac_diags d;
    ac_diags_init(&d);
    yn_doc *doc = yn_parse("t.yaml", yaml, strlen(yaml), &d);
    ck_assert_ptr_nonnull(doc);
    ac_built_req br;
    char *err = NULL;
    ck_assert_msg(ac_request_build(doc->root, s, "http://127.0.0.1:9", &br, &err) == 0, "%s", err);
    char *ex = ac_request_excerpt(&br, 0);
    ac_built_req_free(&br);
    yn_doc_free(doc);
    ac_diags_free(&d);
    return ex;
}

/* The excerpt of a response with one header and a body (the body's JSON is scanned first, as
 * the executor does). */
static char *response_excerpt(const char *hname, const char *hvalue, const char *body)
{
    ac_response r = { 0 };
    r.status = 200;
    r.http_version = ac_strdup("HTTP/1.1");
    r.headers = ac_calloc(1, sizeof *r.headers);
    r.headers[0].name = ac_strdup(hname);
    r.headers[0].value = ac_strdup(hvalue);
    r.n_headers = 1;
    r.body = ac_strdup(body);
    r.body_len = strlen(body);
    (void)ac_response_json(&r);
    char *ex = ac_response_excerpt(&r, 0);
    ac_response_free(&r);
    return ex;
}

/* CRED-HOSTILE-LDAP sends client_secret: "*"; a later test's Access-Control-Allow-Origin: * is
 * evidence and stays readable. */
START_TEST(star_does_not_leak_into_later_tests)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_redact_test_begin();   /* test 1 */
    char *req = request_excerpt("method: POST\npath: token\nform: { client_id: x, client_secret: \"*\" }\n", &s);
    /* Where it is sent as a secret, the excerpt still masks it (by the field's name). */
    ck_assert_msg(strstr(req, "client_secret=[redacted:") != NULL, "%s", req);
    /* The server echoes it under the same key: no run-wide secret is made of it. */
    char *resp1 = response_excerpt("Access-Control-Allow-Origin", "*", "{\"client_secret\":\"*\"}");
    /* Not sensitive: "*" is public text of the case file, and redacting it by value would blank
     * every "*" of the evidence. */
    ck_assert_msg(strstr(resp1, "Access-Control-Allow-Origin: *\n") != NULL, "%s", resp1);
    ac_redact_test_end();

    ac_redact_test_begin();   /* test 2, on the same worker */
    char *resp2 = response_excerpt("Access-Control-Allow-Origin", "*", "{}");
    ck_assert_msg(strstr(resp2, "Access-Control-Allow-Origin: *\n") != NULL, "%s", resp2);
    char *whole = ac_redact_whole("*", 1);
    ck_assert_str_eq(whole, "*");
    ac_redact_test_end();
    free(req);
    free(resp1);
    free(resp2);
    free(whole);
    ac_scope_free(&s);
}
END_TEST

/* A literal of 8 bytes or more is a secret inside its own test, in every form (here echoed in a
 * JSON body and in a header), and nowhere else. */
START_TEST(long_literal_only_in_its_test)
{
    const char *lit = "hostile-literal-secret-42";
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_redact_test_begin();
    char *yaml = ac_sprintf("method: POST\npath: token\njson: { password: \"%s\", user: bob }\n", lit);
    char *req = request_excerpt(yaml, &s);
    ck_assert_msg(strstr(req, lit) == NULL, "%s", req);
    char *body = ac_sprintf("{\"echo\":\"you sent %s\"}", lit);
    char *resp = response_excerpt("X-Echo", lit, body);
    ck_assert_msg(strstr(resp, lit) == NULL && strstr(resp, "[redacted:") != NULL, "%s", resp);
    ac_redact_test_end();

    ac_redact_test_begin();
    char *later = response_excerpt("X-Echo", lit, body);
    ck_assert_msg(strstr(later, lit) != NULL, "a literal of another test was redacted: %s", later);
    ac_redact_test_end();
    free(yaml);
    free(req);
    free(body);
    free(resp);
    free(later);
    ac_scope_free(&s);
}
END_TEST

/* An Authorization header written out in the case file is a literal too. */
START_TEST(literal_authorization_header)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_redact_test_begin();
    char *req = request_excerpt("path: x\nheaders: { Authorization: \"Bearer literal-token-abcdefgh\" }\n", &s);
    ck_assert_msg(strstr(req, "literal-token-abcdefgh") == NULL, "%s", req);
    ac_redact_test_end();
    ac_redact_test_begin();
    char *later = ac_redact("literal-token-abcdefgh", 22, NULL);
    ck_assert_str_eq(later, "literal-token-abcdefgh");
    ac_redact_test_end();
    free(req);
    free(later);
    ac_scope_free(&s);
}
END_TEST

/* Configured secrets, and what is interpolated from them, stay redacted in every test, whole,
 * however short. */
START_TEST(configured_secrets_everywhere)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_scope_set(&s, "client_secret", "pw", 2, true, AC_VSRC_VARSFILE);
    ac_redact_test_begin();
    char *req = request_excerpt("method: POST\npath: token\nform: { client_secret: \"${client_secret}\" }\n", &s);
    ck_assert_msg(strstr(req, "client_secret=[redacted:") != NULL, "%s", req);
    ac_redact_test_end();
    ac_redact_test_begin();
    char *resp = response_excerpt("X-Echo", "pw", "{}");
    ck_assert_msg(strstr(resp, "X-Echo: [redacted:") != NULL, "%s", resp);
    ac_redact_test_end();
    /* Outside any test too. */
    char *whole = ac_redact_whole("pw", 2);
    ck_assert(strncmp(whole, "[redacted:", 10) == 0);
    free(req);
    free(resp);
    free(whole);
    ac_scope_free(&s);
}
END_TEST

/* A token the server issues under a secret key stays a run-wide secret (today's treatment),
 * short or long, unless it is a short literal of the test echoed back. */
START_TEST(server_values_run_wide)
{
    ac_redact_test_begin();
    char *r1 = response_excerpt("X", "y", "{\"access_token\":\"issued-token-0123456789\",\"refresh_token\":\"abc\"}");
    ac_redact_test_end();
    ac_redact_test_begin();
    char *later = ac_redact("t issued-token-0123456789", 25, NULL);
    ck_assert_msg(strstr(later, "issued-token") == NULL, "%s", later);
    char *whole = ac_redact_whole("abc", 3);
    ck_assert(strncmp(whole, "[redacted:", 10) == 0);
    ac_redact_test_end();
    free(r1);
    free(later);
    free(whole);
}
END_TEST

/* Two workers, each inside its own test at the same time: one's literal never redacts the
 * other's output, and each sees its own. */
typedef struct worker_arg {
    const char *mine, *theirs;
    pthread_barrier_t *go;
    bool ok;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    ac_redact_test_begin();
    ac_redact_add_literal(a->mine, strlen(a->mine));
    pthread_barrier_wait(a->go);   /* both scopes are open now */
    a->ok = true;
    for (int i = 0; i < 200; i++) {
        char *text = ac_sprintf("mine=%s theirs=%s", a->mine, a->theirs);
        char *r = ac_redact(text, strlen(text), NULL);
        a->ok &= strstr(r, a->mine) == NULL && strstr(r, a->theirs) != NULL;
        free(r);
        free(text);
    }
    pthread_barrier_wait(a->go);
    ac_redact_test_end();
    return NULL;
}

START_TEST(parallel_workers_keep_their_scopes)
{
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    worker_arg a = { "literal-of-test-one", "literal-of-test-two", &go, false };
    worker_arg b = { "literal-of-test-two", "literal-of-test-one", &go, false };
    pthread_t ta, tb;
    pthread_create(&ta, NULL, worker, &a);
    pthread_create(&tb, NULL, worker, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&go);
    ck_assert(a.ok);
    ck_assert(b.ok);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("redact_scope");
    TCase *tc = tcase_create("scope");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, star_does_not_leak_into_later_tests);
    tcase_add_test(tc, long_literal_only_in_its_test);
    tcase_add_test(tc, literal_authorization_header);
    tcase_add_test(tc, configured_secrets_everywhere);
    tcase_add_test(tc, server_values_run_wide);
    tcase_add_test(tc, parallel_workers_keep_their_scopes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
