/* Secrets in the places the leak tests found them: diagnostics that quote a case file's line
 * (literal credentials masked, registered secrets redacted, the caret still under the same
 * text) and fragments of a secret (every run of 20 or more of its bytes is redacted). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "redact.h"
#include "util.h"

static char *print_one_diag(const char *src, int line, int col)
{
    ac_diags d;
    ac_diags_init(&d);
    ac_diag_add(&d, AC_DIAG_ERROR, "f.yaml", line, col, src, strlen(src), "boom");
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ac_diags_print(&d, mem);
    fclose(mem);
    ac_diags_free(&d);
    return out;
}

typedef struct mask_case {
    const char *src;
    const char *at;         /* the error's column: where this text starts in src */
    const char *want_line;  /* the printed source line; the caret must be under `at` in it */
} mask_case;

static const mask_case masks[] = {
    /* flow style, quoted value; a caret after the value moves with it */
    { "h: { Authorization: \"Bearer abcdefghijkl\" }, bogus: 1", "bogus",
      "h: { Authorization: \"[redacted]\" }, bogus: 1" },
    /* block style, plain value up to a comment */
    { "Authorization: Bearer abcdefghijkl  # why", "# why", "Authorization: [redacted]  # why" },
    /* a JSON-style quoted key; a caret inside the value goes to the marker */
    { "{\"client_secret\": \"0123456789abcdef\"}", "89abc", "{\"client_secret\": \"[redacted]\"}" },
    /* templates hold no secret: shown as written */
    { "Authorization: \"Bearer ${jwt_with(t, '{\\\"alg\\\":\\\"none\\\"}', '', '')}\"", "Bearer",
      "Authorization: \"Bearer ${jwt_with(t, '{\\\"alg\\\":\\\"none\\\"}', '', '')}\"" },
    { "form: { client_secret: \"wrong-${random}\", password: short }", "short",
      "form: { client_secret: \"wrong-${random}\", password: short }" },
    /* not a secret key */
    { "my_password_hint: abcdefghijklmnop", "abc", "my_password_hint: abcdefghijklmnop" },
};

START_TEST(literal_values_masked)
{
    const mask_case *c = &masks[_i];
    int col = (int)(strstr(c->src, c->at) - c->src) + 1;
    char *src = ac_sprintf("%s\n", c->src);
    char *out = print_one_diag(src, 1, col);
    const char *want_at = strstr(c->want_line, c->at);
    int want_col = want_at ? (int)(want_at - c->want_line) + 1 : (int)(strstr(c->want_line, "[redacted]") - c->want_line) + 1;
    char *want = ac_sprintf("f.yaml:1:%d: error: boom\n  %s\n  %*s^\n", col, c->want_line, want_col - 1, "");
    ck_assert_str_eq(out, want);
    free(want);
    free(out);
    free(src);
}
END_TEST

/* A long line is cut around the column: the key that marks the value secret may lie before the
 * cut, the value must still be masked. */
START_TEST(masked_before_cutting)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_puts(&b, "headers: { Authorization: \"Bearer ");
    for (int i = 0; i < 300; i++) ac_buf_putc(&b, (char)('a' + i % 26));
    ac_buf_puts(&b, "\" }, bogus: 1\n");
    int col = (int)(strstr(b.data, "bogus") - b.data) + 1;
    char *out = print_one_diag(b.data, 1, col);
    ck_assert_msg(strstr(out, "[redacted]") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "abcdefghij") == NULL, "%s", out);
    ck_assert_msg(strstr(out, "bogus") != NULL, "%s", out);
    free(out);
    ac_buf_free(&b);
}
END_TEST

/* A registered secret quoted by a message or a source line is redacted; the caret follows. */
START_TEST(registered_secret_redacted)
{
    ac_redact_reset();
    const char *pw = "Sup3r secret \"pw\"-0123456789";
    ac_redact_add(pw, strlen(pw));
    char *marker = ac_redact_marker(pw, strlen(pw));
    const char *src = "expect: { bad: \"Sup3r secret \\\"pw\\\"-0123456789\", x: 1 }\n";
    ac_diags d;
    ac_diags_init(&d);
    int col = (int)(strstr(src, "x: 1") - src) + 1;
    ac_diag_add(&d, AC_DIAG_ERROR, "f.yaml", 1, col, src, strlen(src), "got %s", pw);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ac_diags_print(&d, mem);
    fclose(mem);
    ac_diags_free(&d);
    char *want = ac_sprintf("f.yaml:1:%d: error: got %s\n  expect: { bad: \"%s\", x: 1 }\n  %*s^\n", col, marker,
                            marker, (int)(strlen("expect: { bad: \"\", ") + strlen(marker)), "");
    ck_assert_str_eq(out, want);
    free(want);
    free(out);
    free(marker);
    ac_redact_reset();
}
END_TEST

/* DESIGN 6: no fragment of a secret 20 characters or longer may remain. */
START_TEST(fragments_redacted)
{
    ac_redact_reset();
    const char *tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    ac_redact_add(tok, strlen(tok));
    /* a cut token (truncated report), an altered one (a server mangled its middle) */
    char *cut = ac_sprintf("token=%.30s...", tok);
    char *altered = ac_sprintf("[%.25s#%s]", tok, tok + 26);
    const char *texts[] = { cut, altered };
    for (size_t i = 0; i < 2; i++) {
        size_t n = 0;
        char *r = ac_redact(texts[i], strlen(texts[i]), &n);
        for (size_t k = 0; k + 20 <= strlen(tok); k++) {
            char w[21];
            memcpy(w, tok + k, 20);
            w[20] = '\0';
            ck_assert_msg(strstr(r, w) == NULL, "window %zu of the token remains in '%s'", k, r);
        }
        ck_assert_msg(strstr(r, "[redacted:") != NULL, "%s", r);
        free(r);
    }
    /* a short fragment of the token is ordinary text */
    char *r = ac_redact("prefix eyJhbGciOiJIUzI1 suffix", 30, NULL);
    ck_assert_str_eq(r, "prefix eyJhbGciOiJIUzI1 suffix");
    free(r);
    free(cut);
    free(altered);
    ac_redact_reset();
}
END_TEST

/* A very long secret gets no windows (bounded work), but is still found whole. */
START_TEST(long_secret_whole)
{
    ac_redact_reset();
    size_t n = 100000;
    char *big = ac_malloc(n + 1);
    for (size_t i = 0; i < n; i++) big[i] = (char)('a' + (i * 7) % 26);
    big[n] = '\0';
    ac_redact_add(big, n);
    char *text = ac_sprintf("<%s>", big);
    size_t rn = 0;
    char *r = ac_redact(text, strlen(text), &rn);
    ck_assert_msg(rn < 40, "%zu bytes left", rn);
    free(r);
    free(text);
    free(big);
    ac_redact_reset();
}
END_TEST

static Suite *leak_guard_suite(void)
{
    Suite *s = suite_create("leak_guard");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, literal_values_masked, 0, (int)(sizeof masks / sizeof masks[0]));
    tcase_add_test(tc, masked_before_cutting);
    tcase_add_test(tc, registered_secret_redacted);
    tcase_add_test(tc, fragments_redacted);
    tcase_add_test(tc, long_secret_whole);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(leak_guard_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
