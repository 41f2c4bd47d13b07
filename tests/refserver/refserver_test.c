/* refserver_test: integration tests of authconform-refserver over real HTTP. Usage:
 * refserver_test SERVER_BINARY GROUP; prints TAP; exits 0 when every test of the group passed. */
#include "accounts.h"
#include "harness.h"
#include "probes.h"
#include "probes_oauth2.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define A_TOKEN_FORM "grant_type=client_credentials&client_id=alice&client_secret=secret"
#define BAD_CREDS "{\"error\":\"unauthorized_client\",\"error_description\":\"Bad credentials\"}"

/* Expect status for GET path with auth. */
static void expect_get(const struct srv *s, const char *path, const char *auth, long status,
                       const char *what)
{
  struct resp r;
  get_with_auth(&r, s, path, auth);
  is_long(r.status, status, "%s", what);
  resp_free(&r);
}

static char *bearer(const char *fmt, const char *token)
{
  char *out = malloc(strlen(fmt) + strlen(token) + 1);
  if (out)
    sprintf(out, fmt, token);
  return out;
}

/* ---------------------------------------------------------------------------------------- */

static void group_cli(void)
{
  char *out = NULL;
  const char *help[] = {"--help", NULL};
  is_long(run_binary(help, NULL, &out), 0, "--help exits 0");
  ok(contains(out, "--deviate") && contains(out, "--flavor") && contains(out, "admin revoke"),
     "--help documents --deviate, --flavor and the admin client");
  free(out);
  const char *version[] = {"--version", NULL};
  is_long(run_binary(version, NULL, &out), 0, "--version exits 0");
  ok(contains(out, "authconform-refserver "), "--version names the program");
  free(out);
  const char *bogus[] = {"--bogus", NULL};
  is_long(run_binary(bogus, NULL, &out), 2, "an unknown option exits 2");
  free(out);
  const char *dev[] = {"--deviate", "no-such-deviation", NULL};
  is_long(run_binary(dev, NULL, &out), 2, "an unknown deviation exits 2");
  free(out);
  const char *flavor[] = {"--flavor", "strict", NULL};
  is_long(run_binary(flavor, NULL, &out), 2, "an unknown flavor exits 2");
  free(out);
  const char *cert[] = {"--cert", "/nonexistent.pem", NULL};
  is_long(run_binary(cert, NULL, &out), 2, "--cert without --key exits 2");
  free(out);
  const char *user[] = {"--user", "nopassword", NULL};
  is_long(run_binary(user, NULL, &out), 2, "--user without a password exits 2");
  free(out);
  const char *life[] = {"--user", "a:b:0", NULL};
  is_long(run_binary(life, NULL, &out), 2, "--user with lifetime 0 exits 2");
  free(out);

  const char *list[] = {"--list-deviations", NULL};
  is_long(run_binary(list, NULL, &out), 0, "--list-deviations exits 0");
  int lines = 0, well_formed = 0;
  char names[256][64];
  bool unique = true;
  for (char *line = out ? strtok(out, "\n") : NULL; line; line = strtok(NULL, "\n")) {
    char name[64], check[64], profile[32];
    int desc = 0;
    if (sscanf(line, "%63[^\t]\t%63[^\t]\t%31[^\t]\t%n", name, check, profile, &desc) == 3 &&
        desc > 0 && line[desc] &&
        (!strcmp(profile, "documented") || !strcmp(profile, "rfc") ||
         !strcmp(profile, "oauth2")) &&
        strspn(check, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(check)) {
      well_formed++;
      for (int i = 0; i < lines && i < 256; i++)
        unique = unique && strcmp(names[i], name) != 0;
      if (lines < 256)
        snprintf(names[lines], sizeof names[lines], "%s", name);
    } else {
      diag("malformed line: %s", line);
    }
    lines++;
  }
  ok(lines >= 30, "--list-deviations lists at least 30 deviations (%d)", lines);
  is_long(well_formed, lines,
          "every line is NAME<TAB>CHECK<TAB>documented|rfc|oauth2<TAB>description");
  ok(unique, "deviation names are unique");
  free(out);
}

static void group_issuance(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--user", "shorty:pw:7", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  struct resp r;
  token_request(&r, &s, A_TOKEN_FORM);
  is_long(r.status, 200, "valid credentials get 200");
  char *v = resp_header(&r, "Content-Type");
  is_str(v, "application/json;charset=UTF-8", "token response is JSON");
  free(v);
  v = resp_header(&r, "Cache-Control");
  ok(contains(v, "no-store"), "Cache-Control: no-store");
  free(v);
  v = resp_header(&r, "Pragma");
  is_str(v, "no-cache", "Pragma: no-cache");
  free(v);
  ok(resp_header_count(&r, "Server") == 0, "no Server banner");
  cJSON *j = cJSON_Parse(r.body);
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "token_type");
  const cJSON *exp_in = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
  is_str(cJSON_IsString(type) ? type->valuestring : NULL, "Bearer", "token_type is Bearer");
  ok(cJSON_IsNumber(exp_in) && exp_in->valuedouble == 3600, "expires_in is the number 3600");
  char *token = cJSON_IsString(at) ? strdup(at->valuestring) : NULL;
  cJSON_Delete(j);
  resp_free(&r);
  if (!ok(token != NULL, "access_token is a string")) {
    srv_stop(&s);
    return;
  }
  const char *d1 = strchr(token, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  ok(d2 && !strchr(d2 + 1, '.') && strlen(d2 + 1) == 43, "the token is a JWT with 3 segments");
  char *header = d1 ? t_b64url_decode(token, (size_t)(d1 - token)) : NULL;
  is_str(header, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "JWT header");
  free(header);
  char *payload = jwt_payload(token);
  j = cJSON_Parse(payload ? payload : "");
  const cJSON *sub = cJSON_GetObjectItemCaseSensitive(j, "sub");
  const cJSON *jti = cJSON_GetObjectItemCaseSensitive(j, "jti");
  const cJSON *roles = cJSON_GetObjectItemCaseSensitive(j, "roles");
  is_str(cJSON_IsString(sub) ? sub->valuestring : NULL, "alice", "sub is the username");
  long long iat = claim_num(token, "iat"), exp = claim_num(token, "exp");
  is_long((long)(exp - iat), 3600, "exp - iat equals expires_in");
  ok(llabs(iat - (long long)time(NULL)) <= 5, "iat is now");
  ok(cJSON_IsString(jti) && strlen(jti->valuestring) >= 16, "jti is a long random string");
  ok(cJSON_IsArray(roles) && cJSON_GetArraySize(roles) == 1 &&
       !strcmp(cJSON_GetArrayItem(roles, 0)->valuestring, "ROLE_ADMIN"),
     "roles is [ROLE_ADMIN] for --user users");
  cJSON_Delete(j);
  free(payload);

  char *second = get_token(&s, "alice", "secret");
  ok(second && strcmp(second, token) != 0, "two issuances give different tokens");
  ok(second && claim_num(second, "iat") >= iat, "second token has its own claims");
  free(second);
  free(token);

  token_request(&r, &s, "grant_type=client_credentials&client_id=shorty&client_secret=pw");
  j = cJSON_Parse(r.body);
  exp_in = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  ok(cJSON_IsNumber(exp_in) && exp_in->valuedouble == 7, "a user's own lifetime is expires_in");
  cJSON_Delete(j);
  resp_free(&r);

  token_request(&r, &s, A_TOKEN_FORM "&foo=bar&scope=x");
  is_long(r.status, 200, "unknown extra parameters are ignored");
  resp_free(&r);

  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s.api);
  const char *json_h[] = {"Content-Type: application/json", NULL};
  http(&r, "POST", url, json_h,
       "{\"grant_type\":\"client_credentials\",\"client_id\":\"alice\",\"client_secret\":\"secret\"}");
  is_long(r.status, 400, "a JSON body gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... with invalid_request");
  free(v);
  resp_free(&r);
  const char *text_h[] = {"Content-Type: text/plain", NULL};
  http(&r, "POST", url, text_h, A_TOKEN_FORM);
  is_long(r.status, 400, "a text/plain body gets 400");
  resp_free(&r);
  const char *charset_h[] = {"Content-Type: application/x-www-form-urlencoded; charset=UTF-8", NULL};
  http(&r, "POST", url, charset_h, A_TOKEN_FORM);
  is_long(r.status, 200, "a charset parameter on the form content type is fine");
  resp_free(&r);

  token_request(&r, &s, "grant_type=password&client_id=alice&client_secret=secret");
  is_long(r.status, 400, "grant_type=password gets 400");
  is_str(r.body,
         "{\"error\":\"unsupported_grant_type\",\"error_description\":\"GrantType value must be "
         "client_credentials!\"}",
         "... with the documented body");
  resp_free(&r);
  token_request(&r, &s, "client_id=alice&client_secret=secret");
  is_long(r.status, 400, "a missing grant_type gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... with invalid_request");
  free(v);
  resp_free(&r);

  char get_url[1024];
  snprintf(get_url, sizeof get_url, "%s?%s", url, A_TOKEN_FORM);
  http(&r, "GET", get_url, NULL, NULL);
  is_long(r.status, 405, "GET on the token endpoint gets 405 even with valid credentials");
  v = resp_header(&r, "Allow");
  is_str(v, "POST", "... with Allow: POST");
  free(v);
  v = json_str(r.body, "error");
  ok(!contains(r.body, "access_token") && v != NULL, "... and a JSON error, no token");
  free(v);
  resp_free(&r);
  http(&r, "POST", get_url, charset_h, "grant_type=client_credentials");
  is_long(r.status, 401, "credentials in the query of a POST are not used");
  resp_free(&r);
  http(&r, "PUT", url, charset_h, A_TOKEN_FORM);
  is_long(r.status, 405, "PUT gets 405");
  resp_free(&r);

  /* Hostile input: 4xx, never a token, never 5xx, never echoed. */
  static const struct {
    const char *form;
    long status;
    const char *what;
  } hostile[] = {
    {"grant_type=client_credentials&client_id=%ZZ&client_secret=x", 400, "%ZZ"},
    {"grant_type=client_credentials&client_id=abc%&client_secret=x", 400, "a trailing %"},
    {"grant_type=client_credentials&client_id=%C3%28&client_secret=x", 400, "invalid UTF-8"},
    {"grant_type=client_credentials&client_id=a%00b&client_secret=x", 400, "a NUL byte"},
    {"grant_type=client_credentials&client_id=%27%20OR%20%271%27%3D%271%22--&client_secret=x",
     401, "SQL metacharacters and quotes"},
    {"grant_type=client_credentials&client_id=*)(uid%3D*))(%7C(uid%3D*&client_secret=x", 401,
     "LDAP metacharacters"},
    {"grant_type=client_credentials&client_id=alice&client_id=bob&client_secret=x", 400,
     "a repeated parameter"},
  };
  for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
    token_request(&r, &s, hostile[i].form);
    is_long(r.status, hostile[i].status, "hostile input (%s) is refused", hostile[i].what);
    ok(!contains(r.body, "access_token") && !contains(r.body, "OR") && !contains(r.body, "uid"),
       "... without a token or an echo");
    resp_free(&r);
  }
  size_t big = 64 * 1024;
  char *huge = malloc(big + 128);
  if (huge) {
    strcpy(huge, "grant_type=client_credentials&client_secret=x&client_id=");
    size_t at_len = strlen(huge);
    memset(huge + at_len, 'A', big);
    huge[at_len + big] = '\0';
    token_request(&r, &s, huge);
    is_long(r.status, 401, "a 64 KiB client_id gets 401");
    ok(!contains(r.body, "AAAA"), "... without an echo");
    resp_free(&r);
    free(huge);
  }
  size_t over = 1024 * 1024 + 10;
  char *too_big = malloc(over + 1);
  if (too_big) {
    memset(too_big, 'a', over);
    too_big[over] = '\0';
    token_request(&r, &s, too_big);
    is_long(r.status, 413, "a body over 1 MiB gets 413");
    resp_free(&r);
    const char *chunked[] = {"Content-Type: application/x-www-form-urlencoded",
                             "Transfer-Encoding: chunked", NULL};
    http(&r, "POST", url, chunked, too_big);
    is_long(r.status, 413, "a chunked body over 1 MiB gets 413");
    resp_free(&r);
    free(too_big);
    http(&r, "POST", url, chunked, A_TOKEN_FORM);
    is_long(r.status, 200, "a small chunked body works");
    resp_free(&r);
  }
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_credentials(void)
{
  const char *users = "- username: alice\n  password: secret\n"
                      "- username: dave\n  password: pw\n  disabled: true\n";
  const char *path = temp_file(0, users);
  struct srv s;
  const char *args[] = {"--users", path, NULL};
  if (!ok(path && srv_start(&s, args) == 0, "server starts with a users file"))
    return;
  struct resp wrong, unknown, r;
  token_request(&wrong, &s, "grant_type=client_credentials&client_id=alice&client_secret=nope");
  is_long(wrong.status, 401, "a wrong password gets 401");
  is_str(wrong.body, BAD_CREDS, "... with the documented body");
  ok(resp_header_count(&wrong, "WWW-Authenticate") == 0,
     "... and no WWW-Authenticate in the documented flavor");
  ok(!contains(wrong.body, "nope"), "... without echoing the password");
  token_request(&unknown, &s, "grant_type=client_credentials&client_id=zed&client_secret=nope");
  is_long(unknown.status, wrong.status, "an unknown user gets the same status");
  is_str(unknown.body, wrong.body, "... a byte-identical body");
  char *n1 = resp_header_names(&wrong), *n2 = resp_header_names(&unknown);
  is_str(n2, n1, "... and the same header names");
  free(n1);
  free(n2);
  resp_free(&unknown);

  static const struct {
    const char *form;
    const char *what;
  } refused[] = {
    {"grant_type=client_credentials&client_id=zed&client_secret=", "an empty secret"},
    {"grant_type=client_credentials&client_id=alice&client_secret=", "an empty secret (known user)"},
    {"grant_type=client_credentials&client_id=zed", "a missing secret"},
    {"grant_type=client_credentials&client_secret=secret", "a missing client_id"},
    {"grant_type=client_credentials&client_id=&client_secret=secret", "an empty client_id"},
    {"grant_type=client_credentials&client_id=dave&client_secret=pw", "a disabled user"},
    {"grant_type=client_credentials&client_id=ALICE&client_secret=secret", "another case of the name"},
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    token_request(&r, &s, refused[i].form);
    is_long(r.status, 401, "%s gets 401", refused[i].what);
    is_str(r.body, BAD_CREDS, "... with the same body as a wrong password");
    resp_free(&r);
  }
  resp_free(&wrong);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
  unlink(path);

  const char *throttled[] = {"--user", "alice:secret", "--throttle", "2", NULL};
  if (!ok(srv_start(&s, throttled) == 0, "server starts with --throttle 2"))
    return;
  for (int i = 0; i < 2; i++) {
    token_request(&r, &s, "grant_type=client_credentials&client_id=zed&client_secret=x");
    is_long(r.status, 401, "failure %d of an unknown user gets 401", i + 1);
    resp_free(&r);
  }
  token_request(&r, &s, "grant_type=client_credentials&client_id=zed&client_secret=x");
  is_long(r.status, 429, "the next attempt gets 429");
  char *code = json_str(r.body, "error");
  is_str(code, "rate_limit_exceeded", "... rate_limit_exceeded");
  free(code);
  char *retry = resp_header(&r, "Retry-After");
  ok(retry && atoi(retry) > 0, "... with Retry-After");
  free(retry);
  resp_free(&r);
  token_request(&r, &s, A_TOKEN_FORM);
  is_long(r.status, 200, "another user is not throttled");
  resp_free(&r);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_bearer(void)
{
  struct srv s, other;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *t = get_token(&s, "alice", "secret");
  if (!ok(t != NULL, "a token is issued")) {
    srv_stop(&s);
    return;
  }
  char *auth = bearer("Bearer %s", t);
  struct resp r;
  get_with_auth(&r, &s, "/test/hello/x", auth);
  is_long(r.status, 200, "hello with the token gets 200");
  is_str(r.body, "Hello x", "... Hello x");
  char *v = resp_header(&r, "Content-Type");
  is_str(v, "text/plain;charset=UTF-8", "... as text/plain");
  free(v);
  resp_free(&r);
  get_with_auth(&r, &s, "/test/hello/%41b%20c", auth);
  is_str(r.body, "Hello Ab c", "the name is URL-decoded");
  resp_free(&r);
  get_with_auth(&r, &s, "/test/hello/a%0d%0aX-Injected:%201", auth);
  ok(r.status == 200 && !strpbrk(r.body, "\r\n") && resp_header_count(&r, "X-Injected") == 0,
     "control characters in the name are not reflected");
  resp_free(&r);
  get_with_auth(&r, &s, "/projects/", auth);
  is_long(r.status, 200, "projects with the token gets 200");
  cJSON *j = cJSON_Parse(r.body);
  const cJSON *status = cJSON_GetObjectItemCaseSensitive(j, "status");
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "resultList");
  const cJSON *count = cJSON_GetObjectItemCaseSensitive(j, "resultCount");
  ok(cJSON_IsString(status) && !strcmp(status->valuestring, "SUCCESS") && cJSON_IsArray(list) &&
       cJSON_IsNumber(count) && count->valuedouble >= cJSON_GetArraySize(list),
     "projects has status SUCCESS, resultList and resultCount");
  cJSON_Delete(j);
  resp_free(&r);
  expect_get(&s, "/projects", auth, 200, "projects without the trailing slash works too");

  get_with_auth(&r, &s, "/test/hello/x", NULL);
  is_long(r.status, 401, "no Authorization header gets 401");
  is_str(r.body,
         "{\"error\":\"unauthorized_client\",\"error_description\":\"Full authentication is "
         "required\"}",
         "... with the documented body");
  v = resp_header(&r, "WWW-Authenticate");
  is_str(v, "Bearer realm=\"apinizer\"", "... and a Bearer challenge without error=");
  free(v);
  resp_free(&r);

  char *none = tok_unsigned(t, "none");
  char *None = tok_unsigned(t, "None");
  char *hs512 = tok_unsigned(t, "HS512");
  char *altered = tok_alter_signature(t);
  char *appended = tok_append(t, "abc");
  char *appended1 = tok_append(t, "A");
  char *truncated = tok_truncate(t, 1);
  char *truncated4 = tok_truncate(t, 4);
  char *flipped = tok_flip_case(t);
  char *forged = tok_forge_exp(t, 1000);
  const struct {
    const char *token;
    const char *what;
  } bad[] = {
    {none, "alg none"}, {None, "alg None"}, {hs512, "alg HS512 without a signature"},
    {altered, "a changed signature character"}, {appended, "characters appended"},
    {appended1, "one character appended"}, {truncated, "a truncated token"},
    {truncated4, "a token cut by 4"}, {flipped, "a token with flipped case"},
    {forged, "changed claims"}, {"xyz", "garbage"},
    {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "43 random characters"},
    {"a.b.c", "three tiny segments"}, {"e30.e30.", "empty JSON objects"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *a = bad[i].token ? bearer("Bearer %s", bad[i].token) : NULL;
    get_with_auth(&r, &s, "/test/hello/x", a);
    is_long(r.status, 401, "%s is refused", bad[i].what);
    char *code = json_str(r.body, "error");
    ok(code && (!strcmp(code, "unauthorized_client") || !strcmp(code, "invalid_token")),
       "... with a documented error code (%s)", code ? code : "none");
    v = resp_header(&r, "WWW-Authenticate");
    ok(contains(v, "Bearer") && contains(v, "error=\"invalid_token\""),
       "... and a challenge with error=\"invalid_token\"");
    free(v);
    free(code);
    free(a);
    resp_free(&r);
  }
  free(none);
  free(None);
  free(hs512);
  free(altered);
  free(appended);
  free(appended1);
  free(truncated);
  free(truncated4);
  free(flipped);
  free(forged);

  const struct {
    const char *fmt;
    long status;
  } formats[] = {
    {"bearer %s", 401}, {"BEARER %s", 401}, {"Bearer  %s", 200}, {"Bearer%s", 401},
    {"Token %s", 401}, {"%s", 401}, {"Basic %s", 401}, {"Bearer %s extra", 401},
  };
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    char *a = bearer(formats[i].fmt, t);
    get_with_auth(&r, &s, "/test/hello/x", a);
    is_long(r.status, formats[i].status, "Authorization '%s' gets %ld", formats[i].fmt,
            formats[i].status);
    resp_free(&r);
    free(a);
  }
  expect_get(&s, "/test/hello/x", "Bearer", 401, "'Bearer' alone gets 401");
  expect_get(&s, "/test/hello/x", "Basic YWxpY2U6c2VjcmV0", 401,
             "Basic with the user's password gets 401");

  char path[2048];
  snprintf(path, sizeof path, "/test/hello/x?access_token=%s", t);
  expect_get(&s, path, NULL, 401, "a valid token in the query is not used");

  char url[512];
  snprintf(url, sizeof url, "%s/test/hello/x", s.api);
  char *a1 = bearer("Authorization: Bearer %s", t);
  const char *dup[] = {a1, a1, NULL};
  http(&r, "GET", url, dup, NULL);
  ok(r.status == 400 || r.status == 401, "two Authorization headers are refused (%ld)", r.status);
  resp_free(&r);
  free(a1);

  size_t sizes[] = {16 * 1024, 64 * 1024};
  for (size_t i = 0; i < 2; i++) {
    char *huge = malloc(sizes[i] + 32);
    if (!huge)
      continue;
    strcpy(huge, "Authorization: Bearer ");
    memset(huge + strlen(huge), 'a', sizes[i]);
    huge[22 + sizes[i]] = '\0';
    const char *h[] = {huge, NULL};
    http(&r, "GET", url, h, NULL);
    if (i == 0)
      is_long(r.status, 431, "a 16 KiB Authorization header gets 431");
    else
      ok(r.status == 0 || (r.status >= 400 && r.status < 500),
         "a 64 KiB Authorization header gets a 4xx or a closed connection (%ld)", r.status);
    resp_free(&r);
    free(huge);
  }
  expect_get(&s, "/test/hello/x", auth, 200, "the server still answers after the big headers");

  expect_get(&s, "/nothing/here", auth, 404, "an unknown path gets 404");
  get_with_auth(&r, &s, "/nothing/here", NULL);
  v = json_str(r.body, "error");
  ok(v != NULL, "... with a JSON error");
  free(v);
  resp_free(&r);
  expect_get(&s, "/test/hello/", auth, 404, "hello without a name gets 404");
  http(&r, "POST", url, NULL, "");
  is_long(r.status, 405, "POST on hello gets 405");
  resp_free(&r);

  if (ok(srv_start(&other, args) == 0, "a second server starts")) {
    expect_get(&other, "/test/hello/x", auth, 401,
               "a token of another server (another random key) is refused");
    is_long(srv_stop(&other), 0, "second server stops with exit 0");
  }
  free(auth);
  free(t);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_expiry(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--user", "shorty:pw:2", "--admin", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *t = get_token(&s, "shorty", "pw");
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "a 2 s token works at once");
  struct timespec wait = {3, 200 * 1000000L};
  nanosleep(&wait, NULL);
  struct resp r;
  get_with_auth(&r, &s, "/test/hello/x", auth);
  is_long(r.status, 401, "... and is refused after its lifetime");
  char *v = json_str(r.body, "error");
  is_str(v, "invalid_token", "... with error invalid_token");
  free(v);
  v = resp_header(&r, "WWW-Authenticate");
  ok(contains(v, "error=\"invalid_token\""), "... and error=\"invalid_token\" in the challenge");
  free(v);
  resp_free(&r);
  free(auth);
  free(t);

  const char *mint[] = {"admin", "mint", "--url", s.base, "--username", "alice", "--kind",
                        "expired", NULL};
  char *out = NULL;
  is_long(run_binary(mint, NULL, &out), 0, "admin mint --kind expired exits 0");
  char *nl = out ? strchr(out, '\n') : NULL;
  if (nl)
    *nl = '\0';
  ok(out && claim_num(out, "exp") > 0 && claim_num(out, "exp") < (long long)time(NULL) &&
       claim_num(out, "iat") < claim_num(out, "exp"),
     "the minted token has iat < exp < now");
  auth = out ? bearer("Bearer %s", out) : NULL;
  expect_get(&s, "/test/hello/x", auth, 401, "the minted expired token is refused");
  free(auth);
  free(out);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_revocation(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--admin", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *t = get_token(&s, "alice", "secret");
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "the token works");
  const char *revoke[] = {"admin", "revoke", "--url", s.base, NULL};
  char *out = NULL;
  is_long(run_binary(revoke, t, &out), 0, "admin revoke with AUTHCONFORM_TOKEN exits 0");
  free(out);
  expect_get(&s, "/test/hello/x", auth, 401, "the revoked token is refused");
  expect_get(&s, "/projects/", auth, 401, "... on projects too");
  char *fresh = get_token(&s, "alice", "secret");
  char *fresh_auth = fresh ? bearer("Bearer %s", fresh) : NULL;
  expect_get(&s, "/test/hello/x", fresh_auth, 200, "a fresh token of the same user works");
  free(fresh_auth);
  free(fresh);
  is_long(run_binary(revoke, t, &out), 0, "revoking twice is fine");
  free(out);
  free(auth);
  free(t);

  ok(run_binary(revoke, "not-a-token", &out) == 1, "revoking garbage exits 1");
  free(out);
  ok(run_binary(revoke, NULL, &out) == 2, "revoke without AUTHCONFORM_TOKEN exits 2");
  free(out);
  const char *argv_token[] = {"admin", "revoke", "--url", s.base, "--token", "x", NULL};
  ok(run_binary(argv_token, NULL, &out) == 2, "a token on the command line is refused");
  free(out);

  const char *mint[] = {"admin", "mint", "--url", s.base, "--username", "alice", "--kind",
                        "revoked", NULL};
  is_long(run_binary(mint, NULL, &out), 0, "admin mint --kind revoked exits 0");
  char *nl = out ? strchr(out, '\n') : NULL;
  if (nl)
    *nl = '\0';
  ok(out && claim_num(out, "exp") > (long long)time(NULL), "the minted revoked token is not expired");
  auth = out ? bearer("Bearer %s", out) : NULL;
  expect_get(&s, "/test/hello/x", auth, 401, "the minted revoked token is refused");
  free(auth);
  free(out);
  const char *mint_unknown[] = {"admin", "mint", "--url", s.base, "--username", "zed", "--kind",
                                "expired", NULL};
  ok(run_binary(mint_unknown, NULL, &out) == 1, "minting for an unknown user exits 1");
  free(out);
  is_long(srv_stop(&s), 0, "server stops with exit 0");

  const char *refused[] = {"admin", "revoke", "--url", s.base, NULL};
  ok(run_binary(refused, "x.y.z", &out) == 1, "admin revoke against a stopped server exits 1");
  free(out);
}

