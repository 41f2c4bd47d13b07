/* groups_api: the issuance, credentials and bearer groups of refserver_test (see groups.h). */
#include "groups.h"

#include "harness.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first token response of group_issuance: status, headers and members. Returns the token
 * (caller frees) or NULL. */
static char *issued_token(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, A_TOKEN_FORM);
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
  return token;
}

/* The token's three segments, JWT header and claims. Returns its iat. */
static long long token_shape(const char *token)
{
  const char *d1 = strchr(token, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  ok(d2 && !strchr(d2 + 1, '.') && strlen(d2 + 1) == 43, "the token is a JWT with 3 segments");
  char *header = d1 ? t_b64url_decode(token, (size_t)(d1 - token)) : NULL;
  is_str(header, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "JWT header");
  free(header);
  char *payload = jwt_payload(token);
  cJSON *j = cJSON_Parse(payload ? payload : "");
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
  return iat;
}

/* Hostile and oversized token requests: 4xx, never a token, never 5xx, never echoed. url is the
 * token endpoint. */
static void hostile_token_requests(const struct srv *s, const char *url)
{
  struct resp r;
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
    token_request(&r, s, hostile[i].form);
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
    token_request(&r, s, huge);
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
    token_request(&r, s, too_big);
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
}

void group_issuance(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--user", "shorty:pw:7", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *token = issued_token(&s);
  if (!ok(token != NULL, "access_token is a string")) {
    srv_stop(&s);
    return;
  }
  long long iat = token_shape(token);

  char *second = get_token(&s, "alice", "secret");
  ok(second && strcmp(second, token) != 0, "two issuances give different tokens");
  ok(second && claim_num(second, "iat") >= iat, "second token has its own claims");
  free(second);
  free(token);

  struct resp r;
  token_request(&r, &s, "grant_type=client_credentials&client_id=shorty&client_secret=pw");
  cJSON *j = cJSON_Parse(r.body);
  const cJSON *exp_in = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
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
  char *v = json_str(r.body, "error");
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

  hostile_token_requests(&s, url);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

void group_credentials(void)
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

/* A valid token opens hello (URL-decoded, nothing reflected) and projects. */
static void token_opens(const struct srv *s, const char *auth)
{
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", auth);
  is_long(r.status, 200, "hello with the token gets 200");
  is_str(r.body, "Hello x", "... Hello x");
  char *v = resp_header(&r, "Content-Type");
  is_str(v, "text/plain;charset=UTF-8", "... as text/plain");
  free(v);
  resp_free(&r);
  get_with_auth(&r, s, "/test/hello/%41b%20c", auth);
  is_str(r.body, "Hello Ab c", "the name is URL-decoded");
  resp_free(&r);
  get_with_auth(&r, s, "/test/hello/a%0d%0aX-Injected:%201", auth);
  ok(r.status == 200 && !strpbrk(r.body, "\r\n") && resp_header_count(&r, "X-Injected") == 0,
     "control characters in the name are not reflected");
  resp_free(&r);
  get_with_auth(&r, s, "/projects/", auth);
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
  expect_get(s, "/projects", auth, 200, "projects without the trailing slash works too");
}

/* Tokens altered or made up from t are refused with a documented error and challenge. */
static void altered_tokens_refused(const struct srv *s, const char *t)
{
  struct resp r;
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
    get_with_auth(&r, s, "/test/hello/x", a);
    is_long(r.status, 401, "%s is refused", bad[i].what);
    char *code = json_str(r.body, "error");
    ok(code && (!strcmp(code, "unauthorized_client") || !strcmp(code, "invalid_token")),
       "... with a documented error code (%s)", code ? code : "none");
    char *v = resp_header(&r, "WWW-Authenticate");
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
}

void group_bearer(void)
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
  token_opens(&s, auth);

  get_with_auth(&r, &s, "/test/hello/x", NULL);
  is_long(r.status, 401, "no Authorization header gets 401");
  is_str(r.body,
         "{\"error\":\"unauthorized_client\",\"error_description\":\"Full authentication is "
         "required\"}",
         "... with the documented body");
  char *v = resp_header(&r, "WWW-Authenticate");
  is_str(v, "Bearer realm=\"apinizer\"", "... and a Bearer challenge without error=");
  free(v);
  resp_free(&r);

  altered_tokens_refused(&s, t);

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
