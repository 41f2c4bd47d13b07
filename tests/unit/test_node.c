/* Nodes (runner/http/node.h): parsing NAME=ADDR and how a request is pinned to a node, the
 * CONNECT_TO entry or the rewritten URL, and which requests are not pinned at all. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

static const struct {
    const char *spec;
    bool ok;
    const char *name, *host, *url;
    long port;
} PARSE[] = {
    { "a=10.0.0.5:8080", true, "a", "10.0.0.5", NULL, 8080 },
    { "zone-1.b_2=api.internal", true, "zone-1.b_2", "api.internal", NULL, 0 },
    { "v6=[fd00::17]:8443", true, "v6", "fd00::17", NULL, 8443 },
    { "v6=[::1]", true, "v6", "::1", NULL, 0 },
    { "pf=http://127.0.0.1:18080/apiops", true, "pf", NULL, "http://127.0.0.1:18080/apiops", 0 },
    { "pf=HTTPS://node-1.example", true, "pf", NULL, "HTTPS://node-1.example", 0 },
    { "a=", false, NULL, NULL, NULL, 0 },
    { "=10.0.0.5:80", false, NULL, NULL, NULL, 0 },
    { "a b=10.0.0.5:80", false, NULL, NULL, NULL, 0 },
    { "a:b=10.0.0.5:80", false, NULL, NULL, NULL, 0 },
    { "a=10.0.0.5:0", false, NULL, NULL, NULL, 0 },
    { "a=10.0.0.5:65536", false, NULL, NULL, NULL, 0 },
    { "a=10.0.0.5:80x", false, NULL, NULL, NULL, 0 },
    { "a=10.0.0.5:", false, NULL, NULL, NULL, 0 },
    { "a=fd00::17:80", false, NULL, NULL, NULL, 0 },   /* IPv6 needs brackets */
    { "a=[fd00::17", false, NULL, NULL, NULL, 0 },
    { "a=ftp://10.0.0.5/", false, NULL, NULL, NULL, 0 },
    { "a=http://", false, NULL, NULL, NULL, 0 },
    { "a=user@10.0.0.5:80", false, NULL, NULL, NULL, 0 },
    { "a=user:Secret-2@10.0.0.5:80", false, NULL, NULL, NULL, 0 },
    { "a=http://user:Secret-1@10.0.0.5/", false, NULL, NULL, NULL, 0 },
    { "no-equals-sign", false, NULL, NULL, NULL, 0 },
};

START_TEST(test_parse)
{
    ac_node n;
    char *err = NULL;
    int rc = ac_node_parse(PARSE[_i].spec, &n, &err);
    if (!PARSE[_i].ok) {
        ck_assert_msg(rc < 0, "%s accepted", PARSE[_i].spec);
        ck_assert_ptr_nonnull(err);
        if (strchr(PARSE[_i].spec, '@'))   /* a password is never quoted back */
            ck_assert_msg(strstr(err, "Secret") == NULL && strstr(err, "user") == NULL &&
                          strstr(err, "credentials"), "%s", err);
        else
            ck_assert_msg(strstr(err, PARSE[_i].spec) != NULL, "the error quotes the spec: %s", err);
        free(err);
        return;
    }
    ck_assert_msg(rc == 0, "%s: %s", PARSE[_i].spec, err ? err : "?");
    ck_assert_str_eq(n.name, PARSE[_i].name);
    if (PARSE[_i].host) ck_assert_str_eq(n.host, PARSE[_i].host);
    else ck_assert_ptr_null(n.host);
    if (PARSE[_i].url) ck_assert_str_eq(n.url, PARSE[_i].url);
    else ck_assert_ptr_null(n.url);
    ck_assert_int_eq(n.port, PARSE[_i].port);
    ck_assert_str_eq(n.addr, strchr(PARSE[_i].spec, '=') + 1);
    ac_node_free(&n);
}
END_TEST

