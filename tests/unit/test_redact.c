/* Redaction: every encoded form of a secret disappears from text, short secrets only where they
 * stand whole, longest matches win, no fragment of a long secret survives, and the registry is
 * safe to use from several threads. */
#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "util.h"
#include "vars.h"

static void setup(void) { ac_redact_reset(); }
static void teardown(void) { ac_redact_reset(); }

static char *red(const char *s)
{
    size_t n = 0;
    char *r = ac_redact(s, strlen(s), &n);
    ck_assert_uint_eq(n, strlen(r));
    return r;
}

static char *marker_of(const char *secret)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ck_assert_int_eq(EVP_Digest(secret, strlen(secret), md, &len, EVP_sha256(), NULL), 1);
    return ac_sprintf("[redacted:%02x%02x]", md[0], md[1]);
}

/* No window of `window` bytes of the secret appears in s. */
static void assert_no_fragment(const char *s, const char *secret, size_t window)
{
    size_t n = strlen(secret);
    for (size_t i = 0; i + window <= n; i++) {
        char *frag = ac_strndup(secret + i, window);
        ck_assert_msg(strstr(s, frag) == NULL, "fragment '%s' of the secret remains in '%s'", frag, s);
        free(frag);
    }
}

/* ---- every form ---------------------------------------------------------------------------- */

typedef struct form_case {
    const char *label;
    const char *secret;
    const char *text;        /* the secret in some encoding, inside other text */
    const char *want;        /* expected output, with %M for the marker */
} form_case;

static const form_case FORMS[] = {
    { "raw", "s3cr3t-Passw0rd", "pw=s3cr3t-Passw0rd;", "pw=%M;" },
    { "raw twice", "s3cr3t-Passw0rd", "s3cr3t-Passw0rd s3cr3t-Passw0rd", "%M %M" },
    { "percent upper", "p@ss w/rd+x=1", "a=p%40ss%20w%2Frd%2Bx%3D1&b=2", "a=%M&b=2" },
    { "percent lower", "p@ss w/rd+x=1", "a=p%40ss%20w%2frd%2bx%3d1&b=2", "a=%M&b=2" },
    { "percent plus for space", "p@ss w/rd+x=1", "a=p%40ss+w%2Frd%2Bx%3D1", "a=%M" },
    { "percent lower plus", "p@ss w/rd+x=1", "a=p%40ss+w%2frd%2bx%3d1", "a=%M" },
    { "json escaped", "ab\"cd\\ef/gh", "{\"password\":\"ab\\\"cd\\\\ef/gh\"}", "{\"password\":\"%M\"}" },
    { "json escaped slash", "ab\"cd\\ef/gh", "{\"p\":\"ab\\\"cd\\\\ef\\/gh\"}", "{\"p\":\"%M\"}" },
    { "json control chars", "line1\nline2\ttab", "{\"p\":\"line1\\nline2\\ttab\"}", "{\"p\":\"%M\"}" },
    { "json ascii-only", "pässwörd-xyz", "{\"p\":\"p\\u00e4ssw\\u00f6rd-xyz\"}", "{\"p\":\"%M\"}" },
    /* base64 of the secret alone (alignment 0, length a multiple of 3: no partial character) */
    { "base64 whole", "secret-value", "x c2VjcmV0LXZhbHVl y", "x %M y" },
};

START_TEST(test_forms)
{
    const form_case *c = &FORMS[_i];
    ac_redact_add(c->secret, strlen(c->secret));
    char *m = marker_of(c->secret);
    ac_buf want;
    ac_buf_init(&want);
    for (const char *p = c->want; *p; p++) {
        if (p[0] == '%' && p[1] == 'M') { ac_buf_puts(&want, m); p++; }
        else ac_buf_putc(&want, *p);
    }
    char *got = red(c->text);
    ck_assert_msg(strcmp(got, ac_buf_str(&want)) == 0, "%s: got '%s', want '%s'", c->label, got, ac_buf_str(&want));
    free(got);
    free(m);
    ac_buf_free(&want);
}
END_TEST

/* "Basic base64(user:password)" for user names of every length modulo 3 (every alignment), in
 * standard and url alphabets. */
