/* The account guard: which requests carry the configured account, the first-login gate, the
 * refusal that stops every later use of the credentials, and the failed-login budget. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "util.h"

#define USER "alice"
#define PASS "Right-Passw0rd-1"
#define TOKEN_URL "http://h/apiops/auth/token"

/* A request: method, url, one optional header, an optional body with its content type. */
static ac_built_req req(const char *method, const char *url, const char *hname, const char *hvalue,
                        const char *ctype, const char *body)
{
    ac_built_req r;
    memset(&r, 0, sizeof r);
    r.method = ac_strdup(method);
    r.url = ac_strdup(url);
    r.headers = ac_calloc(2, sizeof *r.headers);
    if (hname) {
        r.headers[r.n_headers].name = ac_strdup(hname);
        r.headers[r.n_headers++].value = ac_strdup(hvalue);
    }
    if (ctype) {
        r.headers[r.n_headers].name = ac_strdup("Content-Type");
        r.headers[r.n_headers++].value = ac_strdup(ctype);
    }
    if (body) {
        r.body = ac_strdup(body);
        r.body_len = strlen(body);
        r.has_body = true;
    }
    return r;
}

#define FORM "application/x-www-form-urlencoded"

static ac_built_req r_form_login(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "grant_type=client_credentials&client_id=alice&client_secret=Right-Passw0rd-1"); }
static ac_built_req r_form_wrong(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "grant_type=client_credentials&client_id=alice&client_secret=wrong"); }
static ac_built_req r_form_encoded(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "grant_type=client_credentials&client_id=%61lice&client_secret=Right-Passw0rd%2D1"); }
static ac_built_req r_form_nosecret(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "grant_type=client_credentials&client_id=alice"); }
static ac_built_req r_other_user(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "grant_type=client_credentials&client_id=bob&client_secret=wrong"); }
static ac_built_req r_json(void) { return req("POST", TOKEN_URL, NULL, NULL, "application/json", "{\"grant_type\":\"client_credentials\",\"client_id\":\"alice\",\"client_secret\":\"x\"}"); }
static ac_built_req r_query(void) { return req("GET", TOKEN_URL "?grant_type=client_credentials&client_id=alice&client_secret=y", NULL, NULL, NULL, NULL); }
/* base64("alice:Right-Passw0rd-1") */
static ac_built_req r_basic(void) { return req("POST", TOKEN_URL, "Authorization", "Basic YWxpY2U6UmlnaHQtUGFzc3cwcmQtMQ==", FORM, "grant_type=client_credentials"); }
/* base64("alice:nope") to the protected endpoint: carries the account, not a token request */
static ac_built_req r_basic_hello(void) { return req("GET", "http://h/apiops/test/hello/x", "Authorization", "Basic YWxpY2U6bm9wZQ==", NULL, NULL); }
/* the right secret, no grant_type, to the token URL: still a token request */
static ac_built_req r_no_grant(void) { return req("POST", TOKEN_URL, NULL, NULL, FORM, "client_id=alice&client_secret=Right-Passw0rd-1"); }
static ac_built_req r_bearer(void) { return req("GET", "http://h/apiops/test/hello/x", "Authorization", "Bearer abc", NULL, NULL); }

static const struct {
    const char *what;
    ac_built_req (*make)(void);
    bool expects_success;
    ac_guard_kind want;
    bool token;
} CLASSIFY[] = {
    { "form, right secret, 200 expected", r_form_login, true, AC_GUARD_LOGIN, true },
    { "form, right secret, failure expected", r_form_login, false, AC_GUARD_OTHER, true },
    { "form, wrong secret", r_form_wrong, false, AC_GUARD_WRONG, true },
    { "form, url-encoded id and secret", r_form_encoded, true, AC_GUARD_LOGIN, true },
    { "form, no secret", r_form_nosecret, false, AC_GUARD_WRONG, true },
    { "another user", r_other_user, false, AC_GUARD_NONE, false },
    { "JSON body, wrong secret", r_json, false, AC_GUARD_WRONG, true },
    { "query string, wrong secret", r_query, false, AC_GUARD_WRONG, true },
    { "HTTP Basic, right secret", r_basic, true, AC_GUARD_LOGIN, true },
    { "HTTP Basic to a protected endpoint", r_basic_hello, false, AC_GUARD_OTHER, false },
    { "no grant_type, to the token URL", r_no_grant, true, AC_GUARD_LOGIN, true },
    { "a Bearer token only", r_bearer, true, AC_GUARD_NONE, false },
};

