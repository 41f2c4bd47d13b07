/* Expectations: every kind (status, headers, json, body, jwt, duration_ms, any_of) and every
 * operator, passing and failing, with the exact check names and messages; typed comparison and
 * the re-typing rule; severity overrides; positions; redaction and capping of shown values;
 * errors of the test; captures; `when` conditions; status matchers. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "expect.h"
#include "redact.h"
#include "util.h"
#include "vars.h"
#include "ynode.h"

/* ---- helpers -------------------------------------------------------------------------------- */

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

/* "Name: value\nName: value" -> headers. */
static ac_response mkresp(long status, const char *headers, const char *body)
{
    ac_response r = { 0 };
    r.status = status;
    r.http_version = ac_strdup("HTTP/1.1");
    r.duration_ms = 120;
    if (headers) {
        ac_strlist lines = { 0 };
        const char *p = headers;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            ac_strlist_push_owned(&lines, ac_strndup(p, n));
            p += n + (nl ? 1 : 0);
        }
        r.headers = ac_calloc(lines.n ? lines.n : 1, sizeof *r.headers);
        for (size_t i = 0; i < lines.n; i++) {
            char *colon = strchr(lines.items[i], ':');
            ck_assert_ptr_nonnull(colon);
            r.headers[i].name = ac_strndup(lines.items[i], (size_t)(colon - lines.items[i]));
            r.headers[i].value = ac_strdup(colon + 2);
        }
        r.n_headers = lines.n;
        ac_strlist_free(&lines);
    }
    r.body = ac_strdup(body ? body : "");
    r.body_len = strlen(r.body);
    return r;
}

static char *make_token(const char *header, const char *claims)
{
    char *h = ac_base64url_encode(header, strlen(header)), *c = ac_base64url_encode(claims, strlen(claims));
    char *t = ac_sprintf("%s.%s.c2lnbmF0dXJl", h, c);
    free(h);
    free(c);
    return t;
}

static void fill_scope(ac_scope *s)
{
    ac_scope_init(s, NULL);
    ac_scope_set(s, "expires_in", "3600", 4, false, AC_VSRC_CAPTURE);
    ac_scope_set(s, "short_life", "3000", 4, false, AC_VSRC_CAPTURE);
    ac_scope_set(s, "t", "true", 4, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "leeway", "5", 1, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "max_wait", "10", 2, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "user", "alice", 5, false, AC_VSRC_CLI);
    ac_scope_set(s, "empty", "", 0, false, AC_VSRC_CLI);
    ac_scope_set(s, "field", "expires_in", 10, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "password", "Sup3r-Secret-Passw0rd", 21, true, AC_VSRC_ENV);
    char *tok = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                           "{\"sub\":\"alice\",\"exp\":1700003600,\"iat\":1700000000,\"scope\":\"read write\"}");
    ac_scope_set(s, "tok", tok, strlen(tok), false, AC_VSRC_CAPTURE);
    free(tok);
}

/* One line per check: "P|F check: message". */
static char *summary(const ac_checks *c)
{
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; i < c->n; i++)
        ac_buf_printf(&b, "%s%c %s: %s", i ? "\n" : "", c->items[i].passed ? 'P' : 'F', c->items[i].check,
                      c->items[i].message);
    return ac_buf_steal(&b);
}

/* ---- table: expectation -> checks ----------------------------------------------------------- */

typedef struct exp_case {
    const char *yaml;       /* the expect map */
    long status;
    const char *headers;
    const char *body;
    const char *want;       /* summary() of the checks */
} exp_case;

