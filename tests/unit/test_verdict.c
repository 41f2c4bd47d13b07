/* The outcome rules of execution (runner/execute/verdict.c, send.c): how checks make a step's
 * outcome, how severity settles a test's, when a 429 leaves a check unjudged and what reason it
 * gives, skip_on, and the cap of response excerpts. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "execute_internal.h"
#include "util.h"
#include "ynode.h"

static yn_doc *parse(const char *yaml)
{
    ac_diags d;
    ac_diags_init(&d);
    yn_doc *doc = yn_parse("t.yaml", yaml, strlen(yaml), &d);
    if (!doc) ac_diags_print(&d, stderr);
    ac_diags_free(&d);
    ck_assert_msg(doc != NULL, "YAML did not parse: %s", yaml);
    return doc;
}

static ac_check chk(ac_severity sev, bool passed, const char *msg)
{
    ac_check c = { 0 };
    c.check = ac_strdup("c");
    c.message = ac_strdup(msg);
    c.severity = sev;
    c.passed = passed;
    return c;
}

/* ---- checks make a step's outcome ----------------------------------------------------------- */

#define M AC_SEV_MUST
#define S AC_SEV_SHOULD
#define I AC_SEV_INFO

static const struct {
    const char *what;
    int n;
    ac_severity sev[3];
    bool passed[3];
    ac_outcome want;
    const char *want_msg;   /* the step's reason: the message of the check that decided */
} OUTCOMES[] = {
    { "no checks", 0, { M }, { true }, AC_OUT_PASS, NULL },
    { "all pass", 2, { M, S }, { true, true }, AC_OUT_PASS, NULL },
    { "a must fails", 2, { M, M }, { true, false }, AC_OUT_FAIL, "m1" },
    { "a should fails", 2, { S, M }, { false, true }, AC_OUT_WARN, "m0" },
    { "should then must: the must decides", 3, { S, M, M }, { false, false, false }, AC_OUT_FAIL, "m1" },
    { "must then should: the must stays", 2, { M, S }, { false, false }, AC_OUT_FAIL, "m0" },
    { "an info finding never fails", 2, { I, M }, { false, true }, AC_OUT_PASS, NULL },
};

START_TEST(test_checks_outcome)
{
    ac_test_result res = { 0 };
    test_run T = { .res = &res };
    ac_buf_init(&T.transcript);
    ac_checks checks = { 0 };
    for (int i = 0; i < OUTCOMES[_i].n; i++) {
        char msg[16];
        snprintf(msg, sizeof msg, "m%d", i);
        ac_checks_push(&checks, chk(OUTCOMES[_i].sev[i], OUTCOMES[_i].passed[i], msg));
    }
    ac_step_result *sr = ex_new_step(&res, "step 1");
    ex_judge_step(&T, sr, &checks);
    ck_assert_msg(sr->outcome == OUTCOMES[_i].want, "%s: outcome %d", OUTCOMES[_i].what, sr->outcome);
    if (OUTCOMES[_i].want_msg) ck_assert_str_eq(sr->reason, OUTCOMES[_i].want_msg);
    else ck_assert_ptr_null(sr->reason);
    ck_assert_int_eq(T.stop, OUTCOMES[_i].want == AC_OUT_FAIL);   /* a failure stops the test */
    ck_assert_uint_eq(sr->n_checks, (size_t)OUTCOMES[_i].n);
    size_t musts = 0, info_failed = 0;
    for (int i = 0; i < OUTCOMES[_i].n; i++) {
        musts += OUTCOMES[_i].sev[i] == M;
        info_failed += OUTCOMES[_i].sev[i] == I && !OUTCOMES[_i].passed[i];
    }
    ck_assert_uint_eq(T.must_checks, musts);
    ck_assert_uint_eq(res.notes.n, info_failed);   /* info findings are kept as notes */
    ac_buf_free(&T.transcript);
    ac_test_result_free(&res);
}
END_TEST

/* ---- severity settles a test's outcome ------------------------------------------------------ */

static const struct {
    ac_severity sev;
    ac_outcome in, want;
} SETTLE[] = {
    { M, AC_OUT_ERROR, AC_OUT_ERROR }, { S, AC_OUT_ERROR, AC_OUT_WARN }, { I, AC_OUT_ERROR, AC_OUT_PASS },
    { M, AC_OUT_FAIL, AC_OUT_FAIL },   { S, AC_OUT_FAIL, AC_OUT_FAIL },  { I, AC_OUT_FAIL, AC_OUT_PASS },
    { I, AC_OUT_SKIP, AC_OUT_SKIP },   { S, AC_OUT_WARN, AC_OUT_WARN },  { M, AC_OUT_PASS, AC_OUT_PASS },
};