START_TEST(test_classify)
{
    ac_guard *g = ac_guard_new(USER, PASS, TOKEN_URL);
    ac_built_req r = CLASSIFY[_i].make();
    bool token = false;
    ac_guard_kind k = ac_guard_classify(g, &r, CLASSIFY[_i].expects_success, &token);
    ck_assert_msg(k == CLASSIFY[_i].want, "%s: kind %d, want %d", CLASSIFY[_i].what, (int)k, (int)CLASSIFY[_i].want);
    if (k != AC_GUARD_NONE) ck_assert_msg(token == CLASSIFY[_i].token, "%s: token request %d", CLASSIFY[_i].what, token);
    ac_built_req_free(&r);
    ac_guard_free(g);
}
END_TEST

/* Sends r through the guard with the given answer; returns 0 if it was let through. */
static int pass(ac_guard *g, ac_built_req (*make)(void), bool expects_success, long status, const char *error,
                char **tripped)
{
    ac_built_req r = make();
    ac_guard_ticket t;
    char *why = NULL;
    int rc = ac_guard_enter(g, &r, expects_success, &t, &why);
    if (rc == 0) {
        char *m = ac_guard_done(g, &t, status, error);
        if (tripped) *tripped = m;
        else free(m);
    }
    free(why);
    ac_built_req_free(&r);
    return rc;
}

/* RFC 6749 appendix B: the secret is form-encoded inside Basic, the id (plain letters) reads
 * the same either way. A login with a secret that encoding changes is a login, not a wrong secret
 * (base64("carol:Carol%20Secret%2B%25%2F%26%3D1")); the secret spelt raw counts too. */
START_TEST(test_basic_form_encoded_secret)
{
    ac_guard *g = ac_guard_new("carol", "Carol Secret+%/&=1", TOKEN_URL);
    const char *encoded = "Basic Y2Fyb2w6Q2Fyb2wlMjBTZWNyZXQlMkIlMjUlMkYlMjYlM0Qx";
    const char *raw = "Basic Y2Fyb2w6Q2Fyb2wgU2VjcmV0KyUvJj0x";   /* carol:Carol Secret+%/&=1 */
    const char *wrong = "Basic Y2Fyb2w6d3Jvbmc=";                   /* carol:wrong */
    const char *const auth[] = { encoded, raw, wrong };
    const ac_guard_kind want[] = { AC_GUARD_LOGIN, AC_GUARD_LOGIN, AC_GUARD_WRONG };
    for (size_t i = 0; i < 3; i++) {
        ac_built_req r = req("POST", TOKEN_URL, "Authorization", auth[i], FORM, "grant_type=client_credentials");
        bool token = false;
        ac_guard_kind k = ac_guard_classify(g, &r, true, &token);
        ck_assert_msg(k == want[i], "case %zu: kind %d, want %d", i, (int)k, (int)want[i]);
        ac_built_req_free(&r);
    }
    ac_guard_free(g);
}
END_TEST

START_TEST(test_no_account_no_guard)
{
    ck_assert_ptr_null(ac_guard_new(NULL, PASS, TOKEN_URL));
    ck_assert_ptr_null(ac_guard_new("", PASS, TOKEN_URL));
    /* A NULL guard lets everything through. */
    ck_assert_int_eq(pass(NULL, r_form_wrong, false, 401, NULL, NULL), 0);
}
END_TEST