static const exp_case CASES[] = {
    /* status */
    { "status: 200", 200, NULL, NULL, "P status: status 200" },
    { "status: 200", 500, NULL, NULL, "F status: status 500, expected 200" },
    { "status: [400, 401]", 401, NULL, NULL, "P status: status 401" },
    { "status: [400, 401]", 500, NULL, NULL, "F status: status 500, expected one of 400, 401" },
    { "status: 4xx", 404, NULL, NULL, "P status: status 404" },
    { "status: 4xx", 500, NULL, NULL, "F status: status 500, expected 4xx" },
    { "status: { in: [400, 401], not_in: [] }", 400, NULL, NULL, "P status: status 400" },
    { "status: { not_in: [200, 5xx] }", 200, NULL, NULL, "F status: status 200, expected none of 200, 5xx" },
    { "status: { not_in: [200, 5xx] }", 503, NULL, NULL, "F status: status 503, expected none of 200, 5xx" },
    { "status: { not_in: [200, 5xx] }", 403, NULL, NULL, "P status: status 403" },
    { "status: { in: [4xx], not_in: [429] }", 429, NULL, NULL, "F status: status 429, expected 4xx and none of 429" },
    { "status: 200", 0, NULL, NULL, "F status: no response, expected status 200" },

    /* headers: names are case-insensitive; a scalar means equals */
    { "headers:\n  content-type: { matches: \"^application/json\" }", 200, "Content-Type: application/json; charset=utf-8", NULL,
      "P header content-type matches: header content-type: \"application/json; charset=utf-8\" matches ^application/json" },
    { "headers:\n  Content-Type: { matches: \"^application/json\" }", 200, "Content-Type: text/html", NULL,
      "F header Content-Type matches: header Content-Type: \"text/html\" does not match ^application/json" },
    { "headers:\n  Pragma: no-cache", 200, "pragma: no-cache", NULL, "P header Pragma equals: header Pragma: \"no-cache\" equals no-cache" },
    { "headers:\n  Pragma: no-cache", 200, "Pragma: No-Cache", NULL, "F header Pragma equals: header Pragma: \"No-Cache\", expected no-cache" },
    { "headers:\n  Pragma: { equals_ci: no-cache }", 200, "Pragma: No-Cache", NULL,
      "P header Pragma equals_ci: header Pragma: \"No-Cache\" equals no-cache (ignoring case)" },
    { "headers:\n  Pragma: { equals_ci: no-cache }", 200, "Pragma: cache", NULL,
      "F header Pragma equals_ci: header Pragma: \"cache\", expected no-cache (ignoring case)" },
    { "headers:\n  Cache-Control: { contains: no-store }", 200, "Cache-Control: private", NULL,
      "F header Cache-Control contains: header Cache-Control: \"private\" does not contain no-store" },
    { "headers:\n  Cache-Control: { contains: no-store }", 200, "Cache-Control: private\nCache-Control: no-store, max-age=0", NULL,
      "P header Cache-Control contains: header Cache-Control: \"no-store, max-age=0\" contains no-store" },
    { "headers:\n  Cache-Control: { contains: no-store }", 200, "Cache-Control: private\nCache-Control: public", NULL,
      "F header Cache-Control contains: header Cache-Control: \"private\" does not contain no-store (and 1 other value)" },
    { "headers:\n  Cache-Control: { contains: no-store }", 200, NULL, NULL,
      "F header Cache-Control contains: header Cache-Control: absent, expected contains no-store" },
    { "headers:\n  Cache-Control: { contains: [no-store, private] }", 200, "Cache-Control: no-store", NULL,
      "F header Cache-Control contains: header Cache-Control: \"no-store\" does not contain private" },
    { "headers:\n  Cache-Control: { not_contains: [public, max-age] }", 200, "Cache-Control: no-store, max-age=5", NULL,
      "F header Cache-Control not_contains: header Cache-Control: \"no-store, max-age=5\" contains max-age" },
    { "headers:\n  WWW-Authenticate: { exists: true }", 401, NULL, NULL,
      "F header WWW-Authenticate exists: header WWW-Authenticate: absent, expected present" },
    { "headers:\n  WWW-Authenticate: { exists: true }", 401, "WWW-Authenticate: Bearer realm=\"x\"", NULL,
      "P header WWW-Authenticate exists: header WWW-Authenticate: present (\"Bearer realm=\\\"x\\\"\")" },
    { "headers:\n  X-Debug: { absent: true }", 200, "X-Debug: 1", NULL,
      "F header X-Debug absent: header X-Debug: present (\"1\"), expected absent" },
    { "headers:\n  X-Debug: { absent: true }", 200, NULL, NULL, "P header X-Debug absent: header X-Debug: absent" },
    { "headers:\n  Server: { not_matches: \"[0-9]+\\\\.[0-9]+\" }", 200, "Server: nginx/1.25", NULL,
      "F header Server not_matches: header Server: \"nginx/1.25\" matches \"[0-9]+\\\\.[0-9]+\"" },
    { "headers:\n  Server: { not_matches: \"[0-9]+\\\\.[0-9]+\" }", 200, "Server: nginx", NULL,
      "P header Server not_matches: header Server: \"nginx\" does not match \"[0-9]+\\\\.[0-9]+\"" },
    { "headers:\n  Server: { not_matches: \"[0-9]\" }", 200, NULL, NULL, "P header Server not_matches: header Server: absent" },
    /* a negative operator must hold for every value of a repeated header */
    { "headers:\n  Server: { not_matches: \"[0-9]\" }", 200, "Server: a\nServer: b2", NULL,
      "F header Server not_matches: header Server: \"b2\" matches \"[0-9]\" (value 2 of 2)" },
    { "headers:\n  Server: { matches_ci: \"^NGINX$\" }", 200, "Server: nginx", NULL,
      "P header Server matches_ci: header Server: \"nginx\" matches ^NGINX$ (ignoring case)" },
    { "headers:\n  Server: { not_matches_ci: \"APACHE\" }", 200, "Server: apache/2", NULL,
      "F header Server not_matches_ci: header Server: \"apache/2\" matches APACHE (ignoring case)" },
    { "headers:\n  Retry-After: { equals: 3, gt: 2, lt: 2 }", 429, "Retry-After: 3", NULL,
      "P header Retry-After equals: header Retry-After: \"3\" equals 3\n"
      "P header Retry-After gt: header Retry-After: \"3\" > 2\n"
      "F header Retry-After lt: header Retry-After: \"3\" is not < 2" },
    { "headers:\n  Retry-After: { gt: 2 }", 429, "Retry-After: soon", NULL,
      "F header Retry-After gt: header Retry-After: \"soon\" is not a number" },
    { "headers:\n  X-Mode: { in: [a, b], not_in: [c] }", 200, "X-Mode: c", NULL,
      "F header X-Mode in: header X-Mode: \"c\" not in [a, b]\nF header X-Mode not_in: header X-Mode: \"c\" is in c" },
    { "headers:\n  X-Id: { type: string, length: 3, not_equals: abc }", 200, "X-Id: abc", NULL,
      "P header X-Id type: header X-Id: \"abc\" is string\nP header X-Id length: header X-Id length: 3 equals 3\n"
      "F header X-Id not_equals: header X-Id: \"abc\", expected anything but abc" },

    /* json */
    { "json:\n  $.error: { in: [unauthorized_client, invalid_token] }", 400, NULL, "{\"error\":\"invalid_grant\"}",
      "F json $.error in: json $.error: \"invalid_grant\" not in [unauthorized_client, invalid_token]" },
    { "json:\n  $.error: { in: [unauthorized_client, invalid_grant] }", 400, NULL, "{\"error\":\"invalid_grant\"}",
      "P json $.error in: json $.error: \"invalid_grant\" in [unauthorized_client, invalid_grant]" },
    { "json:\n  $.error: { not_in: [a, invalid_grant] }", 400, NULL, "{\"error\":\"invalid_grant\"}",
      "F json $.error not_in: json $.error: \"invalid_grant\" is in invalid_grant" },
    { "json:\n  $.token_type: Bearer", 200, NULL, "{\"token_type\":\"bearer\"}",
      "F json $.token_type equals: json $.token_type: \"bearer\", expected Bearer" },
    { "json:\n  $.token_type: { equals_ci: Bearer }", 200, NULL, "{\"token_type\":\"bearer\"}",
      "P json $.token_type equals_ci: json $.token_type: \"bearer\" equals Bearer (ignoring case)" },
    { "json:\n  $.expires_in: { type: integer, gt: 0 }", 200, NULL, "{\"expires_in\":3600}",
      "P json $.expires_in type: json $.expires_in: 3600 is integer\nP json $.expires_in gt: json $.expires_in: 3600 > 0" },
    { "json:\n  $.expires_in: { type: integer }", 200, NULL, "{\"expires_in\":3600.5}",
      "F json $.expires_in type: json $.expires_in: 3600.5 is a number, expected integer" },
    { "json:\n  $.expires_in: { type: integer }", 200, NULL, "{\"expires_in\":\"3600\"}",
      "F json $.expires_in type: json $.expires_in: \"3600\" is a string, expected integer" },
    { "json:\n  $.n: { type: number }", 200, NULL, "{\"n\":3}", "P json $.n type: json $.n: 3 is number" },
    { "json:\n  $.n: { type: [string, \"null\"] }", 200, NULL, "{\"n\":null}", "P json $.n type: json $.n: null is [string, \"null\"]" },
    { "json:\n  $.n: { type: [string, boolean] }", 200, NULL, "{\"n\":{}}",
      "F json $.n type: json $.n: {} is an object, expected [string, boolean]" },
    { "json:\n  $.a: { type: array }\n  $: { type: object }", 200, NULL, "{\"a\":[]}",
      "P json $.a type: json $.a: [] is array\nP json $ type: json $: {\"a\":[]} is object" },
    /* numbers compare numerically; strings never equal numbers */
    { "json:\n  $.n: 3", 200, NULL, "{\"n\":3.0}", "P json $.n equals: json $.n: 3 equals 3" },
    { "json:\n  $.n: 3.0", 200, NULL, "{\"n\":3}", "P json $.n equals: json $.n: 3 equals 3" },
    { "json:\n  $.n: \"3\"", 200, NULL, "{\"n\":3}", "F json $.n equals: json $.n: 3, expected \"3\"" },
    { "json:\n  $.n: 3", 200, NULL, "{\"n\":\"3\"}", "F json $.n equals: json $.n: \"3\", expected 3" },
    { "json:\n  $.ok: true", 200, NULL, "{\"ok\":\"true\"}", "F json $.ok equals: json $.ok: \"true\", expected true" },
    { "json:\n  $.scope: null", 200, NULL, "{\"scope\":null}", "P json $.scope equals: json $.scope: null equals null" },
    { "json:\n  $.s: yes", 200, NULL, "{\"s\":\"yes\"}", "P json $.s equals: json $.s: \"yes\" equals yes" },
    /* the re-typing rule: an unquoted single ${...} is typed after interpolation, a quoted one is a string */
    { "json:\n  $.expires_in:\n    equals: ${expires_in}", 200, NULL, "{\"expires_in\":3600}",
      "P json $.expires_in equals: json $.expires_in: 3600 equals 3600" },
    { "json:\n  $.expires_in:\n    equals: \"${expires_in}\"", 200, NULL, "{\"expires_in\":3600}",
      "F json $.expires_in equals: json $.expires_in: 3600, expected \"3600\"" },
    { "json:\n  $.expires_in:\n    equals: '${expires_in}'", 200, NULL, "{\"expires_in\":\"3600\"}",
      "P json $.expires_in equals: json $.expires_in: \"3600\" equals \"3600\"" },
    { "json:\n  $.ok:\n    equals: ${t}", 200, NULL, "{\"ok\":true}", "P json $.ok equals: json $.ok: true equals true" },
    { "json:\n  $.ok:\n    equals: \"${t}\"", 200, NULL, "{\"ok\":true}", "F json $.ok equals: json $.ok: true, expected \"true\"" },
    { "json:\n  $.e:\n    equals: ${empty}", 200, NULL, "{\"e\":null}", "P json $.e equals: json $.e: null equals null" },
    { "json:\n  $.m:\n    equals: x${expires_in}", 200, NULL, "{\"m\":\"x3600\"}", "P json $.m equals: json $.m: \"x3600\" equals x3600" },
    { "json:\n  $.m:\n    in:\n      - 1\n      - ${expires_in}", 200, NULL, "{\"m\":3600}", "P json $.m in: json $.m: 3600 in [1, 3600]" },
    { "json:\n  $.m:\n    equals: $${expires_in}", 200, NULL, "{\"m\":\"${expires_in}\"}",
      "P json $.m equals: json $.m: \"${expires_in}\" equals \"${expires_in}\"" },
    /* structures */
    { "json:\n  $.o: { equals: { a: 1, b: [1, two] } }", 200, NULL, "{\"o\":{\"b\":[1.0,\"two\"],\"a\":1}}",
      "P json $.o equals: json $.o: {\"b\":[1,\"two\"],\"a\":1} equals {a: 1, b: [1, two]}" },
    { "json:\n  $.o: { equals: { a: 1, b: [1, two] } }", 200, NULL, "{\"o\":{\"b\":[\"two\",1],\"a\":1}}",
      "F json $.o equals: json $.o: {\"b\":[\"two\",1],\"a\":1}, expected {a: 1, b: [1, two]}" },
    { "json:\n  $.o: { equals: { a: 1 } }", 200, NULL, "{\"o\":{\"a\":1,\"c\":2}}",
      "F json $.o equals: json $.o: {\"a\":1,\"c\":2}, expected {a: 1}" },
    { "json:\n  $.o: { not_equals: [] }", 200, NULL, "{\"o\":[]}", "F json $.o not_equals: json $.o: [], expected anything but []" },
    /* length */
    { "json:\n  $.access_token: { type: string, length: { gt: 0 } }", 200, NULL, "{\"access_token\":\"\"}",
      "P json $.access_token type: json $.access_token: \"\" is string\n"
      "F json $.access_token length gt: json $.access_token length: 0 is not > 0" },
    { "json:\n  $.list: { length: 2 }", 200, NULL, "{\"list\":[1,2,3]}", "F json $.list length: json $.list length: 3, expected 2" },
    { "json:\n  $.obj: { length: { ge: 1, le: 1 } }", 200, NULL, "{\"obj\":{\"k\":1}}",
      "P json $.obj length ge: json $.obj length: 1 >= 1\nP json $.obj length le: json $.obj length: 1 <= 1" },
    { "json:\n  $.n: { length: 1 }", 200, NULL, "{\"n\":5}", "F json $.n length: json $.n: 5 has no length" },
    { "json:\n  $.u: { length: 2 }", 200, NULL, "{\"u\":\"\xc3\xa9\"}", "P json $.u length: json $.u length: 2 equals 2" },
    /* exists / absent */
    { "json:\n  $.error: { exists: true }", 200, NULL, "{}", "F json $.error exists: json $.error: no value, expected present" },
    { "json:\n  $.error: { exists: true }", 400, NULL, "{\"error\":\"x\"}", "P json $.error exists: json $.error: present (\"x\")" },
    { "json:\n  $.refresh_token: { absent: true }", 200, NULL, "{\"refresh_token\":null}",
      "F json $.refresh_token absent: json $.refresh_token: present (null), expected absent" },
    { "json:\n  $.refresh_token: { absent: true }", 200, NULL, "{}", "P json $.refresh_token absent: json $.refresh_token: no value" },
    /* comparisons; numeric strings are converted */
    { "json:\n  $.s: { gt: 5, ge: 10, lt: 10.5, le: 9 }", 200, NULL, "{\"s\":\"10\"}",
      "P json $.s gt: json $.s: \"10\" > 5\nP json $.s ge: json $.s: \"10\" >= 10\nP json $.s lt: json $.s: \"10\" < 10.5\n"
      "F json $.s le: json $.s: \"10\" is not <= 9" },
    { "json:\n  $.s: { gt: 5 }", 200, NULL, "{\"s\":\"abc\"}", "F json $.s gt: json $.s: \"abc\" is not a number" },
    { "json:\n  $.s: { gt: 5 }", 200, NULL, "{\"s\":true}", "F json $.s gt: json $.s: true is not a number" },
    { "json:\n  $.s: { gt: abc }", 200, NULL, "{\"s\":1}", "F json $.s gt: json $.s: expected value abc is not a number" },
    { "json:\n  $.s:\n    le: \"${max_wait}\"", 200, NULL, "{\"s\":11}", "F json $.s le: json $.s: 11 is not <= 10" },
    /* contains / not_contains: substring of strings, element of arrays, key of objects */
    { "json:\n  $.scopes: { contains: [read, write] }", 200, NULL, "{\"scopes\":[\"read\"]}",
      "F json $.scopes contains: json $.scopes: [\"read\"] does not contain write" },
    { "json:\n  $.scopes: { contains: read, not_contains: admin }", 200, NULL, "{\"scopes\":[\"read\",\"admin\"]}",
      "P json $.scopes contains: json $.scopes: [\"read\",\"admin\"] contains read\n"
      "F json $.scopes not_contains: json $.scopes: [\"read\",\"admin\"] contains admin" },
    { "json:\n  $.ids: { contains: 2 }", 200, NULL, "{\"ids\":[1,2.0]}", "P json $.ids contains: json $.ids: [1,2] contains 2" },
    { "json:\n  $.msg: { contains: token, not_contains: [Exception, \"at com.\"] }", 401, NULL,
      "{\"msg\":\"bad token at com.x\"}",
      "P json $.msg contains: json $.msg: \"bad token at com.x\" contains token\n"
      "F json $.msg not_contains: json $.msg: \"bad token at com.x\" contains at com." },
    { "json:\n  $.o: { contains: k }", 200, NULL, "{\"o\":{\"k\":0}}", "P json $.o contains: json $.o: {\"k\":0} contains k" },
    { "json:\n  $.n: { matches: \"^36\" }", 200, NULL, "{\"n\":3600}", "P json $.n matches: json $.n: 3600 matches ^36" },
    { "json:\n  $.s: { matches_ci: \"^abc\", not_matches: \"x\" }", 200, NULL, "{\"s\":\"ABCx\"}",
      "P json $.s matches_ci: json $.s: \"ABCx\" matches ^abc (ignoring case)\n"
      "F json $.s not_matches: json $.s: \"ABCx\" matches x" },
    { "json:\n  $.a: { not_equals: 2, not_in: [3, abd], not_contains: z, not_matches_ci: \"^X\", equals_ci: ABC }", 200,
      NULL, "{\"a\":\"abc\"}",
      "P json $.a not_equals: json $.a: \"abc\" is not 2\n"
      "P json $.a not_in: json $.a: \"abc\" not in [3, abd]\n"
      "P json $.a not_contains: json $.a: \"abc\" does not contain z\n"
      "P json $.a not_matches_ci: json $.a: \"abc\" does not match ^X (ignoring case)\n"
      "P json $.a equals_ci: json $.a: \"abc\" equals ABC (ignoring case)" },
    { "json:\n  $.n: { ge: 5, lt: 4 }", 200, NULL, "{\"n\":4}",
      "F json $.n ge: json $.n: 4 is not >= 5\nF json $.n lt: json $.n: 4 is not < 4" },
    { "json:\n  $.s: { matches_ci: \"^b\" }", 200, NULL, "{\"s\":\"A\"}",
      "F json $.s matches_ci: json $.s: \"A\" does not match ^b (ignoring case)" },
    /* a list of operator maps: several checks on one value, each with its own severity */
    { "headers:\n  Cache-Control:\n    - { contains: no-store }\n    - { contains: private, severity: info }", 200,
      "Cache-Control: no-store", NULL,
      "P header Cache-Control contains: header Cache-Control: \"no-store\" contains no-store\n"
      "F header Cache-Control contains: header Cache-Control: \"no-store\" does not contain private" },
    /* several values: every one must hold */
    { "json:\n  $.list[*].id: { type: integer }", 200, NULL, "{\"list\":[{\"id\":1},{\"id\":\"x\"}]}",
      "F json $.list[*].id type: json $.list[*].id: \"x\" is a string, expected integer (value 2 of 2)" },
    { "json:\n  $..id: { gt: 0 }", 200, NULL, "{\"list\":[{\"id\":1},{\"id\":2}]}",
      "P json $..id gt: json $..id: 1 > 0 (all 2 values)" },
    /* no value */
    { "json:\n  $.missing: 1", 200, NULL, "{}", "F json $.missing equals: json $.missing: no value, expected equals 1" },
    { "json:\n  $.missing: { not_equals: 1, not_contains: x }", 200, NULL, "{}",
      "P json $.missing not_equals: json $.missing: no value\nP json $.missing not_contains: json $.missing: no value" },
    /* a body that is not JSON fails every json check */
    { "json:\n  $.a: 1\n  $.b: { absent: true }", 200, NULL, "<html>",
      "F json $.a equals: json $.a: body is not JSON\nP json $.b absent: json $.b: body is not JSON" },
    { "json:\n  $.a: 1", 200, NULL, "", "F json $.a equals: json $.a: body is not JSON" },
    { "json:\n  $.a: 1", 200, NULL, "{\"a\":1} trailing", "F json $.a equals: json $.a: body is not JSON" },

    /* body */
    { "body: { equals: OK }", 200, NULL, "OK", "P body equals: body: \"OK\" equals OK" },
    { "body: OK", 200, NULL, "OK\n", "F body equals: body: \"OK\\n\", expected OK" },
    { "body: { contains: Hello, not_contains: [Exception, \"at com.\"], matches: \"^Hello \", not_matches: \"sql\" }", 200, NULL,
      "Hello world at com.foo",
      "P body contains: body: \"Hello world at com.foo\" contains Hello\n"
      "F body not_contains: body: \"Hello world at com.foo\" contains at com.\n"
      "P body matches: body: \"Hello world at com.foo\" matches \"^Hello \"\n"
      "P body not_matches: body: \"Hello world at com.foo\" does not match sql" },
    { "body: { not_matches_ci: \"sql\" }", 500, NULL, "SQLException", "F body not_matches_ci: body: \"SQLException\" matches sql (ignoring case)" },
    { "body: { equals: { a: 1 } }", 200, NULL, "{\"a\": 1.0}", "P body equals: body: \"{\\\"a\\\": 1.0}\" equals {a: 1}" },
    { "body: { length: { lt: 3 } }", 200, NULL, "abcd", "F body length lt: body length: 4 is not < 3" },
    { "body: { equals: \"\" }", 204, NULL, "", "P body equals: body: \"\" equals \"\"" },

    /* duration_ms: a number means le */
    { "duration_ms: 100", 200, NULL, NULL, "F duration_ms le: duration_ms: 120 is not <= 100" },
    { "duration_ms: { lt: 2000, gt: 0 }", 200, NULL, NULL, "P duration_ms lt: duration_ms: 120 < 2000\nP duration_ms gt: duration_ms: 120 > 0" },

    /* jwt */
    { "jwt:\n"
      "  from: \"${tok}\"\n"
      "  header: { alg: { equals: HS256 }, $.typ: JWT, kid: { absent: true } }\n"
      "  claims:\n"
      "    exp: { type: integer }\n"
      "    sub: alice\n"
      "    iat: { ge: 1699999000, le: 1700000500 }\n"
      "    scope: { contains: write }\n"
      "    aud: { exists: true }\n"
      "  assert:\n"
      "    - { expr: \"exp - iat\", equals: \"${expires_in}\", tolerance: 5 }\n"
      "    - { expr: \"exp - iat\", equals: \"${short_life}\", tolerance: 5 }\n"
      "    - { expr: \"exp - now\", gt: 0, le: 3600 }\n"
      "    - { expr: \"exp-iat+10 - 10\", equals: 3600 }\n"
      "    - { expr: \"nbf - iat\", ge: 0 }\n",
      200, NULL, NULL,
      "P jwt: jwt from ${tok}: a JWT with alg HS256\n"
      "P jwt header alg equals: jwt header alg: \"HS256\" equals HS256\n"
      "P jwt header $.typ equals: jwt header $.typ: \"JWT\" equals JWT\n"
      "P jwt header kid absent: jwt header kid: absent\n"
      "P jwt claims exp type: jwt claims exp: 1700003600 is integer\n"
      "P jwt claims sub equals: jwt claims sub: \"alice\" equals alice\n"
      "P jwt claims iat ge: jwt claims iat: 1700000000 >= 1699999000\n"
      "P jwt claims iat le: jwt claims iat: 1700000000 <= 1700000500\n"
      "P jwt claims scope contains: jwt claims scope: \"read write\" contains write\n"
      "F jwt claims aud exists: jwt claims aud: absent, expected present\n"
      "P jwt assert exp - iat equals: jwt assert exp - iat: 3600 is within 3600 ± 5\n"
      "F jwt assert exp - iat equals: jwt assert exp - iat: 3600, expected 3000 ± 5\n"
      "P jwt assert exp - now gt: jwt assert exp - now: 3600 > 0\n"
      "P jwt assert exp - now le: jwt assert exp - now: 3600 <= 3600\n"
      "P jwt assert exp-iat+10 - 10 equals: jwt assert exp-iat+10 - 10: 3600 equals 3600\n"
      "F jwt assert nbf - iat ge: jwt assert nbf - iat: claim 'nbf' is absent" },
    { "jwt:\n  from: \"${user}\"\n  claims: { sub: alice }", 200, NULL, NULL,
      "F jwt: jwt from ${user}: not a JWT: expected 3 segments separated by '.', found 1" },
    { "jwt:\n  json: $.access_token\n  claims: { sub: bob }", 200, NULL,
      "{\"access_token\":\"eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.\"}",
      "P jwt: jwt at json $.access_token: a JWT with alg none\nP jwt claims sub equals: jwt claims sub: \"bob\" equals bob" },
    { "jwt:\n  json: $.access_token", 200, NULL, "{}", "F jwt: jwt at json $.access_token: no value at $.access_token" },
    { "jwt:\n  json: $.access_token", 200, NULL, "{\"access_token\":5}",
      "F jwt: jwt at json $.access_token: the value at $.access_token is not a string" },
    { "jwt:\n  json: $.access_token", 200, NULL, "nope", "F jwt: jwt at json $.access_token: body is not JSON" },

    /* values: checks on computed template values, read as text like `when` values */
    { "values:\n  - { value: \"${user}\", equals: alice, length: 5 }\n  - { value: \"${add(expires_in, 1)}\", gt: 3600, type: integer }\n"
      "  - { value: \"${empty}\", equals: x }", 200, NULL, NULL,
      "P value ${user} equals: value ${user}: \"alice\" equals alice\n"
      "P value ${user} length: value ${user} length: 5 equals 5\n"
      "P value ${add(expires_in, 1)} gt: value ${add(expires_in, 1)}: \"3601\" > 3600\n"
      "P value ${add(expires_in, 1)} type: value ${add(expires_in, 1)}: \"3601\" is integer\n"
      "F value ${empty} equals: value ${empty}: \"\", expected x" },
    /* keys judged elsewhere yield no check */
    { "status: 4xx\nconnection_closed_ok: true", 400, NULL, NULL, "P status: status 400" },

    /* any_of: one check */
    { "any_of:\n  - { status: 200 }\n  - { status: 401, json: { $.error: { type: string } } }", 401, NULL, "{\"error\":\"x\"}",
      "P any_of: any_of: block 2 of 2 held" },
    { "any_of:\n  - { status: 200 }\n  - { status: 401, json: { $.error: { type: string } } }", 500, NULL, "{}",
      "F any_of: any_of: no block held: (1) status 500, expected 200; (2) status 500, expected 401" },
    { "any_of:\n  - { status: 200 }\n  - { status: 401, json: { $.error: { type: string } } }", 401, NULL, "{}",
      "F any_of: any_of: no block held: (1) status 401, expected 200; (2) json $.error: no value, expected type string" },
    { "status: 200\nany_of:\n  - { body: a }\n  - { body: b }", 200, NULL, "a",
      "P status: status 200\nP any_of: any_of: block 1 of 2 held" },
};