START_TEST(test_settle_by_severity)
{
    ac_test_result res = { .severity = SETTLE[_i].sev, .outcome = SETTLE[_i].in };
    ex_settle_by_severity(&res);
    ck_assert_int_eq(res.outcome, SETTLE[_i].want);
}
END_TEST

/* ---- 429: unjudged unless the step asked for it --------------------------------------------- */

static const struct {
    const char *expect;     /* NULL: no expect block */
    long status;
    bool want;
} RATE[] = {
    { NULL, 429, true },
    { NULL, 200, false },
    { "status: 200", 429, true },
    { "status: 429", 429, false },
    { "status: [400, 429]", 429, false },
    { "status: {in: [429, 503]}", 429, false },
    { "any_of: [{status: 401}, {status: 429}]", 429, false },
    { "status: '429'", 429, true },   /* a quoted 429 is a string: it does not name the status */
};

START_TEST(test_is_rate_limited)
{
    yn_doc *doc = RATE[_i].expect ? parse(RATE[_i].expect) : NULL;
    ac_response r = { .status = RATE[_i].status };
    ck_assert_msg(ex_is_rate_limited(&r, doc ? doc->root : NULL) == RATE[_i].want, "%s with %ld",
                  RATE[_i].expect ? RATE[_i].expect : "(none)", RATE[_i].status);
    yn_doc_free(doc);
}
END_TEST

START_TEST(test_rate_limit_reason)
{
    ac_header h = { .name = (char *)"Retry-After", .value = (char *)"30" };
    ac_response r = { .status = 429, .headers = &h, .n_headers = 1, .body = (char *)"", .body_len = 0 };
    char *why = ex_rate_limit_reason(&r);
    ck_assert_str_eq(why, "rate limited (429), Retry-After: 30");
    free(why);

    ac_response j = { .status = 429 };
    j.body = ac_strdup("{\"retry_after\": 2.5}");
    j.body_len = strlen(j.body);
    why = ex_rate_limit_reason(&j);
    ck_assert_str_eq(why, "rate limited (429), retry_after: 2.5 s");
    free(why);
    ac_response_free(&j);

    ac_response none = { .status = 429, .body = (char *)"", .body_len = 0 };
    why = ex_rate_limit_reason(&none);
    ck_assert_str_eq(why, "rate limited (429), no Retry-After given");
    free(why);
}
END_TEST

START_TEST(test_skip_on)
{
    yn_doc *doc = parse("- {status: 404, reason: not offered}\n- {status: [501, 503]}\n");
    char *why = ex_skip_on_reason(doc->root, 404);
    ck_assert_str_eq(why, "status 404: not offered");
    free(why);
    why = ex_skip_on_reason(doc->root, 503);
    ck_assert_str_eq(why, "status 503: skip_on");
    free(why);
    ck_assert_ptr_null(ex_skip_on_reason(doc->root, 200));
    ck_assert_ptr_null(ex_skip_on_reason(NULL, 404));
    yn_doc_free(doc);
}
END_TEST

/* ---- excerpts: one cap, never inside a UTF-8 sequence --------------------------------------- */

START_TEST(test_excerpt_cap)
{
    ac_buf b;
    ac_buf_init(&b);
    for (int i = 0; i < 5000; i++) ac_buf_puts(&b, "\xc3\xa9");   /* é: two bytes each */
    ac_response r = { .status = 200 };
    r.http_version = ac_strdup("HTTP/1.1");
    r.body_len = b.len;
    r.body = ac_buf_steal(&b);
    char *ex = ex_response_excerpt(&r);
    size_t len = strlen(ex);
    ck_assert_uint_le(len, EXCERPT_CAP);
    ck_assert(ac_utf8_valid(ex, len));
    ck_assert_ptr_nonnull(strstr(ex, "[truncated "));
    ck_assert(strncmp(ex, "HTTP/1.1 200\n", 13) == 0);   /* the head stays */
    free(ex);
    ac_response_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verdict");
    TCase *tc = tcase_create("verdict");
    tcase_add_loop_test(tc, test_checks_outcome, 0, (int)(sizeof OUTCOMES / sizeof *OUTCOMES));
    tcase_add_loop_test(tc, test_settle_by_severity, 0, (int)(sizeof SETTLE / sizeof *SETTLE));
    tcase_add_loop_test(tc, test_is_rate_limited, 0, (int)(sizeof RATE / sizeof *RATE));
    tcase_add_test(tc, test_rate_limit_reason);
    tcase_add_test(tc, test_skip_on);
    tcase_add_test(tc, test_excerpt_cap);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
