/* probes_oauth2: tests and deviation probes of the rfc flavour's generic OAuth 2.0 endpoints. */
#include "probes_oauth2.h"

#include "probes_util.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AS_META "/.well-known/oauth-authorization-server"
#define PR_META "/.well-known/oauth-protected-resource"
#define OIDC_META "/.well-known/openid-configuration"

/* ---- requests ---- */

/* "Authorization: Basic ..." of id:secret as given (the caller form-encodes). Caller frees. */
static char *basic_header(const char *id, const char *secret)
{
  size_t n = strlen(id) + 1 + strlen(secret);
  char *plain = malloc(n + 1);
  unsigned char *b64 = malloc(4 * ((n + 2) / 3) + 1);
  char *h = b64 ? malloc(4 * ((n + 2) / 3) + 32) : NULL;
  if (plain && b64 && h) {
    snprintf(plain, n + 1, "%s:%s", id, secret);
    EVP_EncodeBlock(b64, (const unsigned char *)plain, (int)n);
    sprintf(h, "Authorization: Basic %s", (const char *)b64);
  } else {
    free(h);
    h = NULL;
  }
  free(plain);
  free(b64);
  return h;
}

/* POST {api}{path} with the form body; with HTTP Basic id:secret when id is not NULL. */
static int post(struct resp *r, const struct srv *s, const char *path, const char *id,
                const char *secret, const char *form)
{
  char url[512];
  snprintf(url, sizeof url, "%s%s", s->api, path);
  char *basic = id ? basic_header(id, secret) : NULL;
  const char *h[] = {basic, NULL};
  int rc = http(r, "POST", url, basic ? h : NULL, form);
  free(basic);
  return rc;
}

/* "token=T" (T is base64url and dots: nothing to encode). Caller frees. */
static char *token_form(const char *t)
{
  t = t ? t : ""; /* a token request that failed: the test fails on the answer, not here */
  char *f = malloc(strlen(t) + 8);
  if (f)
    sprintf(f, "token=%s", t);
  return f;
}

/* The status of revoking t, authenticated as id:secret by Basic (no authentication when id is
 * NULL). */
static long revoke_status(const struct srv *s, const char *id, const char *secret, const char *t)
{
  char *f = token_form(t ? t : "");
  struct resp r;
  post(&r, s, "/auth/revoke", id, secret, f);
  long st = r.status;
  resp_free(&r);
  free(f);
  return st;
}

/* The JSON answer of introspecting t as id:secret (Basic; none when id is NULL), or NULL when it
 * is not JSON; *status gets the status. Caller frees with cJSON_Delete(). */
static cJSON *introspect(const struct srv *s, const char *id, const char *secret, const char *t,
                         long *status)
{
  char *f = token_form(t);
  struct resp r;
  post(&r, s, "/auth/introspect", id, secret, f);
  *status = r.status;
  cJSON *j = cJSON_Parse(r.body);
  resp_free(&r);
  free(f);
  return j;
}

/* 1 when j is {"active":true...}, 0 when {"active":false...}, -1 otherwise. */
static int active_of(const cJSON *j)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "active");
  return cJSON_IsTrue(a) ? 1 : cJSON_IsFalse(a) ? 0 : -1;
}

/* Introspects t as alice: 1 active, 0 inactive, -1 anything else. */
static int alice_sees_active(const struct srv *s, const char *t)
{
  long st = 0;
  cJSON *j = introspect(s, "alice", "secret", t, &st);
  int a = st == 200 ? active_of(j) : -1;
  cJSON_Delete(j);
  return a;
}

/* GET {base}{path}: the parsed JSON body (NULL when not JSON); *status and, when ct is not NULL,
 * the Content-Type (caller frees). */