START_TEST(test_basic_auth_all_alignments)
{
    const char *pw = "Tr0ub4dor&3-horse?battery>>";
    ac_redact_add(pw, strlen(pw));
    const char *users[] = { "ab", "abc", "abcd", "alice", "bobby1", "charlie" };
    for (size_t u = 0; u < sizeof users / sizeof *users; u++) {
        char *cred = ac_sprintf("%s:%s", users[u], pw);
        char *b64 = ac_base64_encode(cred, strlen(cred));
        char *b64u = ac_base64url_encode(cred, strlen(cred));
        char *hdr = ac_sprintf("Authorization: Basic %s\nX-Alt: %s\n", b64, b64u);
        char *out = red(hdr);
        ck_assert_msg(strstr(out, "[redacted:") != NULL, "user %s: not redacted: %s", users[u], out);
        /* The part of the encoding that carries password bits is gone: at most 3 characters of
         * the password region (edge characters mixing in user name bits or padding) survive. */
        size_t lead = strlen(users[u]) + 1;                  /* "user:" */
        size_t start = (8 * lead + 5) / 6;                   /* first character of pure password bits */
        size_t core_len = 8 * (lead + strlen(pw)) / 6 - start;
        char *core = ac_strndup(b64 + start, core_len);
        assert_no_fragment(out, core, 8);
        free(core);
        core = ac_strndup(b64u + start, core_len);
        assert_no_fragment(out, core, 8);
        free(core);
        assert_no_fragment(out, pw, 8);
        free(out);
        free(hdr);
        free(b64);
        free(b64u);
        free(cred);
    }
}
END_TEST

START_TEST(test_base64url_in_token)
{
    const char *secret = "client-secret-4711-abcdef";
    ac_redact_add(secret, strlen(secret));
    char *enc = ac_base64url_encode(secret, strlen(secret));
    char *text = ac_sprintf("token=xyz.%s.sig", enc);
    char *out = red(text);
    ck_assert_ptr_nonnull(strstr(out, "[redacted:"));
    ck_assert_ptr_null(strstr(out, enc));
    assert_no_fragment(out, enc + 1, 10);
    free(out);
    free(text);
    free(enc);
}
END_TEST

/* ---- short secrets ------------------------------------------------------------------------- */

typedef struct short_case {
    const char *value;
    bool redacted;          /* by ac_redact_whole */
} short_case;

static const short_case SHORTS[] = {
    { "abc12", true },          /* the secret itself */
    { "abc123", false },        /* longer */
    { "xabc12", false },
    { "abc1", false },
    { "", false },
};

START_TEST(test_short_only_whole)
{
    ac_redact_add("abc12", 5);
    const short_case *c = &SHORTS[_i];
    char *w = ac_redact_whole(c->value, strlen(c->value));
    char *m = marker_of("abc12");
    if (c->redacted) ck_assert_str_eq(w, m);
    else ck_assert_str_eq(w, c->value);
    free(w);
    free(m);
    /* As a substring a short secret is never touched: it would destroy ordinary text. */
    char *r = red("word abc12 inside a sentence, abc12");
    ck_assert_str_eq(r, "word abc12 inside a sentence, abc12");
    free(r);
}
END_TEST

START_TEST(test_whole_with_long_secret_inside)
{
    ac_redact_add("long-secret-value", 17);
    char *w = ac_redact_whole("Bearer long-secret-value", 24);
    char *m = marker_of("long-secret-value");
    char *want = ac_sprintf("Bearer %s", m);
    ck_assert_str_eq(w, want);
    free(want);
    free(m);
    free(w);
}
END_TEST

START_TEST(test_seven_and_eight_bytes)
{
    ac_redact_add("1234567", 7);
    ac_redact_add("abcdefgh", 8);
    char *r = red("x1234567x xabcdefghx");
    char *m = marker_of("abcdefgh");
    char *want = ac_sprintf("x1234567x x%sx", m);
    ck_assert_str_eq(r, want);
    free(want);
    free(m);
    free(r);
}
END_TEST

/* ---- longest first, overlaps, fragments ------------------------------------------------------ */

START_TEST(test_longest_first)
{
    ac_redact_add("password12345", 13);
    ac_redact_add("password12345678", 16);
    char *r = red("[password12345678] [password12345]");
    char *m_long = marker_of("password12345678"), *m_short = marker_of("password12345");
    char *want = ac_sprintf("[%s] [%s]", m_long, m_short);
    ck_assert_str_eq(r, want);
    free(want);
    free(m_long);
    free(m_short);
    free(r);
    /* A secret inside a longer one, not at its start: one marker, the longer one's. */
    ac_redact_add("INNER-VALUE", 11);
    ac_redact_add("outer-INNER-VALUE-x", 19);
    r = red("<outer-INNER-VALUE-x> <INNER-VALUE>");
    char *m_outer = marker_of("outer-INNER-VALUE-x"), *m_inner = marker_of("INNER-VALUE");
    want = ac_sprintf("<%s> <%s>", m_outer, m_inner);
    ck_assert_str_eq(r, want);
    free(want);
    free(m_outer);
    free(m_inner);
    free(r);
}
END_TEST