static const struct {
    const char *node, *target, *url;
    const char *connect_to, *new_url;   /* both NULL: not pinned */
} ROUTE[] = {
    /* HOST:PORT: the connection moves, the URL stays (and with it Host and SNI). */
    { "a=10.0.0.5:8080", "https://api.example.com/apiops", "https://api.example.com/apiops/auth/token",
      "api.example.com:443:10.0.0.5:8080", NULL },
    { "a=10.0.0.5", "http://api.example.com:8080/apiops", "http://api.example.com:8080/apiops/x",
      "api.example.com:8080:10.0.0.5:8080", NULL },
    { "a=[fd00::17]:8443", "https://API.example.com/apiops", "https://api.example.com/apiops/x",
      "api.example.com:443:[fd00::17]:8443", NULL },
    { "a=10.0.0.5:80", "http://[::1]:8080/apiops", "http://[::1]:8080/apiops/x", "[::1]:8080:10.0.0.5:80", NULL },
    /* Another host (a separate issuer) or another port is not the deployment's: not pinned. */
    { "a=10.0.0.5:8080", "https://api.example.com/apiops", "https://login.example.com/token", NULL, NULL },
    { "a=10.0.0.5:8080", "https://api.example.com/apiops", "https://api.example.com:8443/apiops/x", NULL, NULL },
    /* NAME=URL: scheme, host and port become the node's; a path replaces the target's base. */
    { "pf=http://127.0.0.1:18080/apiops", "https://api.example.com/apiops",
      "https://api.example.com/apiops/auth/token?x=1", NULL, "http://127.0.0.1:18080/apiops/auth/token?x=1" },
    { "pf=http://127.0.0.1:18080/internal/", "https://api.example.com/apiops", "https://api.example.com/apiops/x",
      NULL, "http://127.0.0.1:18080/internal/x" },
    { "pf=http://127.0.0.1:18080", "https://api.example.com/apiops", "https://api.example.com/apiops/x", NULL,
      "http://127.0.0.1:18080/apiops/x" },
    { "pf=https://node-1.internal", "http://api.example.com:8080/apiops", "http://api.example.com:8080/apiops/x",
      NULL, "https://node-1.internal/apiops/x" },
    { "pf=http://127.0.0.1:18080/apiops", "https://api.example.com/apiops", "https://other.example.com/apiops/x",
      NULL, NULL },
};

START_TEST(test_route)
{
    ac_node n;
    char *err = NULL, *url = NULL, *ct = NULL;
    bool pinned = true;
    ck_assert_int_eq(ac_node_parse(ROUTE[_i].node, &n, &err), 0);
    ck_assert_msg(ac_node_route(&n, ROUTE[_i].target, ROUTE[_i].url, &url, &ct, &pinned, &err) == 0, "%s",
                  err ? err : "?");
    bool want_pinned = ROUTE[_i].connect_to || ROUTE[_i].new_url;
    ck_assert_msg(pinned == want_pinned, "%s: pinned %d", ROUTE[_i].url, pinned);
    if (ROUTE[_i].connect_to) ck_assert_str_eq(ct, ROUTE[_i].connect_to);
    else ck_assert_ptr_null(ct);
    if (ROUTE[_i].new_url) ck_assert_str_eq(url, ROUTE[_i].new_url);
    else ck_assert_ptr_null(url);
    free(url);
    free(ct);
    ac_node_free(&n);
}
END_TEST

START_TEST(test_list)
{
    size_t n = 0;
    char **items = ac_nodes_split(" a=10.0.0.5:80, b=10.0.0.6:80\tc=http://127.0.0.1:1 ,,", &n);
    ck_assert_int_eq(n, 3);
    ac_node *nodes = NULL;
    size_t nn = 0;
    char *err = NULL;
    ck_assert_int_eq(ac_nodes_parse((const char *const *)items, n, &nodes, &nn, &err), 0);
    ck_assert_int_eq(nn, 3);
    ck_assert_ptr_nonnull(ac_nodes_find(nodes, nn, "c"));
    ck_assert_ptr_null(ac_nodes_find(nodes, nn, "d"));
    ac_nodes_free(nodes, nn);
    for (size_t i = 0; i < n; i++) free(items[i]);
    free(items);
    const char *dup[] = { "a=10.0.0.5:80", "a=10.0.0.6:80" };
    ck_assert_int_eq(ac_nodes_parse(dup, 2, &nodes, &nn, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "given twice"));
    ck_assert_ptr_null(nodes);
    free(err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("node");
    TCase *tc = tcase_create("node");
    tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof PARSE / sizeof *PARSE));
    tcase_add_loop_test(tc, test_route, 0, (int)(sizeof ROUTE / sizeof *ROUTE));
    tcase_add_test(tc, test_list);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