static cJSON *get_json(const struct srv *s, const char *path, long *status, char **ct)
{
  char url[512];
  snprintf(url, sizeof url, "%s%s", s->base, path);
  struct resp r;
  http(&r, "GET", url, NULL, NULL);
  *status = r.status;
  if (ct)
    *ct = resp_header(&r, "Content-Type");
  cJSON *j = cJSON_Parse(r.body);
  resp_free(&r);
  return j;
}

static const char *str_of(const cJSON *j, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The payload of token t as JSON, or NULL. Caller frees with cJSON_Delete(). */
static cJSON *claims_of(const char *t)
{
  char *p = t ? jwt_payload(t) : NULL;
  cJSON *j = p ? cJSON_Parse(p) : NULL;
  free(p);
  return j;
}

static char *bob(const struct srv *s) { return get_token(s, "bob", "bobpw"); }

/* The status of a client credentials request authenticated by Basic id:secret. */
static long basic_token_status(const struct srv *s, const char *id, const char *secret)
{
  struct resp r;
  post(&r, s, "/auth/token", id, secret, "grant_type=client_credentials");
  long st = r.status;
  resp_free(&r);
  return st;
}

char *alice_basic(const struct srv *s)
{
  struct resp r;
  post(&r, s, "/auth/token", "alice", "secret", "grant_type=client_credentials");
  char *t = r.status == 200 ? json_str(r.body, "access_token") : NULL;
  resp_free(&r);
  return t;
}

/* ---- probes of the oauth2 deviations ---- */

bool p_metadata_issuer_mismatch(const struct srv *s)
{
  long st = 0;
  cJSON *j = get_json(s, AS_META "/apiops", &st, NULL);
  bool bad = st == 200 && !str_eq(str_of(j, "issuer"), s->api);
  cJSON_Delete(j);
  return bad;
}

bool p_metadata_not_json(const struct srv *s)
{
  long st = 0;
  char *ct = NULL;
  cJSON *j = get_json(s, AS_META "/apiops", &st, &ct);
  bool bad = st == 200 && !(ct && strncmp(ct, "application/json", 16) == 0);
  free(ct);
  cJSON_Delete(j);
  return bad;
}

bool p_basic_auth_unsupported(const struct srv *s)
{
  return basic_token_status(s, "alice", "secret") != 200;
}

bool p_basic_not_form_decoded(const struct srv *s)
{
  return basic_token_status(s, "carol", CAROL_SECRET_FORM) != 200;
}

bool p_post_auth_unsupported(const struct srv *s)
{
  return token_status(s, "grant_type=client_credentials&client_id=alice&client_secret=secret") !=
         200;
}

bool p_token_basic_no_challenge(const struct srv *s)
{
  struct resp r;
  post(&r, s, "/auth/token", "alice", "wrong", "grant_type=client_credentials");
  bool bad = r.status == 401 && resp_header_count(&r, "WWW-Authenticate") == 0;
  resp_free(&r);
  return bad;
}

bool p_revoke_unknown_400(const struct srv *s)
{
  return revoke_status(s, "alice", "secret", "not-a-token") == 400;
}

bool p_revoke_no_client_auth(const struct srv *s)
{
  return revoke_status(s, "nobody", "wrong", "not-a-token") == 200;
}

bool p_revoke_noop(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && revoke_status(s, "alice", "secret", t) == 200 &&
             auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return bad;
}

bool p_revoke_any_client(const struct srv *s)
{
  char *t = bob(s);
  bool bad = t && revoke_status(s, "alice", "secret", t) == 200 &&
             auth_status(s, "/test/hello/x", "Bearer %s", t) == 401;
  free(t);
  return bad;
}

bool p_introspect_garbage_active(const struct srv *s)
{
  return alice_sees_active(s, "not-a-token") == 1;
}

bool p_introspect_no_auth(const struct srv *s)
{
  char *t = alice(s);
  long st = 0;
  cJSON *j = t ? introspect(s, NULL, NULL, t, &st) : NULL;
  bool bad = st == 200;
  cJSON_Delete(j);
  free(t);
  return bad;
}

bool p_introspect_revoked_active(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && revoke_token(s, t) && auth_status(s, "/test/hello/x", "Bearer %s", t) == 401 &&
             alice_sees_active(s, t) == 1;
  free(t);
  return bad;
}

bool p_introspect_live_inactive(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && alice_sees_active(s, t) == 0;
  free(t);
  return bad;
}

bool p_at_jwt_no_jti(const struct srv *s)
{
  char *t = alice(s);
  cJSON *c = claims_of(t);
  bool bad = c && (!str_of(c, "jti") || !str_of(c, "client_id"));
  cJSON_Delete(c);
  free(t);
  return bad;
}

bool p_at_jwt_wrong_iss(const struct srv *s)
{
  char *t = alice(s);
  cJSON *c = claims_of(t);
  bool bad = c && !str_eq(str_of(c, "iss"), s->api);
  cJSON_Delete(c);
  free(t);
  return bad;
}

/* ---- the oauth2 group ---- */

/* True when array member name of j holds the string want. */
static bool has_string(const cJSON *j, const char *name, const char *want)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, name), *v;
  cJSON_ArrayForEach(v, a) {
    if (cJSON_IsString(v) && strcmp(v->valuestring, want) == 0)
      return true;
  }
  return false;
}