START_TEST(test_wrong_secret_needs_a_login_first)
{
    ac_guard *g = ac_guard_new(USER, PASS, TOKEN_URL);
    ck_assert_int_eq(pass(g, r_form_wrong, false, 401, NULL, NULL), -1);
    ck_assert_uint_eq(ac_guard_failed_logins(g), 0);
    ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), 0);
    ck_assert_int_eq(pass(g, r_form_wrong, false, 401, "unauthorized_client", NULL), 0);
    ck_assert_int_eq(pass(g, r_json, false, 401, "unauthorized_client", NULL), 0);
    ck_assert_uint_eq(ac_guard_failed_logins(g), 2);
    /* The budget is spent: a third wrong secret is never sent, in any form. */
    ck_assert_int_eq(pass(g, r_query, false, 401, NULL, NULL), -1);
    ck_assert_int_eq(pass(g, r_form_nosecret, false, 401, NULL, NULL), -1);
    ck_assert_uint_eq(ac_guard_failed_logins(g), 2);
    /* Right-secret requests still go. */
    ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), 0);
    ac_guard_free(g);
}
END_TEST

static const struct { long status; const char *error; bool refuses; } REFUSALS[] = {
    { 401, "unauthorized_client", true },
    { 401, NULL, true },
    { 403, NULL, true },
    { 429, "rate_limit_exceeded", true },
    { 400, "invalid_client", true },
    { 400, "unauthorized_client", true },
    { 400, "invalid_request", false },   /* about the request, not the account */
    { 404, NULL, false },                /* a wrong path */
    { 500, "server_error", false },
    { 0, NULL, false },                  /* no answer */
};

START_TEST(test_first_login_refused)
{
    ac_guard *g = ac_guard_new(USER, PASS, TOKEN_URL);
    char *msg = NULL;
    ck_assert_int_eq(pass(g, r_form_login, true, REFUSALS[_i].status, REFUSALS[_i].error, &msg), 0);
    if (REFUSALS[_i].refuses) {
        ck_assert_ptr_nonnull(msg);
        ck_assert_ptr_nonnull(strstr(msg, "refused"));
        /* Nothing with the account is sent again: no login, no Basic, no wrong secret. */
        ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), -1);
        ck_assert_int_eq(pass(g, r_basic, true, 200, NULL, NULL), -1);
        ck_assert_int_eq(pass(g, r_basic_hello, false, 401, NULL, NULL), -1);
        ck_assert_int_eq(pass(g, r_form_wrong, false, 401, NULL, NULL), -1);
        ck_assert_uint_eq(ac_guard_failed_logins(g), 0);
    } else {
        ck_assert_ptr_null(msg);
        /* Not a refusal of the account: the next login tries again. */
        ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), 0);
    }
    /* Other accounts are never held back. */
    ck_assert_int_eq(pass(g, r_other_user, false, 401, NULL, NULL), 0);
    free(msg);
    ac_guard_free(g);
}
END_TEST

START_TEST(test_other_method_refused_after_login)
{
    /* The form worked; HTTP Basic is refused: that refuses the method, not the account. */
    ac_guard *g = ac_guard_new(USER, PASS, TOKEN_URL);
    char *msg = NULL;
    ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), 0);
    ck_assert_int_eq(pass(g, r_basic, true, 401, "unauthorized_client", &msg), 0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), 0);
    /* The same method refused later (the account got locked): stop. */
    ck_assert_int_eq(pass(g, r_form_login, true, 401, "unauthorized_client", &msg), 0);
    ck_assert_ptr_nonnull(msg);
    free(msg);
    ck_assert_int_eq(pass(g, r_form_login, true, 200, NULL, NULL), -1);
    ac_guard_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("guard");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_classify, 0, (int)(sizeof CLASSIFY / sizeof *CLASSIFY));
    tcase_add_test(tc, test_no_account_no_guard);
    tcase_add_test(tc, test_basic_form_encoded_secret);
    tcase_add_test(tc, test_wrong_secret_needs_a_login_first);
    tcase_add_loop_test(tc, test_first_login_refused, 0, (int)(sizeof REFUSALS / sizeof *REFUSALS));
    tcase_add_test(tc, test_other_method_refused_after_login);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