START_TEST(test_cases)
{
    const exp_case *c = &CASES[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(c->status, c->headers, c->body);
    ac_eval_ctx ctx = { .scope = &s, .profile = "documented", .default_sev = AC_SEV_MUST, .now = 1700000000 };
    ac_checks out = { 0 };
    char *err = NULL;
    ck_assert_msg(ac_expect_eval(doc->root, &r, &ctx, &out, &err) == 0, "%s: %s", c->yaml, err ? err : "");
    char *got = summary(&out);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d\n%s\n--- got:\n%s\n--- want:\n%s", _i, c->yaml, got, c->want);
    for (size_t i = 0; i < out.n; i++) {
        ck_assert_int_eq(out.items[i].severity, strstr(c->yaml, "severity: info") ? out.items[i].severity : AC_SEV_MUST);
        ck_assert_str_eq(out.items[i].file, "t.yaml");
        ck_assert(out.items[i].line >= 1 && out.items[i].col >= 1);
        ck_assert_ptr_nonnull(out.items[i].expected);
        ck_assert_ptr_nonnull(out.items[i].actual);
    }
    free(got);
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

/* ---- expected / actual texts and positions ----------------------------------------------------- */

typedef struct field_case {
    const char *yaml;
    long status;
    const char *headers;
    const char *body;
    const char *expected, *actual;
    int line, col;
} field_case;

static const field_case FIELDS[] = {
    { "status: [400, 401]", 500, NULL, NULL, "one of 400, 401", "500", 1, 1 },
    { "status: { not_in: [200, 5xx] }", 200, NULL, NULL, "none of 200, 5xx", "200", 1, 1 },
    { "json:\n  $.error:\n    in: [unauthorized_client, invalid_token]", 400, NULL, "{\"error\":\"invalid_grant\"}",
      "[unauthorized_client, invalid_token]", "\"invalid_grant\"", 3, 5 },
    { "json:\n  $.ids[*]: { gt: 5 }", 200, NULL, "{\"ids\":[1,\"b\"]}", "5", "[1, \"b\"]", 2, 15 },
    { "json:\n  $.x: 1", 200, NULL, "{}", "1", "(absent)", 2, 3 },
    { "headers:\n  Cache-Control: { contains: no-store }", 200, "Cache-Control: private\nCache-Control: public", NULL,
      "no-store", "private\npublic", 2, 20 },
    { "headers:\n  X-Debug: { absent: true }", 200, "X-Debug: on", NULL, "absent", "on", 2, 14 },
    { "body: { equals: \"a: b\" }", 200, NULL, "x", "\"a: b\"", "x", 1, 9 },
    { "json:\n  $.a: { equals: \"\" }", 200, NULL, "{\"a\":\" x\"}", "\"\"", "\" x\"", 2, 10 },
    { "json:\n  $.a: { equals: \"null\" }", 200, NULL, "{\"a\":null}", "\"null\"", "null", 2, 10 },
    { "duration_ms: 100", 200, NULL, NULL, "100", "120", 1, 1 },
    { "any_of:\n  - { status: 200 }\n  - { status: 201 }", 500, NULL, NULL, "one of 2 blocks holds",
      "block 1: status 500, expected 200\nblock 2: status 500, expected 201", 1, 1 },
    { "jwt:\n  from: nope", 200, NULL, NULL, "a JWT", "nope", 1, 1 },
};

START_TEST(test_fields)
{
    const field_case *c = &FIELDS[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(c->status, c->headers, c->body);
    ac_eval_ctx ctx = { .scope = &s, .profile = "documented", .default_sev = AC_SEV_MUST, .now = 1700000000 };
    ac_checks out = { 0 };
    char *err = NULL;
    ck_assert_int_eq(ac_expect_eval(doc->root, &r, &ctx, &out, &err), 0);
    ck_assert_uint_ge(out.n, 1);
    const ac_check *k = &out.items[0];
    ck_assert_str_eq(k->expected, c->expected);
    ck_assert_str_eq(k->actual, c->actual);
    ck_assert_msg(k->line == c->line && k->col == c->col, "%s: at %d:%d, want %d:%d", c->yaml, k->line, k->col,
                  c->line, c->col);
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

/* ---- severity ------------------------------------------------------------------------------- */

typedef struct sev_case {
    const char *yaml;
    const char *profile;
    ac_severity dflt;
    const char *want;     /* one letter per check: m, s, i */
} sev_case;

static const sev_case SEVS[] = {
    { "status: 200", "documented", AC_SEV_MUST, "m" },
    { "status: 200", "documented", AC_SEV_INFO, "i" },
    { "status: { in: [200], severity: should }", "documented", AC_SEV_MUST, "s" },
    { "headers:\n  Cache-Control: { contains: no-store, severity: { documented: should, rfc: must } }\n  Pragma: no-cache",
      "documented", AC_SEV_MUST, "sm" },
    { "headers:\n  Cache-Control: { contains: no-store, severity: { documented: should, rfc: must } }", "rfc",
      AC_SEV_INFO, "m" },
    { "headers:\n  Cache-Control: { contains: no-store, severity: { rfc: must } }", "documented", AC_SEV_SHOULD, "s" },
    { "headers:\n  Cache-Control: { contains: no-store, severity: { rfc: must, default: info } }", "documented",
      AC_SEV_MUST, "i" },
    { "json:\n  $.a: { equals: 1, length: { gt: 0, severity: info }, severity: should }", "documented", AC_SEV_MUST,
      "si" },
    { "body: { contains: x, severity: info }\nduration_ms: { lt: 10, severity: should }", "documented", AC_SEV_MUST,
      "is" },
    { "jwt:\n  from: \"${tok}\"\n  severity: should\n  claims: { sub: alice, exp: { type: integer, severity: info } }\n"
      "  assert:\n    - { expr: exp - iat, gt: 0 }\n    - { expr: exp - iat, gt: 0, severity: must }",
      "documented", AC_SEV_MUST, "ssism" },
    { "severity: info\nstatus: 200\nbody: { equals: x, severity: must }", "documented", AC_SEV_SHOULD, "im" },
    { "json:\n  $.a:\n    - { equals: 1 }\n    - { type: integer, severity: info }\n    - { gt: 0, severity: { rfc: should } }",
      "rfc", AC_SEV_MUST, "mis" },
};

START_TEST(test_severity)
{
    const sev_case *c = &SEVS[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(200, NULL, "x");
    ac_eval_ctx ctx = { .scope = &s, .profile = c->profile, .default_sev = c->dflt, .now = 1700000000 };
    ac_checks out = { 0 };
    char *err = NULL;
    ck_assert_int_eq(ac_expect_eval(doc->root, &r, &ctx, &out, &err), 0);
    char got[32] = { 0 };
    for (size_t i = 0; i < out.n && i < sizeof got - 1; i++) got[i] = "msi"[out.items[i].severity];
    ck_assert_msg(strcmp(got, c->want) == 0, "%s (%s): got %s, want %s", c->yaml, c->profile, got, c->want);
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

/* ---- redaction and capping ------------------------------------------------------------------ */

START_TEST(test_redacted_and_capped)
{
    ac_redact_reset();
    ac_scope s;
    fill_scope(&s);   /* registers the password */
    ac_buf big;
    ac_buf_init(&big);
    ac_buf_puts(&big, "{\"msg\":\"");
    for (int i = 0; i < 100; i++) ac_buf_puts(&big, "blah ");
    ac_buf_puts(&big, "Sup3r-Secret-Passw0rd");
    for (int i = 0; i < 100; i++) ac_buf_puts(&big, " blah");
    ac_buf_puts(&big, "\",\"access_token\":\"issued-token-0123456789\"}");
    yn_doc *doc = parse("body: { equals: x }\njson:\n  $.access_token: { equals: \"${password}\" }\n  $.msg: { length: 3 }");
    ac_response r = mkresp(200, NULL, big.data);
    ac_eval_ctx ctx = { .scope = &s, .profile = "documented", .default_sev = AC_SEV_MUST };
    ac_checks out = { 0 };
    char *err = NULL;
    ck_assert_int_eq(ac_expect_eval(doc->root, &r, &ctx, &out, &err), 0);
    ck_assert_uint_eq(out.n, 3);
    for (size_t i = 0; i < out.n; i++) {
        const ac_check *k = &out.items[i];
        const char *fields[] = { k->check, k->expected, k->actual, k->message };
        for (int f = 0; f < 4; f++) {
            ck_assert_msg(strstr(fields[f], "Sup3r-Secret") == NULL, "secret in %s", fields[f]);
            ck_assert_msg(strstr(fields[f], "issued-token") == NULL, "issued token in %s", fields[f]);
            ck_assert_msg(strstr(fields[f], "Passw0rd") == NULL, "fragment in %s", fields[f]);
        }
        ck_assert_uint_le(strlen(k->actual), 512 + 3);
        ck_assert_uint_le(strlen(k->message), 512 + 3);
        ck_assert(strchr(k->message, '\n') == NULL);
    }
    /* the body's actual is cut, and the issued token (registered from the JSON) is a marker */
    ck_assert(ac_str_endswith(out.items[0].actual, "..."));
    ck_assert_ptr_nonnull(strstr(out.items[1].actual, "[redacted:"));
    ck_assert_ptr_nonnull(strstr(out.items[1].expected, "[redacted:"));
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
    ac_buf_free(&big);
    ac_redact_reset();
}
END_TEST

/* ---- errors of the test ----------------------------------------------------------------------- */

typedef struct err_case {
    const char *yaml;
    const char *err;     /* prefix */
} err_case;

static const err_case ERRS[] = {
    { "json:\n  $.a:\n    equals: \"${nope}\"", "t.yaml:3:5: json $.a equals: undefined variable 'nope'" },
    { "body: { matches: \"(\" }", "t.yaml:1:9: body matches: invalid regular expression '(': " },
    { "json:\n  \"$.a[\": 1", "t.yaml:2:3: json path: JSON path '$.a[': expected a quoted name" },
    { "jwt:\n  from: \"${nope}\"", "t.yaml:2:9: jwt from: undefined variable 'nope'" },
    { "jwt:\n  from: \"${tok}\"\n  assert:\n    - { expr: \"exp * 2\", gt: 0 }",
      "t.yaml:4:15: jwt assert exp * 2: expression 'exp * 2': expected + or - at column 5" },
    { "any_of:\n  - { status: 200 }\n  - { body: { equals: \"${nope}\" } }", "t.yaml:3:15: body equals: undefined variable 'nope'" },
    { "headers:\n  X: { bogus: 1 }", "t.yaml:2:8: header X bogus: unknown operator 'bogus'" },
};

START_TEST(test_errors)
{
    const err_case *c = &ERRS[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(200, NULL, "{\"a\":1}");
    ac_eval_ctx ctx = { .scope = &s, .profile = "documented", .default_sev = AC_SEV_MUST };
    ac_checks out = { 0 };
    char *err = NULL;
    ck_assert_int_eq(ac_expect_eval(doc->root, &r, &ctx, &out, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(ac_str_startswith(err, c->err), "got '%s', want prefix '%s'", err, c->err);
    free(err);
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

/* ---- a response whose body never arrived whole ---------------------------------------------- */

/* A 431 whose status line and headers arrived, then a reset: status and headers are judged; a
 * check or capture that needs the body is an error naming the cause (err NULL: no error). */
typedef struct cut_case { const char *yaml; bool capture; const char *err; size_t n_checks; bool passed; } cut_case;

#define CUT "the connection was closed after the headers (curl: Recv failure: Connection reset by peer); the body cannot be judged"
static const cut_case CUTS[] = {
    { "status: [400, 413, 431]", false, NULL, 1, true },
    { "status: 200", false, NULL, 1, false },
    { "headers: { Content-Type: { contains: json } }", false, NULL, 1, true },
    { "status: [400, 413, 431]\njson: { \"$.error\": { exists: true } }", false, "t.yaml:2:1: json: " CUT, 0, false },
    { "body: { contains: error }", false, "t.yaml:1:1: body: " CUT, 0, false },
    { "jwt: { json: $.access_token }", false, "t.yaml:1:1: jwt: " CUT, 0, false },
    { "duration_ms: 1000", false, "t.yaml:1:1: duration_ms: " CUT, 0, false },
    { "values:\n  - { value: \"${response_body}\", contains: x }", false, "t.yaml:1:1: values: " CUT, 0, false },
    { "values:\n  - { value: \"${user}\", equals: alice }", false, NULL, 1, true },
    { "any_of:\n  - { status: 431 }\n  - { json: { $.a: 1 } }", false, "t.yaml:3:7: json: " CUT, 0, false },
    { "err: { json: $.error }", true, "capture err: " CUT, 0, false },
    { "err: { body: \"e(.*)\", optional: true }", true, "capture err: " CUT, 0, false },
    { "ct: { header: Content-Type }", true, NULL, 0, true },
};

START_TEST(test_body_incomplete)
{
    const cut_case *c = &CUTS[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(431, "Content-Type: application/json", "{\"error\":\"x\"}");
    r.body_incomplete = ac_strdup("Recv failure: Connection reset by peer");
    ck_assert_ptr_null(ac_response_json(&r));   /* a complete-looking prefix is still not judged */
    ac_eval_ctx ctx = { .scope = &s, .profile = "documented", .default_sev = AC_SEV_MUST };
    ac_checks out = { 0 };
    char *err = NULL;
    int rc = c->capture ? ac_capture_eval(doc->root, &r, &s, &s, &err) : ac_expect_eval(doc->root, &r, &ctx, &out, &err);
    if (c->err) {
        ck_assert_int_eq(rc, -1);
        ck_assert_msg(err && strcmp(err, c->err) == 0, "got '%s', want '%s'", err, c->err);
    } else {
        ck_assert_msg(rc == 0, "unexpected error: %s", err);
        ck_assert_uint_eq(out.n, c->n_checks);
        for (size_t i = 0; i < out.n; i++) ck_assert(out.items[i].passed == c->passed);
    }
    free(err);
    ac_checks_free(&out);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

/* ---- captures ------------------------------------------------------------------------------- */

START_TEST(test_captures)
{
    ac_redact_reset();
    ac_scope s;
    fill_scope(&s);
    ac_scope into;
    ac_scope_init(&into, &s);
    yn_doc *doc = parse("tok: { json: $.access_token, secret: true }\n"
                        "auto: $.refresh_token\n"
                        "exp: $.expires_in\n"
                        "exp2: { json: \"$.${field}\" }\n"
                        "obj: $.obj\n"
                        "ok: $.ok\n"
                        "loc: { header: location }\n"
                        "code: { body: \"code=([a-z0-9]+)\" }\n"
                        "whole: { body: \"z{2}[0-9]{2}\" }\n"
                        "kind: { header: X-Kind, secret: false }\n"
                        "opt1: { json: $.nothing, optional: true }\n"
                        "opt2: { header: X-None, optional: true }\n"
                        "opt3: { body: \"nomatch[0-9]\", optional: true }\n"
                        "opt4: { json: $.ok, optional: true }\n");
    ac_response r = mkresp(200, "Location: https://x/cb?code=abc123\nX-Kind: a\nX-Kind: b",
                           "{\"access_token\":\"at-0123456789\",\"refresh_token\":\"rt-0123456789\",\"expires_in\":3600,"
                           "\"obj\":{\"a\":[1,true]},\"ok\":false,\"note\":\"code=zz99 year 2024\"}");
    char *err = NULL;
    ck_assert_msg(ac_capture_eval(doc->root, &r, &into, &into, &err) == 0, "%s", err ? err : "");
    static const struct { const char *name, *value; bool secret; } W[] = {
        { "tok", "at-0123456789", true }, { "auto", "rt-0123456789", true }, { "exp", "3600", false },
        { "exp2", "3600", false }, { "obj", "{\"a\":[1,true]}", false }, { "ok", "false", false },
        { "loc", "https://x/cb?code=abc123", false }, { "code", "zz99", false }, { "whole", "zz99", false },
        { "kind", "a", false }, { "opt4", "false", false },
    };
    for (size_t i = 0; i < sizeof W / sizeof *W; i++) {
        const ac_var *v = ac_scope_get(&into, W[i].name);
        ck_assert_msg(v != NULL, "%s not captured", W[i].name);
        ck_assert_msg(strcmp(v->value, W[i].value) == 0, "%s = %s, want %s", W[i].name, v->value, W[i].value);
        ck_assert_msg(v->secret == W[i].secret, "%s secret %d", W[i].name, v->secret);
        ck_assert_int_eq(v->source, AC_VSRC_CAPTURE);
    }
    ck_assert_ptr_null(ac_scope_get(&s, "exp2"));   /* captures land in `into` only */
    /* optional captures that find nothing leave the variable unset */
    ck_assert_ptr_null(ac_scope_get(&into, "opt1"));
    ck_assert_ptr_null(ac_scope_get(&into, "opt2"));
    ck_assert_ptr_null(ac_scope_get(&into, "opt3"));
    char *red = ac_redact("at-0123456789", 13, NULL);
    ck_assert_ptr_null(strstr(red, "at-0123456789"));
    free(red);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&into);
    ac_scope_free(&s);
    ac_redact_reset();
}
END_TEST

static const err_case CAPTURE_ERRS[] = {
    { "x: $.missing", "capture x: no value at $.missing" },
    { "x: { header: Location }", "capture x: no header Location" },
    { "x: { body: \"code=([0-9]+)\" }", "capture x: body does not match code=([0-9]+)" },
    { "x: { body: \"(\" }", "capture x: invalid regular expression '(': " },
    { "x: { json: \"$.${nope}\" }", "capture x: undefined variable 'nope'" },
    { "x: \"$.a[\"", "capture x: JSON path '$.a[': expected" },
    { "ok: $.a\nx: $.b", "capture x: no value at $.b" },
    { "x: { json: \"$.a[\", optional: true }", "capture x: JSON path '$.a[': expected" },
    { "x: { body: \"(\", optional: true }", "capture x: invalid regular expression '(': " },
};

START_TEST(test_capture_errors)
{
    const err_case *c = &CAPTURE_ERRS[_i];
    ac_scope into;
    ac_scope_init(&into, NULL);
    yn_doc *doc = parse(c->yaml);
    ac_response r = mkresp(200, NULL, "{\"a\":1}");
    char *err = NULL;
    ck_assert_int_eq(ac_capture_eval(doc->root, &r, &into, NULL, &err), -1);
    ck_assert_msg(err && ac_str_startswith(err, c->err), "got '%s', want prefix '%s'", err, c->err);
    free(err);
    ac_response_free(&r);
    /* a body that is not JSON */
    r = mkresp(200, NULL, "plain");
    yn_doc *d2 = parse("x: $.a");
    ck_assert_int_eq(ac_capture_eval(d2->root, &r, &into, NULL, &err), -1);
    ck_assert_str_eq(err, "capture x: body is not JSON");
    free(err);
    yn_doc_free(d2);
    ac_response_free(&r);
    yn_doc_free(doc);
    ac_scope_free(&into);
}
END_TEST

/* ---- conditions ------------------------------------------------------------------------------ */

typedef struct cond_case {
    const char *yaml;
    bool holds;
    const char *reason;   /* when it does not hold */
} cond_case;

static const cond_case CONDS[] = {
    { "{ value: \"${is_jwt(tok)}\", equals: true }", true, NULL },
    { "{ value: \"${is_jwt(user)}\", equals: true }", false, "is_jwt(user) (false), expected true" },
    { "{ value: \"${add(expires_in, leeway)}\", le: \"${max_wait}\" }", false,
      "add(expires_in, leeway) (3605) is not <= max_wait (10)" },
    { "{ value: \"${expires_in}\", gt: 100 }", true, NULL },
    { "{ value: \"${expires_in}\", equals: \"3600\" }", true, NULL },
    { "{ value: \"${expires_in}\", equals: 3600.0 }", true, NULL },
    { "{ value: \"${expires_in}\", type: integer }", true, NULL },
    { "{ value: \"${user}\", type: integer }", false, "user (alice) is a string, expected integer" },
    { "{ value: \"${t}\", type: boolean }", true, NULL },
    { "{ value: \"${user}\", in: [bob, carol] }", false, "user (alice) not in [bob, carol]" },
    { "{ value: \"${user}\", not_in: [bob, carol], matches: \"^a\", not_matches: \"z\", contains: lic }", true, NULL },
    { "{ value: \"${user}\", matches_ci: \"^ALI\" }", true, NULL },
    { "{ value: \"${user}\", equals_ci: ALICE }", true, NULL },
    { "{ value: \"x-${user}\", equals: x-bob }", false, "x-${user} (x-alice), expected x-bob" },
    { "{ value: \"${user}\", length: { gt: 3, lt: 5 } }", false, "length of user (alice) is 5, < 5 is false" },
    { "{ value: \"${user}\", length: 5 }", true, NULL },
    { "{ value: \"${empty}\", exists: true }", false, "empty () is not set" },
    { "{ value: \"${user}\", absent: true }", false, "user (alice) is set" },
    { "[ { value: \"${user}\", equals: alice }, { value: \"${expires_in}\", lt: 10 } ]", false,
      "expires_in (3600) is not < 10" },
    { "[ { value: \"${user}\", equals: alice }, { value: \"${expires_in}\", gt: 10 } ]", true, NULL },
    { "{ value: \"${password}\", equals: guess }", false, NULL },   /* reason checked for redaction below */
};

START_TEST(test_conditions)
{
    const cond_case *c = &CONDS[_i];
    ac_scope s;
    fill_scope(&s);
    yn_doc *doc = parse(c->yaml);
    bool holds = !c->holds;
    char *reason = NULL, *err = NULL;
    ck_assert_msg(ac_cond_eval(doc->root, &s, &holds, &reason, &err) == 0, "%s: %s", c->yaml, err ? err : "");
    ck_assert_msg(holds == c->holds, "%s: holds %d", c->yaml, holds);
    if (c->holds) ck_assert_ptr_null(reason);
    else {
        ck_assert_ptr_nonnull(reason);
        if (c->reason) ck_assert_msg(strcmp(reason, c->reason) == 0, "%s: got '%s', want '%s'", c->yaml, reason, c->reason);
        else ck_assert_msg(strstr(reason, "Sup3r") == NULL && strstr(reason, "[redacted:"), "%s", reason);
    }
    free(reason);
    yn_doc_free(doc);
    ac_scope_free(&s);
}
END_TEST

START_TEST(test_condition_errors)
{
    ac_scope s;
    fill_scope(&s);
    static const err_case T[] = {
        { "{ value: \"${nope}\", equals: 1 }", "undefined variable 'nope'" },
        { "{ equals: 1 }", "when: a condition needs a value" },
        { "{ value: x, frobs: 1 }", "when: unknown operator 'frobs'" },
        { "[ 1 ]", "when: a condition is a map with value and operators" },
        { "{ value: x, equals: \"${nope}\" }", "undefined variable 'nope'" },
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        yn_doc *doc = parse(T[i].yaml);
        bool holds;
        char *reason = NULL, *err = NULL;
        ck_assert_int_eq(ac_cond_eval(doc->root, &s, &holds, &reason, &err), -1);
        ck_assert_msg(err && strcmp(err, T[i].err) == 0, "%s: got '%s'", T[i].yaml, err ? err : "(null)");
        free(err);
        free(reason);
        yn_doc_free(doc);
    }
    /* no condition at all holds */
    bool holds = false;
    char *reason = NULL, *err = NULL;
    ck_assert_int_eq(ac_cond_eval(NULL, &s, &holds, &reason, &err), 0);
    ck_assert(holds);
    ac_scope_free(&s);
}
END_TEST

/* ---- status matchers ---------------------------------------------------------------------------- */

typedef struct status_case {
    const char *yaml;
    long status;
    bool match;
} status_case;

static const status_case STATUS[] = {
    { "200", 200, true }, { "200", 201, false }, { "\"200\"", 200, true }, { "4xx", 404, true }, { "4xx", 400, true },
    { "4xx", 499, true }, { "4xx", 500, false }, { "5XX", 503, true }, { "[200, 4xx]", 401, true },
    { "[200, 4xx]", 302, false }, { "[]", 200, false }, { "{ in: [4xx], not_in: [429] }", 429, false },
    { "{ in: [4xx], not_in: [429] }", 404, true }, { "{ not_in: [200, 5xx] }", 302, true },
    { "{ not_in: [200, 5xx] }", 500, false }, { "{ in: [400, 401] }", 401, true }, { "{ in: 401 }", 401, true },
    { "abc", 200, false }, { "6xx", 600, false },
};

START_TEST(test_status_matches)
{
    const status_case *c = &STATUS[_i];
    yn_doc *doc = parse(c->yaml);
    ck_assert_msg(ac_status_matches(doc->root, c->status) == c->match, "%s vs %ld", c->yaml, c->status);
    yn_doc_free(doc);
    ck_assert(!ac_status_matches(NULL, 200));
}
END_TEST

/* ---- responses ------------------------------------------------------------------------------- */

START_TEST(test_response_helpers)
{
    ac_redact_reset();
    ac_response r = mkresp(200, "Set-Cookie: a=1\nX: y\nset-cookie: b=2", "{\"id_token\":\"idt-0123456789\"}");
    const char *vals[4];
    ck_assert_uint_eq(ac_response_header_values(&r, "SET-COOKIE", vals, 4), 2);
    ck_assert_str_eq(vals[0], "a=1");
    ck_assert_str_eq(vals[1], "b=2");
    ck_assert_uint_eq(ac_response_header_values(&r, "set-cookie", vals, 1), 1);
    ck_assert_uint_eq(ac_response_header_values(&r, "nope", vals, 4), 0);
    const cJSON *j = ac_response_json(&r);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_eq(ac_response_json(&r), j);   /* parsed once */
    char *red = ac_redact("idt-0123456789", 14, NULL);
    ck_assert_ptr_null(strstr(red, "idt-"));     /* the issued token became a secret */
    free(red);
    ac_response_free(&r);
    ck_assert_ptr_null(r.body);
    ac_response_free(&r);
    ac_response_free(NULL);

    r = mkresp(200, NULL, "not json");
    ck_assert_ptr_null(ac_response_json(&r));
    ac_response_free(&r);
    ac_checks_free(NULL);
    ac_redact_reset();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("expect");
    TCase *tc = tcase_create("expect");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof CASES / sizeof *CASES));
    tcase_add_loop_test(tc, test_fields, 0, (int)(sizeof FIELDS / sizeof *FIELDS));
    tcase_add_loop_test(tc, test_severity, 0, (int)(sizeof SEVS / sizeof *SEVS));
    tcase_add_test(tc, test_redacted_and_capped);
    tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof ERRS / sizeof *ERRS));
    tcase_add_loop_test(tc, test_body_incomplete, 0, (int)(sizeof CUTS / sizeof *CUTS));
    tcase_add_test(tc, test_captures);
    tcase_add_loop_test(tc, test_capture_errors, 0, (int)(sizeof CAPTURE_ERRS / sizeof *CAPTURE_ERRS));
    tcase_add_loop_test(tc, test_conditions, 0, (int)(sizeof CONDS / sizeof *CONDS));
    tcase_add_test(tc, test_condition_errors);
    tcase_add_loop_test(tc, test_status_matches, 0, (int)(sizeof STATUS / sizeof *STATUS));
    tcase_add_test(tc, test_response_helpers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