START_TEST(test_overlapping_secrets)
{
    /* Two secrets that overlap in the text: neither may leave a fragment behind. */
    const char *a = "alpha-bravo-charlie-1", *b = "charlie-1-delta-echo-foxtrot";
    ac_redact_add(a, strlen(a));
    ac_redact_add(b, strlen(b));
    char *r = red("<<alpha-bravo-charlie-1-delta-echo-foxtrot>>");
    assert_no_fragment(r, a, 6);
    assert_no_fragment(r, b, 6);
    ck_assert(ac_str_startswith(r, "<<[redacted:"));
    ck_assert(ac_str_endswith(r, "]>>"));
    free(r);
}
END_TEST

START_TEST(test_no_fragment_of_long_secret)
{
    const char *s = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";
    ac_redact_add(s, strlen(s));
    char *b64 = ac_base64_encode(s, strlen(s));
    char *url = ac_urlencode(s, strlen(s));
    char *text = ac_sprintf("Authorization: Bearer %s\n{\"access_token\":\"%s\"}\nq=%s\nb=%s\n", s, s, url, b64);
    char *r = red(text);
    assert_no_fragment(r, s, 8);
    assert_no_fragment(r, b64, 12);
    free(r);
    free(text);
    free(url);
    free(b64);
}
END_TEST

/* ---- markers, registry ---------------------------------------------------------------------- */

START_TEST(test_marker)
{
    char *m = ac_redact_marker("hunter2-hunter2", 15);
    char *want = marker_of("hunter2-hunter2");
    ck_assert_str_eq(m, want);
    ck_assert_uint_eq(strlen(m), strlen("[redacted:0000]"));
    free(m);
    free(want);
}
END_TEST

START_TEST(test_empty_and_reset)
{
    ac_redact_add("", 0);
    ac_redact_add(NULL, 3);
    char *r = red("nothing registered here");
    ck_assert_str_eq(r, "nothing registered here");
    free(r);
    ac_redact_add("registered-secret", 17);
    r = red("a registered-secret b");
    ck_assert_ptr_null(strstr(r, "registered-secret"));
    free(r);
    ac_redact_reset();
    r = red("a registered-secret b");
    ck_assert_str_eq(r, "a registered-secret b");
    free(r);
    /* Text containing NUL bytes keeps its length. */
    size_t n = 0;
    char *z = ac_redact("a\0b", 3, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(z, "a\0b", 3), 0);
    free(z);
}
END_TEST

START_TEST(test_secret_keys)
{
    const char *yes[] = { "access_token", "refresh_token", "id_token", "client_secret", "password", "Password",
                          "ACCESS_TOKEN" };
    const char *no[] = { "token_type", "expires_in", "passwords", "secret", "" };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) ck_assert_msg(ac_redact_is_secret_key(yes[i]), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) ck_assert_msg(!ac_redact_is_secret_key(no[i]), "%s", no[i]);
    ck_assert(!ac_redact_is_secret_key(NULL));
}
END_TEST

START_TEST(test_scan_json_any_depth)
{
    const char *doc = "{\"access_token\":\"tok-aaaaaaaaaaaa\",\"data\":{\"list\":[{\"refresh_token\":\"tok-bbbbbbbbbbbb\"},"
                      "{\"deep\":{\"id_token\":\"tok-cccccccccccc\",\"client_secret\":\"tok-dddddddddddd\"}}]},"
                      "\"Password\":\"tok-eeeeeeeeeeee\",\"token_type\":\"Bearer-not-secret\",\"password\":12345678}";
    cJSON *j = cJSON_Parse(doc);
    ck_assert_ptr_nonnull(j);
    ac_redact_scan_json(j);
    cJSON_Delete(j);
    char *r = red("a tok-aaaaaaaaaaaa b tok-bbbbbbbbbbbb c tok-cccccccccccc d tok-dddddddddddd e tok-eeeeeeeeeeee "
                  "Bearer-not-secret 12345678");
    for (char c = 'a'; c <= 'e'; c++) {
        char frag[20];
        snprintf(frag, sizeof frag, "tok-%c%c%c", c, c, c);
        ck_assert_msg(strstr(r, frag) == NULL, "%s remains in %s", frag, r);
    }
    ck_assert_ptr_nonnull(strstr(r, "Bearer-not-secret"));
    ck_assert_ptr_nonnull(strstr(r, "12345678"));   /* numbers are not strings */
    free(r);
}
END_TEST

