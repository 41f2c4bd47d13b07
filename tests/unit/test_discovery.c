/* discovery.h: where metadata is looked for (RFC 8414 3 inserts, OpenID appends), which issuer a
 * metadata URL implies, and which URLs may carry the client secret. The fetching itself is
 * proven against the refserver (proof.oauth2) and glewlwyd (realserver). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"

typedef struct cand_case {
    const char *given;
    const char *first, *second;   /* second NULL: tried alone */
    const char *issuer;
} cand_case;

static const cand_case cands[] = {
    { "https://as.example", "https://as.example/.well-known/oauth-authorization-server",
      "https://as.example/.well-known/openid-configuration", "https://as.example" },
    /* RFC 8414 3: inserted between the host and the path */
    { "https://as.example/tenant/a", "https://as.example/.well-known/oauth-authorization-server/tenant/a",
      "https://as.example/tenant/a/.well-known/openid-configuration", "https://as.example/tenant/a" },
    /* a trailing slash is not part of the issuer to insert before */
    { "https://as.example/t/", "https://as.example/.well-known/oauth-authorization-server/t",
      "https://as.example/t/.well-known/openid-configuration", "https://as.example/t" },
    { "http://127.0.0.1:8080/api/oidc", "http://127.0.0.1:8080/.well-known/oauth-authorization-server/api/oidc",
      "http://127.0.0.1:8080/api/oidc/.well-known/openid-configuration", "http://127.0.0.1:8080/api/oidc" },
    /* a metadata document's own URL: tried alone, the issuer derived from it */
    { "https://as.example/.well-known/oauth-authorization-server/t",
      "https://as.example/.well-known/oauth-authorization-server/t", NULL, "https://as.example/t" },
    { "https://as.example/t/.well-known/openid-configuration",
      "https://as.example/t/.well-known/openid-configuration", NULL, "https://as.example/t" },
};

START_TEST(candidates)
{
    const cand_case *c = &cands[_i];
    ac_strlist urls = { 0 };
    char *issuer = NULL;
    ac_disc_candidates(c->given, &urls, &issuer);
    ck_assert_uint_eq(urls.n, c->second ? 2 : 1);
    ck_assert_str_eq(urls.items[0], c->first);
    if (c->second) ck_assert_str_eq(urls.items[1], c->second);
    ck_assert_str_eq(issuer, c->issuer);
    free(issuer);
    ac_strlist_free(&urls);
}
END_TEST

typedef struct sec_case { const char *url; int secure; const char *host; } sec_case;

static const sec_case secs[] = {
    { "https://as.example/token", 1, "as.example" },
    { "HTTPS://AS.Example:8443/token", 1, "as.example" },
    { "http://as.example/token", 0, "as.example" },        /* plain http off loopback */
    { "http://127.0.0.1:9/token", 1, "127.0.0.1" },
    { "http://localhost/token", 1, "localhost" },
    { "http://[::1]:80/token", 1, "::1" },
    { "http://user:pw@evil.example/token", 0, "evil.example" },   /* user info is not the host */
    { "https://127.0.0.1.evil.example/", 1, "127.0.0.1.evil.example" },
    { "ftp://as.example/", 0, "as.example" },
    { "/relative/token", 0, NULL },
};

START_TEST(security)
{
    const sec_case *c = &secs[_i];
    ck_assert_int_eq(ac_disc_url_secure(c->url), c->secure);
    char *h = ac_disc_url_host(c->url);
    if (c->host) ck_assert_str_eq(h, c->host);
    else ck_assert_ptr_null(h);
    free(h);
}
END_TEST

/* A loopback-looking name under another domain is not loopback: http stays refused there. */
START_TEST(loopback_lookalike)
{
    ck_assert(!ac_disc_url_secure("http://127.0.0.1.evil.example/token"));
    ck_assert(!ac_disc_url_secure("http://localhost.evil.example/token"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("discovery");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, candidates, 0, (int)(sizeof cands / sizeof cands[0]));
    tcase_add_loop_test(tc, security, 0, (int)(sizeof secs / sizeof secs[0]));
    tcase_add_test(tc, loopback_lookalike);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