/* The endpoint URL ISSUER + suffix equals member name of j. */
static bool url_is(const cJSON *j, const char *name, const struct srv *s, const char *suffix)
{
  char want[512];
  snprintf(want, sizeof want, "%s%s", s->api, suffix);
  return str_eq(str_of(j, name), want);
}

static void metadata(const struct srv *s)
{
  long st = 0;
  char *ct = NULL;
  cJSON *as = get_json(s, AS_META "/apiops", &st, &ct);
  is_long(st, 200, "RFC 8414 metadata at " AS_META "/apiops");
  ok(ct && strncmp(ct, "application/json", 16) == 0, "... labelled application/json (%s)",
     ct ? ct : "none");
  free(ct);
  is_str(str_of(as, "issuer"), s->api, "... its issuer is the URL the metadata was built from");
  ok(url_is(as, "token_endpoint", s, "/auth/token") &&
       url_is(as, "revocation_endpoint", s, "/auth/revoke") &&
       url_is(as, "introspection_endpoint", s, "/auth/introspect"),
     "... token, revocation and introspection endpoints under the issuer");
  const char *lists[] = {"token_endpoint_auth_methods_supported",
                         "revocation_endpoint_auth_methods_supported",
                         "introspection_endpoint_auth_methods_supported"};
  for (size_t i = 0; i < 3; i++)
    ok(has_string(as, lists[i], "client_secret_basic") &&
         has_string(as, lists[i], "client_secret_post"),
       "... %s has client_secret_basic and client_secret_post", lists[i]);
  ok(has_string(as, "grant_types_supported", "client_credentials"),
     "... grant_types_supported has client_credentials");
  ok(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(as, "response_types_supported")),
     "... response_types_supported is an array (RFC 8414 2: required)");
  ok(!cJSON_GetObjectItemCaseSensitive(as, "jwks_uri"), "... no jwks_uri (HS256 tokens)");

  cJSON *oidc = get_json(s, "/apiops" OIDC_META, &st, NULL);
  is_long(st, 200, "the OpenID-style fallback at /apiops" OIDC_META);
  ok(as && oidc && cJSON_Compare(as, oidc, true), "... is the same document");
  cJSON_Delete(oidc);
  cJSON_Delete(as);

  cJSON *pr = get_json(s, PR_META "/apiops", &st, NULL);
  is_long(st, 200, "RFC 9728 metadata at " PR_META "/apiops");
  is_str(str_of(pr, "resource"), s->api, "... resource is the issuer");
  ok(has_string(pr, "authorization_servers", s->api) &&
       cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(pr, "authorization_servers")) == 1,
     "... authorization_servers is [issuer]");
  ok(has_string(pr, "bearer_methods_supported", "header"),
     "... bearer_methods_supported is [header]");
  cJSON_Delete(pr);

  cJSON *bare = get_json(s, AS_META, &st, NULL);
  is_long(st, 404, "the bare well-known path is not this issuer's (its path is /apiops)");
  cJSON_Delete(bare);
  char url[512];
  snprintf(url, sizeof url, "%s" AS_META "/apiops", s->base);
  struct resp r;
  http(&r, "POST", url, NULL, "x=1");
  is_long(r.status, 405, "POST to the metadata gets 405");
  resp_free(&r);
}