/* Values derived from a secret by template functions are secrets themselves. */
START_TEST(test_derived_secrets)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_scope_set(&s, "password", "Correct-Horse-9", 15, true, AC_VSRC_CLI);
    const char *tmpls[] = { "${upper(password)}", "${substr(password, 2, 9)}", "${repeat(password, 2)}",
                            "${concat('x', password)}", "${urlencode(concat(password, ' !'))}" };
    for (size_t i = 0; i < sizeof tmpls / sizeof *tmpls; i++) {
        ac_ival v;
        char *err = NULL;
        ck_assert_int_eq(ac_interpolate(&s, tmpls[i], strlen(tmpls[i]), &v, &err), 0);
        ck_assert(v.secret);
        char *text = ac_sprintf("echo: %s :end", v.str);
        char *r = red(text);
        ck_assert_msg(strstr(r, v.str) == NULL, "%s: '%s' remains in '%s'", tmpls[i], v.str, r);
        ck_assert(ac_str_startswith(r, "echo: [redacted:"));
        free(r);
        free(text);
        ac_ival_free(&v);
    }
    ac_scope_free(&s);
}
END_TEST

/* ---- threads -------------------------------------------------------------------------------- */

typedef struct worker { int id; int failures; } worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 200; i++) {
        char *secret = ac_sprintf("thread-%d-secret-%04d-xyz", w->id, i);
        ac_redact_add(secret, strlen(secret));
        char *text = ac_sprintf("before %s after", secret);
        char *r = ac_redact(text, strlen(text), NULL);
        if (strstr(r, secret) || !strstr(r, "[redacted:")) w->failures++;
        /* An earlier secret of another thread may be redacted too, never broken. */
        free(r);
        free(text);
        free(secret);
    }
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ i, 0 };
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    /* Every secret of every thread is registered at the end. */
    char *r = red("thread-0-secret-0000-xyz thread-3-secret-0199-xyz");
    ck_assert_ptr_null(strstr(r, "thread-"));
    free(r);
}
END_TEST

/* Many secrets and a large text: the two-byte index keeps this fast. */
START_TEST(test_many_secrets_large_text)
{
    for (int i = 0; i < 300; i++) {
        char *s = ac_sprintf("tok%05d-%s", i, "abcdefghijklmnopqrstuvwxyz0123456789");
        ac_redact_add(s, strlen(s));
        free(s);
    }
    ac_buf b;
    ac_buf_init(&b);
    while (b.len < 2 * 1024 * 1024) ac_buf_puts(&b, "lorem ipsum dolor sit amet, tok00042-abcdefghijklmnopqrstuvwxyz0123456789 ");
    double t0 = ac_now_ms();
    size_t n;
    char *r = ac_redact(b.data, b.len, &n);
    double ms = ac_now_ms() - t0;
    ck_assert_ptr_null(strstr(r, "tok00042"));
    ck_assert_msg(ms < 5000, "redacting 2 MiB took %.0f ms", ms);
    free(r);
    ac_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("redact");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_forms, 0, (int)(sizeof FORMS / sizeof *FORMS));
    tcase_add_test(tc, test_basic_auth_all_alignments);
    tcase_add_test(tc, test_base64url_in_token);
    tcase_add_loop_test(tc, test_short_only_whole, 0, (int)(sizeof SHORTS / sizeof *SHORTS));
    tcase_add_test(tc, test_whole_with_long_secret_inside);
    tcase_add_test(tc, test_seven_and_eight_bytes);
    tcase_add_test(tc, test_longest_first);
    tcase_add_test(tc, test_overlapping_secrets);
    tcase_add_test(tc, test_no_fragment_of_long_secret);
    tcase_add_test(tc, test_marker);
    tcase_add_test(tc, test_empty_and_reset);
    tcase_add_test(tc, test_secret_keys);
    tcase_add_test(tc, test_scan_json_any_depth);
    tcase_add_test(tc, test_derived_secrets);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_many_secrets_large_text);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