static void group_admin_off(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts without --admin"))
    return;
  char *t = get_token(&s, "alice", "secret");
  struct resp r;
  char form[2048];
  snprintf(form, sizeof form, "token=%s", t ? t : "");
  admin_post(&r, &s, "revoke", form);
  is_long(r.status, 404, "/_refserver/revoke is 404 without --admin");
  resp_free(&r);
  admin_post(&r, &s, "mint", "username=alice&kind=expired");
  is_long(r.status, 404, "/_refserver/mint is 404 without --admin");
  resp_free(&r);
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "the token was not revoked");
  free(auth);
  free(t);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_health(void)
{
  struct srv s;
  if (!ok(srv_start(&s, NULL) == 0, "server starts without any user"))
    return;
  struct resp r;
  get_with_auth(&r, &s, "/test/healthcheck", NULL);
  is_long(r.status, 200, "health gets 200 without a token");
  is_str(r.body, "OK", "... body OK");
  char *v = resp_header(&r, "Content-Type");
  is_str(v, "text/plain;charset=UTF-8", "... text/plain");
  free(v);
  resp_free(&r);
  expect_get(&s, "/test/healthcheck", "Bearer xyz", 200, "health gets 200 with a bad token");
  char url[512];
  snprintf(url, sizeof url, "%s/test/healthcheck", s.api);
  http(&r, "HEAD", url, NULL, NULL);
  is_long(r.status, 200, "HEAD health gets 200");
  resp_free(&r);
  http(&r, "DELETE", url, NULL, NULL);
  is_long(r.status, 405, "DELETE health gets 405");
  v = resp_header(&r, "Allow");
  ok(contains(v, "GET"), "... with Allow: GET");
  free(v);
  resp_free(&r);
  token_request(&r, &s, A_TOKEN_FORM);
  is_long(r.status, 401, "without users every login fails");
  resp_free(&r);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_rfc(void)
{
  struct srv s;
  const char *args[] = {"--flavor", "rfc", "--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "rfc server starts"))
    return;
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s.api);
  struct resp r;
  const char *basic[] = {"Authorization: Basic YWxpY2U6c2VjcmV0",
                         "Content-Type: application/x-www-form-urlencoded", NULL};
  http(&r, "POST", url, basic, "grant_type=client_credentials");
  is_long(r.status, 200, "HTTP Basic client authentication works");
  char *t = json_str(r.body, "access_token");
  ok(t != NULL, "... and issues a token");
  resp_free(&r);
  const char *basic_bad[] = {"Authorization: Basic YWxpY2U6d3Jvbmc=",
                             "Content-Type: application/x-www-form-urlencoded", NULL};
  http(&r, "POST", url, basic_bad, "grant_type=client_credentials");
  is_long(r.status, 401, "a wrong Basic password gets 401");
  char *v = json_str(r.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  v = resp_header(&r, "WWW-Authenticate");
  ok(v && strncmp(v, "Basic", 5) == 0, "... with a Basic challenge");
  free(v);
  resp_free(&r);
  const char *basic_junk[] = {"Authorization: Basic !!!", NULL};
  http(&r, "POST", url, basic_junk, "grant_type=client_credentials");
  is_long(r.status, 401, "undecodable Basic credentials get 401");
  resp_free(&r);
  const char *both[] = {"Authorization: Basic YWxpY2U6c2VjcmV0", NULL};
  http(&r, "POST", url, both, A_TOKEN_FORM);
  is_long(r.status, 400, "Basic plus client_secret in the body gets 400");
  resp_free(&r);

  struct resp wrong, unknown;
  token_request(&wrong, &s, "grant_type=client_credentials&client_id=alice&client_secret=x");
  token_request(&unknown, &s, "grant_type=client_credentials&client_id=zed&client_secret=x");
  is_long(wrong.status, 401, "a wrong password gets 401");
  v = json_str(wrong.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  ok(resp_header_count(&wrong, "WWW-Authenticate") == 1, "... with WWW-Authenticate");
  is_str(unknown.body, wrong.body, "an unknown user gets the same body");
  char *n1 = resp_header_names(&wrong), *n2 = resp_header_names(&unknown);
  is_str(n2, n1, "... and the same header names");
  free(n1);
  free(n2);
  resp_free(&wrong);
  resp_free(&unknown);
  token_request(&r, &s, "grant_type=client_credentials&client_id=alice");
  ok(r.status == 401 && resp_header_count(&r, "WWW-Authenticate") == 1,
     "a missing secret gets 401 with WWW-Authenticate");
  resp_free(&r);
  token_request(&r, &s, "client_id=alice&client_secret=secret");
  is_long(r.status, 400, "a missing grant_type gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... invalid_request");
  free(v);
  resp_free(&r);
  const char *json_h[] = {"Content-Type: application/json", NULL};
  http(&r, "POST", url, json_h, "{\"grant_type\":\"client_credentials\"}");
  is_long(r.status, 400, "a JSON body gets 400");
  resp_free(&r);

  if (t) {
    const char *fmts[] = {"bearer %s", "BEARER %s", "Bearer %s", "bEaReR  %s"};
    for (size_t i = 0; i < 4; i++) {
      char *a = bearer(fmts[i], t);
      expect_get(&s, "/test/hello/x", a, 200, "the scheme is case-insensitive");
      free(a);
    }
  }
  get_with_auth(&r, &s, "/test/hello/x", NULL);
  v = resp_header(&r, "WWW-Authenticate");
  ok(r.status == 401 && contains(v, "Bearer realm=") && !contains(v, "error="),
     "no credentials: a Bearer challenge without error=");
  free(v);
  resp_free(&r);
  get_with_auth(&r, &s, "/test/hello/x", "Bearer xyz");
  v = resp_header(&r, "WWW-Authenticate");
  ok(r.status == 401 && contains(v, "error=\"invalid_token\""),
     "a garbage token: error=\"invalid_token\" in the challenge");
  free(v);
  resp_free(&r);
  free(t);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

static void group_users(void)
{
  const char *users = "# test users\n"
                      "- username: alice\n  password: 'pa:ss'\n  lifetime: 120\n"
                      "  roles: [ROLE_MANAGE_PROXIES]\n"
                      "- username: erin\n  password: pw\n  roles: []\n";
  const char *path = temp_file(0, users);
  struct srv s;
  const char *args[] = {"--users", path, "--user", "bob:a:b:c", "--user", "carl:x:y:60", NULL};
  if (!ok(path && srv_start(&s, args) == 0, "server starts with a users file and --user"))
    return;
  struct resp r;
  token_request(&r, &s, "grant_type=client_credentials&client_id=alice&client_secret=pa%3Ass");
  is_long(r.status, 200, "a file user logs in");
  char *t = json_str(r.body, "access_token");
  ok(contains(r.body, "\"expires_in\":120"), "... with the file's lifetime");
  resp_free(&r);
  char *payload = t ? jwt_payload(t) : NULL;
  ok(contains(payload, "\"roles\":[\"ROLE_MANAGE_PROXIES\"]"), "... and the file's roles");
  free(payload);
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/projects/", auth, 200, "a user with a role lists projects");
  free(auth);
  free(t);
  t = get_token(&s, "erin", "pw");
  auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "a user without roles may say hello");
  get_with_auth(&r, &s, "/projects/", auth);
  is_long(r.status, 403, "... but gets 403 on projects");
  char *v = json_str(r.body, "error");
  is_str(v, "forbidden", "... error forbidden");
  free(v);
  resp_free(&r);
  free(auth);
  free(t);
  t = get_token(&s, "bob", "a:b:c");
  ok(t != NULL, "--user keeps ':' in a password without a lifetime");
  free(t);
  token_request(&r, &s, "grant_type=client_credentials&client_id=carl&client_secret=x%3Ay");
  ok(r.status == 200 && contains(r.body, "\"expires_in\":60"),
     "--user NAME:PASS:WORD:60 has password PASS:WORD and lifetime 60");
  resp_free(&r);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
  unlink(path);

  static const struct {
    const char *yaml;
    const char *where;
  } broken[] = {
    {"- username: a\n  password: [x\n", ":3:1: error:"},
    {"- username: a\n  password: b\n  colour: red\n", ":3:3: error: unknown key"},
    {"- username: a\n", ":1:3: error:"},
    {"- username: a\n  password: b\n- username: a\n  password: c\n", "duplicate user"},
    {"- username: a\n  password: b\n  lifetime: 0\n", ":3:13: error: lifetime"},
    {"username: a\n", ":1:1: error: the users file must be a list"},
    {"- username: a\n  password: b\n  scopes: read\n", ":3:11: error: scopes must be a list"},
    {"- username: a\n  password: b\n  scopes: [\"a b\"]\n", ":3:12: error: scopes must be a list"},
  };
  for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    const char *p = temp_file(1, broken[i].yaml);
    const char *bad[] = {"--port", "0", "--users", p, NULL};
    char *out = NULL;
    /* stderr is not captured; the exit code and the position are checked through a pipe below. */
    is_long(run_binary(bad, NULL, &out), 2, "a bad users file exits 2 (%s)", broken[i].where);
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' --port 0 --users '%s' 2>&1 >/dev/null", h_binary, p);
    FILE *f = popen(cmd, "r");
    char msg[512] = "";
    if (f) {
      if (!fgets(msg, sizeof msg, f))
        msg[0] = '\0';
      pclose(f);
    }
    ok(contains(msg, p) && contains(msg, broken[i].where), "... and says where: %s", msg);
    unlink(p);
  }
}

static void group_lifecycle(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (ok(srv_start(&s, args) == 0, "server starts")) {
    kill(s.pid, SIGINT);
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    int status = 0;
    pid_t done = waitpid(s.pid, &status, WNOHANG);
    ok(done == s.pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "SIGINT ends the server with exit 0");
    if (done != s.pid)
      srv_stop(&s);
    else
      srv_forget(&s);
  }

  const char *slow[] = {"--latency-ms", "1500", NULL};
  if (ok(srv_start(&s, slow) == 0, "server starts with --latency-ms 1500")) {
    CURLM *multi = curl_multi_init();
    CURL *easy[3];
    char url[512];
    snprintf(url, sizeof url, "%s/test/healthcheck", s.api);
    FILE *sink = fopen("/dev/null", "w");
    for (int i = 0; i < 3; i++) {
      easy[i] = curl_easy_init();
      curl_easy_setopt(easy[i], CURLOPT_URL, url);
      curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, sink);
      curl_easy_setopt(easy[i], CURLOPT_FORBID_REUSE, 1L);
      curl_multi_add_handle(multi, easy[i]);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int running = 1;
    while (running) {
      curl_multi_perform(multi, &running);
      if (running)
        curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int n200 = 0;
    for (int i = 0; i < 3; i++) {
      long code = 0;
      curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &code);
      n200 += code == 200;
      curl_multi_remove_handle(multi, easy[i]);
      curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    if (sink)
      fclose(sink);
    is_long(n200, 3, "three concurrent requests all succeed");
    ok(secs >= 1.4 && secs < 2.9, "... in about one latency, not three (%.2f s)", secs);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }

  const char *prefixed[] = {"--prefix", "/custom/", NULL};
  if (ok(srv_start(&s, prefixed) == 0, "server starts with --prefix /custom/")) {
    struct resp r;
    char url[512];
    snprintf(url, sizeof url, "%s/custom/test/healthcheck", s.base);
    http(&r, "GET", url, NULL, NULL);
    is_long(r.status, 200, "the API lives under the new prefix");
    resp_free(&r);
    expect_get(&s, "/test/healthcheck", NULL, 404, "... and not under /apiops");
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }

  if (ok(srv_start(&s, NULL) == 0, "a server holds a port")) {
    const char *colon = strrchr(s.base, ':');
    const char *busy[] = {"--port", colon ? colon + 1 : "1", NULL};
    char *out = NULL;
    is_long(run_binary(busy, NULL, &out), 1, "a second server on the same port exits 1");
    free(out);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  const char *bad_bind[] = {"--bind", "not-an-address", NULL};
  char *out = NULL;
  is_long(run_binary(bad_bind, NULL, &out), 1, "--bind with a bad address exits 1");
  free(out);
}

/* Writes a throwaway self-signed EC certificate and key; 0 or -1. */
static int make_cert(const char *cert_path, const char *key_path)
{
  int rc = -1;
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  FILE *cf = NULL, *kf = NULL;
  if (!key || !x)
    goto out;
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME *name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  if (!X509_sign(x, key, EVP_sha256()))
    goto out;
  cf = fopen(cert_path, "w");
  kf = fopen(key_path, "w");
  if (cf && kf && PEM_write_X509(cf, x) && PEM_write_PrivateKey(kf, key, NULL, NULL, 0, NULL, NULL))
    rc = 0;
out:
  if (cf)
    fclose(cf);
  if (kf)
    fclose(kf);
  X509_free(x);
  EVP_PKEY_free(key);
  return rc;
}

static void group_tls(void)
{
  char cert[64], key[64];
  snprintf(cert, sizeof cert, "/tmp/refserver-cert-%d.pem", (int)getpid());
  snprintf(key, sizeof key, "/tmp/refserver-key-%d.pem", (int)getpid());
  if (!ok(make_cert(cert, key) == 0, "a throwaway certificate is made"))
    return;
  struct srv s;
  const char *args[] = {"--cert", cert, "--key", key, "--user", "alice:secret", NULL};
  if (ok(srv_start(&s, args) == 0, "server starts with --cert/--key")) {
    ok(strncmp(s.base, "https://", 8) == 0, "the listening line says https (%s)", s.base);
    expect_get(&s, "/test/healthcheck", NULL, 200, "health over TLS");
    char *t = get_token(&s, "alice", "secret");
    ok(t != NULL, "a token over TLS");
    free(t);
    char url[1024];
    snprintf(url, sizeof url, "http://%s/apiops/test/healthcheck", s.base + 8);
    struct resp r;
    http(&r, "GET", url, NULL, NULL);
    ok(r.status != 200, "plain HTTP to the TLS port gets no 200");
    resp_free(&r);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  const char *missing[] = {"--cert", "/nonexistent/c.pem", "--key", key, NULL};
  char *out = NULL;
  is_long(run_binary(missing, NULL, &out), 1, "an unreadable certificate exits 1");
  free(out);
  unlink(cert);
  unlink(key);
}

static void group_log(void)
{
  char path[64];
  snprintf(path, sizeof path, "/tmp/refserver-log-%d.txt", (int)getpid());
  for (int with_tokens = 0; with_tokens < 2; with_tokens++) {
    unlink(path);
    struct srv s;
    const char *args[] = {"--user", "alice:secret", "--log", path,
                          with_tokens ? "--log-tokens" : NULL, NULL};
    if (!ok(srv_start(&s, args) == 0, "server starts with --log%s",
            with_tokens ? " --log-tokens" : ""))
      continue;
    char *t = get_token(&s, "alice", "secret");
    expect_get(&s, "/test/hello/a%0ab", NULL, 401, "a request to log");
    is_long(srv_stop(&s), 0, "server stops with exit 0");
    char *text = NULL;
    FILE *f = fopen(path, "r");
    if (f) {
      text = calloc(1, 65536);
      if (text && fread(text, 1, 65535, f) == 0)
        text[0] = '\0';
      fclose(f);
    }
    ok(contains(text, " POST /apiops/auth/token 200\n"), "the log has the token request");
    ok(contains(text, " GET /apiops/test/hello/a?b 401\n"),
       "the log has the hello request with its control character replaced");
    if (with_tokens)
      ok(t && contains(text, t), "--log-tokens logs the issued token");
    else
      ok(t && !contains(text, t), "without --log-tokens no token is logged");
    free(text);
    free(t);
  }
  unlink(path);
}

/* ---------------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  void (*run)(void);
} groups[] = {
  {"cli", group_cli},           {"issuance", group_issuance},
  {"credentials", group_credentials}, {"bearer", group_bearer},
  {"expiry", group_expiry},     {"revocation", group_revocation},
  {"admin-off", group_admin_off}, {"health", group_health},
  {"rfc", group_rfc},           {"users", group_users},
  {"lifecycle", group_lifecycle}, {"tls", group_tls},
  {"log", group_log},           {"deviations", group_deviations},
  {"accounts", group_accounts}, {"oauth2", group_oauth2},
};

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: refserver_test SERVER_BINARY GROUP\n");
    return 2;
  }
  h_binary = argv[1];
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    if (strcmp(groups[i].name, argv[2]) == 0) {
      groups[i].run();
      int code = done_testing();
      curl_global_cleanup();
      return code;
    }
  }
  fprintf(stderr, "refserver_test: unknown group '%s'\n", argv[2]);
  curl_global_cleanup();
  return 2;
}