/* A server with --prefix / has the bare well-known paths. */
static void metadata_root_prefix(void)
{
  struct srv s;
  const char *args[] = {"--flavor", "rfc", "--prefix", "/", NULL};
  if (!ok(srv_start(&s, args) == 0, "rfc server with --prefix / starts"))
    return;
  long st = 0;
  cJSON *as = get_json(&s, AS_META, &st, NULL);
  is_long(st, 200, "prefix /: metadata at the bare " AS_META);
  is_str(str_of(as, "issuer"), s.base, "... its issuer is the origin, no trailing slash");
  cJSON_Delete(as);
  cJSON *oidc = get_json(&s, OIDC_META, &st, NULL);
  is_long(st, 200, "prefix /: " OIDC_META " answers");
  cJSON_Delete(oidc);
  cJSON *pr = get_json(&s, PR_META, &st, NULL);
  is_str(str_of(pr, "resource"), s.base, "prefix /: the protected resource is the origin");
  cJSON_Delete(pr);
  srv_stop(&s);
}

/* The documented flavour has none of it, and its tokens keep their shape. */
static void documented_unchanged(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "documented server starts"))
    return;
  long st = 0;
  cJSON *j = get_json(&s, AS_META "/apiops", &st, NULL);
  is_long(st, 404, "documented: no RFC 8414 metadata");
  cJSON_Delete(j);
  j = get_json(&s, PR_META "/apiops", &st, NULL);
  is_long(st, 404, "documented: no RFC 9728 metadata");
  cJSON_Delete(j);
  j = get_json(&s, "/apiops" OIDC_META, &st, NULL);
  is_long(st, 404, "documented: no OpenID-style metadata");
  cJSON_Delete(j);
  char *t = alice(&s);
  is_long(revoke_status(&s, "alice", "secret", t), 404, "documented: no auth/revoke");
  cJSON_Delete(introspect(&s, "alice", "secret", t, &st));
  is_long(st, 404, "documented: no auth/introspect");
  char *h = t ? t_b64url_decode(t, strcspn(t, ".")) : NULL;
  is_str(h, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "documented: the token header is unchanged");
  free(h);
  cJSON *c = claims_of(t);
  const char *want[] = {"sub", "iat", "exp", "jti", "roles"};
  int i = 0;
  bool same = c != NULL;
  const cJSON *m;
  cJSON_ArrayForEach(m, c) {
    same = same && i < 5 && strcmp(m->string, want[i]) == 0;
    i++;
  }
  ok(same && i == 5, "documented: the claims are sub, iat, exp, jti, roles in that order");
  cJSON_Delete(c);
  free(t);
  srv_stop(&s);
}

