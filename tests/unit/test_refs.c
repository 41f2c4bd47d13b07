/* A case's refs (runner/load/refs.c): which forms are recognised and where each links; every ref of
 * both bundled suites resolves (to an entry of its manifest's `references` or to an RFC, CVE or
 * OWASP reference); a ref that does not is a load error naming the closest slug. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_load.h"
#include "diag.h"
#include "refs.h"
#include "util.h"

static ac_ref_doc DOCS[] = {
    { "create-token", "API Reference > Auth > Create Token", "https://docs.example/auth" },
    { "healthcheck", "Test > Healthcheck", NULL },
};

static const struct {
    const char *ref;
    ac_ref_kind kind;
    const char *url;   /* NULL: no link */
} CASES[] = {
    { "RFC 6750 3.1", AC_REF_RFC, "https://www.rfc-editor.org/rfc/rfc6750#section-3.1" },
    { "RFC 6750 3.1 (invalid_token, 401 SHOULD)", AC_REF_RFC,
      "https://www.rfc-editor.org/rfc/rfc6750#section-3.1" },
    { "RFC 6750", AC_REF_RFC, "https://www.rfc-editor.org/rfc/rfc6750" },
    { "RFC 9110 15.5.14", AC_REF_RFC, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14" },
    { "RFC 7009 (revocation)", AC_REF_RFC, "https://www.rfc-editor.org/rfc/rfc7009" },
    { "RFC6750", AC_REF_UNKNOWN, NULL },
    { "RFC x", AC_REF_UNKNOWN, NULL },
    { "CVE-2015-9235", AC_REF_CVE, "https://www.cve.org/CVERecord?id=CVE-2015-9235" },
    { "CVE-15-1", AC_REF_UNKNOWN, NULL },
    { "OWASP ASVS 6.2", AC_REF_OWASP, NULL },
    { "OWASP", AC_REF_UNKNOWN, NULL },
    { "create-token: expires_in", AC_REF_DOC, "https://docs.example/auth" },
    { "create-token", AC_REF_DOC, "https://docs.example/auth" },
    { "healthcheck: no authentication", AC_REF_DOC, NULL },
    { "create-token:expires_in", AC_REF_UNKNOWN, NULL },
    { "create-tokens: 200", AC_REF_UNKNOWN, NULL },
    { "secure-hello", AC_REF_UNKNOWN, NULL },
    { "", AC_REF_UNKNOWN, NULL },
};

START_TEST(test_classify)
{
    const ac_ref_doc *doc = NULL;
    char *url = NULL;
    ac_ref_kind k = ac_ref_classify(CASES[_i].ref, DOCS, 2, &doc, &url);
    ck_assert_msg(k == CASES[_i].kind, "%s: kind %d, expected %d", CASES[_i].ref, k, CASES[_i].kind);
    if (CASES[_i].url) ck_assert_msg(url && !strcmp(url, CASES[_i].url), "%s: url %s", CASES[_i].ref, url);
    else ck_assert_msg(!url, "%s: unexpected url %s", CASES[_i].ref, url);
    ck_assert(k == AC_REF_DOC ? doc != NULL : doc == NULL);
    free(url);
}
END_TEST

START_TEST(test_slug)
{
    ck_assert(ac_ref_slug_valid("create-token"));
    ck_assert(ac_ref_slug_valid("v2.auth_x"));
    ck_assert(!ac_ref_slug_valid("Create"));
    ck_assert(!ac_ref_slug_valid("-x"));
    ck_assert(!ac_ref_slug_valid("a b"));
    ck_assert(!ac_ref_slug_valid(""));
}
END_TEST

/* Both bundled suites declare `references`, so loading them checks every ref of every case. */
START_TEST(test_bundled_refs_resolve)
{
    static const char *const SUITES[] = { "apinizer", "oauth2" };
    char *path = ac_sprintf("%s/../suite/%s.yaml", AC_TESTS_DIR, SUITES[_i]);
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ac_load_opts o = { .manifest_path = path };
    int rc = ac_load_model(&o, &m, &d);
    ck_assert_msg(m.manifest.has_ref_docs, "%s declares no references", path);
    size_t n_refs = 0;
    for (size_t f = 0; f < m.n_files; f++)
        for (size_t t = 0; t < m.files[f].n_tests; t++) {
            const ac_strlist *r = &m.files[f].tests[t].refs;
            for (size_t i = 0; i < r->n; i++, n_refs++)
                ck_assert_msg(ac_ref_classify(r->items[i], m.manifest.ref_docs, m.manifest.n_ref_docs,
                                              NULL, NULL) != AC_REF_UNKNOWN,
                              "%s: ref \"%s\" of %s resolves to nothing", path, r->items[i],
                              m.files[f].tests[t].id);
        }
    ck_assert_msg(rc == 0 && d.n_errors == 0, "%s: %zu load errors", path, d.n_errors);
    ck_assert_msg(n_refs > 20, "%s: only %zu refs seen", path, n_refs);
    ac_model_free(&m);
    ac_diags_free(&d);
    free(path);
}
END_TEST

/* A ref that resolves to nothing is a load error at the ref, with the closest slug. */
START_TEST(test_unresolved_ref_is_an_error)
{
    char dir[] = "/tmp/ac-refs-XXXXXX";
    ck_assert(mkdtemp(dir));
    char *man = ac_sprintf("%s/suite.yaml", dir);
    FILE *f = fopen(man, "w");
    ck_assert(f);
    fputs("name: s\nreferences:\n  create-token: { title: Create Token }\n", f);
    fclose(f);
    const char *cases = "suite: c\ntests:\n  - id: T1\n    name: t\n"
                        "    refs: [\"create-tokn: 200\", \"RFC 6749 5.1\"]\n"
                        "    request: { path: x }\n    expect: { status: 200 }\n";
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ac_load_opts o = { .manifest_path = man };
    int rc = ac_load_model_text(&o, "c.yaml", cases, strlen(cases), &m, &d);
    ck_assert_int_eq(rc, -1);
    ck_assert_uint_eq(d.n_errors, 1);
    const ac_diag *e = &d.items[0];
    const char *text = e->message;
    ck_assert_int_eq(e->line, 5);
    ck_assert_msg(strstr(text, "ref \"create-tokn: 200\" is not in the suite "
                  "manifest's references") && strstr(text, "did you mean 'create-token'?"), "%s", text);
    ac_model_free(&m);
    ac_diags_free(&d);
    remove(man);
    rmdir(dir);
    free(man);
}
END_TEST

static Suite *refs_suite(void)
{
    Suite *s = suite_create("refs");
    TCase *tc = tcase_create("refs");
    tcase_add_loop_test(tc, test_classify, 0, (int)(sizeof CASES / sizeof CASES[0]));
    tcase_add_test(tc, test_slug);
    tcase_add_loop_test(tc, test_bundled_refs_resolve, 0, 2);
    tcase_add_test(tc, test_unresolved_ref_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(refs_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