static void at_jwt(const struct srv *s)
{
  char *t = alice(s);
  char *h = t ? t_b64url_decode(t, strcspn(t, ".")) : NULL;
  is_str(h, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", "rfc tokens: header typ at+jwt (RFC 9068)");
  free(h);
  cJSON *c = claims_of(t);
  is_str(str_of(c, "iss"), s->api, "... iss is the metadata's issuer");
  is_str(str_of(c, "aud"), s->api, "... aud is the resource (the issuer)");
  is_str(str_of(c, "sub"), "alice", "... sub is the client");
  is_str(str_of(c, "client_id"), "alice", "... client_id is the client");
  ok(str_of(c, "jti") && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "iat")) &&
       cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "exp")),
     "... jti, iat and exp are there");
  cJSON_Delete(c);
  is_long(t ? auth_status(s, "/test/hello/x", "Bearer %s", t) : 0, 200, "... and open hello");
  is_long(t ? auth_status(s, "/projects/", "Bearer %s", t) : 0, 200, "... and projects");
  free(t);
  char want[512];
  snprintf(want, sizeof want, "resource_metadata=\"%s" PR_META "/apiops\"", s->base);
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", NULL);
  char *v = resp_header(&r, "WWW-Authenticate");
  ok(r.status == 401 && contains(v, "Bearer realm=") && contains(v, want),
     "a Bearer challenge names the protected resource metadata (RFC 9728 5.1)");
  free(v);
  resp_free(&r);
}

static void basic_special_secret(const struct srv *s)
{
  is_long(basic_token_status(s, "carol", CAROL_SECRET_FORM), 200,
          "Basic with the form-encoded id and secret \"%s\" gets a token", CAROL_SECRET);
  is_long(basic_token_status(s, "carol", CAROL_SECRET), 401,
          "... the same secret not form-encoded gets 401 (it is form-decoded)");
  is_long(token_status(s, "grant_type=client_credentials&client_id=carol&client_secret="
                          CAROL_SECRET_FORM),
          200, "... and the form credentials work too");
}

/* The failed logins of name according to the admin endpoint, or -1. */
static long failed_logins(const struct srv *s, const char *name)
{
  char url[512];
  snprintf(url, sizeof url, "%s/_refserver/failed-logins?user=%s", s->base, name);
  struct resp r;
  http(&r, "GET", url, NULL, NULL);
  cJSON *j = cJSON_Parse(r.body);
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, name);
  long count = cJSON_IsNumber(n) ? (long)n->valuedouble : -1;
  cJSON_Delete(j);
  resp_free(&r);
  return count;
}

/* The 401 of a refused client at path: invalid_client, a Basic challenge, one failed login. */
static void bad_client(const struct srv *s, const char *path, const char *t)
{
  char *f = token_form(t);
  long before = failed_logins(s, "alice");
  struct resp r;
  post(&r, s, path, "alice", "wrong", f);
  is_long(r.status, 401, "%s: a wrong client secret in Basic gets 401", path);
  char *v = json_str(r.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  v = resp_header(&r, "WWW-Authenticate");
  ok(v && strncmp(v, "Basic realm=", 12) == 0, "... with WWW-Authenticate: Basic realm=...");
  free(v);
  resp_free(&r);
  is_long(failed_logins(s, "alice") - before, 1, "... and counts one failed login of alice");
  post(&r, s, path, NULL, NULL, f);
  is_long(r.status, 401, "%s: no client authentication gets 401", path);
  v = json_str(r.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  resp_free(&r);
  free(f);
}

static void revocation(const struct srv *s)
{
  char *t = alice(s);
  is_long(t ? auth_status(s, "/test/hello/x", "Bearer %s", t) : 0, 200, "a fresh token works");
  char *f = token_form(t ? t : "");
  struct resp r;
  post(&r, s, "/auth/revoke", "alice", "secret", f);
  is_long(r.status, 200, "revoking one's own token gets 200");
  ok(r.len == 0, "... with an empty body");
  char *v = resp_header(&r, "Cache-Control");
  is_str(v, "no-store", "... and Cache-Control: no-store");
  free(v);
  resp_free(&r);
  is_long(t ? auth_status(s, "/test/hello/x", "Bearer %s", t) : 0, 401,
          "... then hello refuses the token");
  is_long(alice_sees_active(s, t), 0, "... and introspection says active:false");
  is_long(revoke_status(s, "alice", "secret", t), 200, "revoking it again gets 200");
  is_long(revoke_status(s, "alice", "secret", "garbage"), 200, "a garbage token gets 200");
  char *expired = admin_mint(s, "alice", "expired");
  is_long(revoke_status(s, "alice", "secret", expired), 200, "an expired token gets 200");
  free(expired);
  post(&r, s, "/auth/revoke", "alice", "secret", "token_type_hint=access_token");
  is_long(r.status, 400, "no token parameter gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... invalid_request");
  free(v);
  resp_free(&r);

  char *tb = bob(s);
  char *fb = token_form(tb ? tb : "");
  post(&r, s, "/auth/revoke", "alice", "secret", fb);
  is_long(r.status, 400, "revoking another client's token gets 400");
  v = json_str(r.body, "error");
  is_str(v, "unauthorized_client", "... unauthorized_client");
  free(v);
  resp_free(&r);
  is_long(tb ? auth_status(s, "/test/hello/x", "Bearer %s", tb) : 0, 200,
          "... and that token still works");
  /* Form client authentication, as at the token endpoint. */
  char form[2048];
  snprintf(form, sizeof form, "token=%s&client_id=bob&client_secret=bobpw", tb ? tb : "");
  post(&r, s, "/auth/revoke", NULL, NULL, form);
  is_long(r.status, 200, "the client revokes its token with form credentials");
  resp_free(&r);
  is_long(tb ? auth_status(s, "/test/hello/x", "Bearer %s", tb) : 0, 401,
          "... then it is refused");
  bad_client(s, "/auth/revoke", "garbage");
  char url[512];
  snprintf(url, sizeof url, "%s/auth/revoke", s->api);
  http(&r, "GET", url, NULL, NULL);
  is_long(r.status, 405, "GET auth/revoke gets 405");
  resp_free(&r);
  free(fb);
  free(tb);
  free(f);
  free(t);
}

static void introspection(const struct srv *s)
{
  char *t = alice(s);
  cJSON *tc = claims_of(t);
  char *f = token_form(t ? t : "");
  struct resp r;
  post(&r, s, "/auth/introspect", "alice", "secret", f);
  is_long(r.status, 200, "introspecting a live token gets 200");
  char *v = resp_header(&r, "Cache-Control");
  is_str(v, "no-store", "... with Cache-Control: no-store");
  free(v);
  cJSON *j = cJSON_Parse(r.body);
  resp_free(&r);
  is_long(active_of(j), 1, "... active:true");
  ok(str_eq(str_of(j, "client_id"), "alice") && str_eq(str_of(j, "sub"), "alice") &&
       str_eq(str_of(j, "token_type"), "Bearer") && str_eq(str_of(j, "iss"), s->api),
     "... client_id, sub, token_type Bearer and iss the issuer");
  ok(tc && str_eq(str_of(j, "jti"), str_of(tc, "jti")) &&
       cJSON_Compare(cJSON_GetObjectItemCaseSensitive(j, "exp"),
                     cJSON_GetObjectItemCaseSensitive(tc, "exp"), true) &&
       cJSON_Compare(cJSON_GetObjectItemCaseSensitive(j, "iat"),
                     cJSON_GetObjectItemCaseSensitive(tc, "iat"), true),
     "... jti, exp and iat are the token's");
  cJSON_Delete(j);
  long st = 0;
  j = introspect(s, "bob", "bobpw", t, &st);
  is_long(active_of(j), 1, "another authenticated client may introspect it too");
  cJSON_Delete(j);

  post(&r, s, "/auth/introspect", "alice", "secret", "token=garbage");
  is_str(r.body, "{\"active\":false}", "a garbage token: {\"active\":false} and nothing else");
  resp_free(&r);
  char *expired = admin_mint(s, "alice", "expired");
  is_long(alice_sees_active(s, expired), 0, "an expired token: active:false");
  free(expired);
  char *revoked = admin_mint(s, "alice", "revoked");
  is_long(alice_sees_active(s, revoked), 0, "a revoked token: active:false");
  free(revoked);
  post(&r, s, "/auth/introspect", "alice", "secret", "");
  is_long(r.status, 400, "no token parameter gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... invalid_request");
  free(v);
  resp_free(&r);
  bad_client(s, "/auth/introspect", t ? t : "x");
  cJSON_Delete(tc);
  free(f);
  free(t);
}

/* A few deviations at work beyond what their probes show. */
static void deviations_at_work(void)
{
  struct srv s;
  const char *no_jti[] = {OAUTH2_EXTRA_ARGS, "--user", "alice:secret", "--deviate",
                          "at-jwt-no-jti", NULL};
  if (ok(srv_start(&s, no_jti) == 0, "at-jwt-no-jti: server starts")) {
    char *t = alice(&s);
    ok(p_at_jwt_no_jti(&s), "at-jwt-no-jti: tokens lack jti or client_id");
    is_long(t ? auth_status(&s, "/test/hello/x", "Bearer %s", t) : 0, 200,
            "at-jwt-no-jti: the tokens still work");
    cJSON *j = NULL;
    long st = 0;
    j = t ? introspect(&s, "alice", "secret", t, &st) : NULL;
    ok(active_of(j) == 1 && !cJSON_GetObjectItemCaseSensitive(j, "jti"),
       "at-jwt-no-jti: introspection says active, without a jti");
    cJSON_Delete(j);
    is_long(revoke_status(&s, "alice", "secret", t), 200, "at-jwt-no-jti: revocation gets 200");
    is_long(t ? auth_status(&s, "/test/hello/x", "Bearer %s", t) : 0, 401,
            "at-jwt-no-jti: ... and still revokes (by the token's signature)");
    free(t);
    srv_stop(&s);
  }
  const char *basic[] = {OAUTH2_EXTRA_ARGS, "--user", "alice:secret", "--deviate",
                         "basic-auth-unsupported", NULL};
  if (ok(srv_start(&s, basic) == 0, "basic-auth-unsupported: server starts")) {
    long st = 0;
    cJSON *as = get_json(&s, AS_META "/apiops", &st, NULL);
    ok(has_string(as, "token_endpoint_auth_methods_supported", "client_secret_basic"),
       "basic-auth-unsupported: the metadata still advertises client_secret_basic");
    cJSON_Delete(as);
    is_long(basic_token_status(&s, "alice", "secret"), 401,
            "basic-auth-unsupported: Basic gets 401");
    is_long(token_status(&s, "grant_type=client_credentials&client_id=alice&client_secret=secret"),
            200, "basic-auth-unsupported: form credentials still work");
    srv_stop(&s);
  }
  const char *any[] = {OAUTH2_EXTRA_ARGS, "--user", "alice:secret", "--deviate",
                       "revoke-no-client-auth", NULL};
  if (ok(srv_start(&s, any) == 0, "revoke-no-client-auth: server starts")) {
    char *t = bob(&s);
    is_long(revoke_status(&s, NULL, NULL, t), 200,
            "revoke-no-client-auth: an anonymous revocation gets 200");
    is_long(t ? auth_status(&s, "/test/hello/x", "Bearer %s", t) : 0, 401,
            "revoke-no-client-auth: ... and revokes bob's token");
    free(t);
    srv_stop(&s);
  }
}

void group_oauth2(void)
{
  struct srv s;
  const char *args[] = {OAUTH2_EXTRA_ARGS, "--user", "alice:secret", "--admin", NULL};
  if (ok(srv_start(&s, args) == 0, "rfc server starts")) {
    metadata(&s);
    at_jwt(&s);
    basic_special_secret(&s);
    revocation(&s);
    introspection(&s);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  metadata_root_prefix();
  documented_unchanged();
  deviations_at_work();
}
