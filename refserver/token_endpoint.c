/* token_endpoint: POST {prefix}/auth/token, the client credentials grant (RFC 6749 4.4). */
#include "token_endpoint.h"

#include "client_auth.h"
#include "deviations.h"
#include "form.h"
#include "issuer.h"
#include "near_secret.h"
#include "node_faults.h"
#include "reqlog.h"
#include "throttle.h"
#include "tokens.h"
#include "users.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* cred-timing-leak: the extra delay of a wrong password for a known user. */
#define CRED_TIMING_LEAK_MS 150
/* token-same-back-to-back, token-shared-across-clients: how long after its minting a token is
 * handed out again, in seconds (the life of an iat with whole seconds). */
#define REUSE_WINDOW 1.0

#define GRANT "client_credentials"
#define LONG_ID 4096 /* deviation token-long-id-500: the size of the imagined buffer */

static bool is_rfc(const rs_app *app) { return app->cfg->flavor == FLAVOR_RFC; }

static int server_error(rs_reply *out)
{
  return rs_reply_error(out, 500, "server_error", "An unexpected error occurred");
}

static int invalid_request(rs_reply *out, const char *why)
{
  return rs_reply_error(out, 400, "invalid_request", why);
}

/* The deviations that hand out a token again: returns the cache key (the client, or "" for every
 * client: no client_id is empty) and sets *max_age, how many seconds after its minting a cached
 * token is handed out; NULL when every request gets a fresh token. */
static const char *reuse_key(const char *sub, double *max_age)
{
  *max_age = HUGE_VAL;
  if (rs_dev_on(DEV_TOKEN_SAME_TOKEN))
    return sub; /* until it expires or is revoked */
  *max_age = REUSE_WINDOW;
  if (rs_dev_on(DEV_TOKEN_SAME_BACK_TO_BACK))
    return sub;
  if (rs_dev_on(DEV_TOKEN_SHARED_ACROSS_CLIENTS))
    return "";
  return NULL;
}

static double monotonic_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The token's grant: what it carries besides the user. scope is the granted scope (the rfc
 * flavour; NULL for none) and state_scope whether the response names it. */
struct grant_info {
  char *const *roles;
  size_t n_roles;
  long long lifetime;
  const char *scope;
  bool state_scope;
};

/* Issues a token for sub and builds the 200 answer (RFC 6749 4.4.3, 5.1), signed with the key of
 * rq's node. issuer is NULL in the documented flavour, and the issuer the request saw in the rfc
 * flavour (rs_tokens_mint()). */
static int issue_granted(const rs_app *app, const rs_request *rq, const char *issuer, const char *sub,
                         const struct grant_info *g, rs_reply *out)
{
  char *const *roles = g->roles;
  size_t n_roles = g->n_roles;
  long long lifetime = g->lifetime;
  long long now = (long long)time(NULL);
  long long exp = now + (rs_dev_on(DEV_EXPIRY_EXP_MISMATCH) ? 2 * lifetime : lifetime);
  double max_age = 0;
  const char *key = reuse_key(sub, &max_age);
  rs_cached_token t = {0};
  time_t revoked_at;
  if (key && rs_token_store_cache_get(app->tokens, key, &t) &&
      (t.exp <= now || monotonic_seconds() - t.minted >= max_age ||
       rs_token_store_revoked(app->tokens, t.jti, &revoked_at))) {
    /* Reuse only what still works, so the deviation shows up as "same token" and nothing else. */
    rs_token_store_cached_free(&t);
  }
  if (!t.token) {
    t.exp = exp;
    t.minted = monotonic_seconds();
    t.token = rs_tokens_mint(rs_node_key(app, rq), sub, roles, n_roles, now, exp, issuer, g->scope, &t.jti);
    if (!t.token || (key && rs_token_store_cache_put(app->tokens, key, &t) != 0)) {
      rs_token_store_cached_free(&t);
      return -1;
    }
  }
  char *token = t.token;
  free(t.jti);
  rs_reqlog_token(app->log, sub, token);
  if (rs_dev_on(DEV_BEARER_CASE_INSENSITIVE) &&
      rs_token_store_issued_put(app->tokens, token) != 0) {
    free(token);
    return -1;
  }

  cJSON *o = cJSON_CreateObject();
  bool ok = o && cJSON_AddStringToObject(o, "access_token", token) &&
            cJSON_AddStringToObject(o, "token_type",
                                    rs_dev_on(DEV_TOKEN_TYPE_LOWERCASE) ? "bearer" : "Bearer");
  OPENSSL_cleanse(token, strlen(token));
  free(token);
  if (ok && rs_dev_on(DEV_TOKEN_EXPIRES_IN_MISSING)) {
    /* no expires_in: RFC 6749 5.1 only recommends it */
  } else if (ok && rs_dev_on(DEV_TOKEN_EXPIRES_IN_STRING)) {
    char num[32];
    snprintf(num, sizeof num, "%lld", lifetime);
    ok = cJSON_AddStringToObject(o, "expires_in", num) != NULL;
  } else if (ok) {
    double expires_in = rs_dev_on(DEV_TOKEN_EXPIRES_IN_ZERO) ? 0.0 : (double)lifetime;
    ok = cJSON_AddNumberToObject(o, "expires_in", expires_in) != NULL;
  }
  if (ok && g->scope && g->state_scope)
    ok = cJSON_AddStringToObject(o, "scope", g->scope) != NULL;
  char *body = ok ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  const char *content_type = rs_dev_on(DEV_TOKEN_CONTENT_TYPE_TEXT) ? CT_TEXT : CT_JSON;
  if (rs_reply_take(out, 200, content_type, body) != 0)
    return -1;
  /* RFC 6749 5.1: tokens must not be cached by the client or any intermediary. */
  if (!rs_dev_on(DEV_TOKEN_NO_STORE_MISSING) &&
      rs_reply_header(out, "Cache-Control", "no-store") != 0)
    return -1;
  if (!rs_dev_on(DEV_TOKEN_PRAGMA_MISSING) && rs_reply_header(out, "Pragma", "no-cache") != 0)
    return -1;
  return 0;
}

/* issue_granted() without a scope. */
static int issue(const rs_app *app, const rs_request *rq, const char *issuer, const char *sub,
                 char *const *roles, size_t n_roles, long long lifetime, rs_reply *out)
{
  struct grant_info g = {roles, n_roles, lifetime, NULL, false};
  return issue_granted(app, rq, issuer, sub, &g, out);
}

/* True when the space-separated list has the scope token name[0..len). */
static bool scope_has(const char *list, const char *name, size_t len)
{
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, " ");
    if (n == len && strncmp(p, name, len) == 0)
      return true;
    p += n;
    p += strspn(p, " ");
  }
  return false;
}

/* True when every scope token of a is in b. */
static bool scope_within(const char *a, const char *b)
{
  for (const char *p = a + strspn(a, " "); *p;) {
    size_t n = strcspn(p, " ");
    if (!scope_has(b, p, n))
      return false;
    p += n;
    p += strspn(p, " ");
  }
  return true;
}

/* Appends the token name[0..len) to the space-separated list in buf (size cap). */
static void scope_append(char *buf, size_t cap, const char *name, size_t len)
{
  size_t used = strlen(buf);
  if (used + (used ? 1 : 0) + len + 1 > cap)
    return; /* cannot happen: buf is as long as what it is built from */
  if (used)
    buf[used++] = ' ';
  memcpy(buf + used, name, len);
  buf[used + len] = '\0';
}

/* RFC 6749 3.3 in the rfc flavour: the scope a token of u gets for the request's scope parameter,
 * in *granted (caller frees; NULL when none was asked for: no default scope), and whether the
 * response names it. Requested scopes u may not have are dropped; when nothing is left the
 * answer is 400 invalid_scope. Returns 1 when out holds that answer, 0, or -1 (memory). */
static int grant_scope(const rs_app *app, const rs_form *form, const rs_user *u,
                       char **granted, bool *state, rs_reply *out)
{
  *granted = NULL;
  *state = false;
  const char *asked = rs_form_get(form, "scope");
  if (!is_rfc(app) || !asked || !asked[strspn(asked, " ")])
    return 0;
  size_t cap = strlen(asked) + 1;
  for (size_t i = 0; i < u->n_scopes; i++)
    cap += strlen(u->scopes[i]) + 1;
  char *g = calloc(1, cap);
  if (!g)
    return -1;
  if (rs_dev_on(DEV_SCOPE_WIDENED)) {
    for (size_t i = 0; i < u->n_scopes; i++)
      scope_append(g, cap, u->scopes[i], strlen(u->scopes[i]));
  } else {
    for (const char *p = asked + strspn(asked, " "); *p;) {
      size_t n = strcspn(p, " ");
      char *name = strndup(p, n);
      if (!name) {
        free(g);
        return -1;
      }
      if (rs_users_scope_allowed(u, name) && !scope_has(g, p, n))
        scope_append(g, cap, p, n);
      free(name);
      p += n;
      p += strspn(p, " ");
    }
  }
  if (!*g) {
    free(g);
    return rs_reply_error(out, 400, "invalid_scope",
                          "The requested scope is invalid, unknown, or exceeds what the client may "
                          "have") == 0 ? 1 : -1;
  }
  /* Named always (RFC 6749 5.1: OPTIONAL when identical to the request, else REQUIRED), except
   * by scope-narrowed-unstated when it differs. */
  bool same = scope_within(g, asked) && scope_within(asked, g);
  *state = same || !rs_dev_on(DEV_SCOPE_NARROWED_UNSTATED);
  *granted = g;
  return 0;
}

/* Copies the string members of a JSON object body into form (deviation token-json-accepted). */
static int json_to_form(const char *body, size_t len, rs_form *form)
{
  cJSON *j = cJSON_ParseWithLength(body, len);
  const cJSON *m;
  if (!cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return -1;
  }
  int rc = 0;
  cJSON_ArrayForEach(m, j) {
    if (cJSON_IsString(m) && !rs_form_get(form, m->string) &&
        rs_form_add(form, m->string, m->valuestring) != 0)
      rc = -1;
  }
  cJSON_Delete(j);
  return rc;
}

/* Reads the request parameters into form. Returns 1 when the request was answered already. */
static int read_params(const rs_request *rq, bool from_query, rs_form *form,
                       rs_reply *out)
{
  static const char *const names[] = {"grant_type", "client_id", "client_secret"};
  if (from_query) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      const char *v = rs_rq_query(rq, names[i]);
      if (v && rs_form_add(form, names[i], v) != 0)
        return -1;
    }
    return 0;
  }
  size_t len = 0;
  const char *body = rs_rq_body(rq, &len);
  const char *ct = rs_rq_header(rq, "Content-Type");
  bool json = ct && (rs_form_media_type_is(ct, "application/json") || strstr(ct, "+json"));
  if (json && rs_dev_on(DEV_TOKEN_JSON_500))
    return server_error(out) == 0 ? 1 : -1;
  if (json && rs_dev_on(DEV_TOKEN_JSON_ACCEPTED)) {
    if (json_to_form(body, len, form) != 0)
      return invalid_request(out, "Malformed JSON body") == 0 ? 1 : -1;
    return 0;
  }
  /* The documentation insists on form encoding; anything else is refused before it is read. A
   * bodiless request without Content-Type is read as an empty form (then grant_type is missing). */
  if ((ct && !rs_form_media_type_is(ct, "application/x-www-form-urlencoded")) || (!ct && len > 0))
    return invalid_request(out, "Content-Type must be application/x-www-form-urlencoded") == 0
             ? 1 : -1;
  /* cred-near-nul: a decoder that lets %00 through into a C string, which ends there. */
  switch (rs_form_parse(body ? body : "", len, rs_dev_on(DEV_CRED_NEAR_NUL), form)) {
  case FORM_OK:
    return 0;
  case FORM_BAD_ENCODING:
    /* A bad %-escape, or escapes that decode to invalid UTF-8 (or NUL): the deviations model the
     * exceptions a URL decoder and a charset decoder throw for each. */
    if (rs_form_bad_escape(body ? body : "", len) ? rs_dev_on(DEV_TOKEN_BAD_PERCENT_500)
                                                : rs_dev_on(DEV_TOKEN_BAD_UTF8_500))
      return server_error(out) == 0 ? 1 : -1;
    return invalid_request(out, "Malformed request parameters") == 0 ? 1 : -1;
  case FORM_DUPLICATE:
    return invalid_request(out, "Request parameters must not be repeated") == 0 ? 1 : -1;
  case FORM_NOMEM:
    break;
  }
  return -1;
}

/* Finds who the client claims to be (rs_client_auth_read()), and applies the token endpoint's
 * deviations to form credentials. Returns 1 when the request was answered already. */
static int client_credentials(const rs_app *app, const rs_request *rq,
                              const rs_form *form, rs_client_auth *c,
                              const rs_user **bound, rs_reply *out)
{
  int rc = rs_client_auth_read(app, rq, form, c, out);
  if (rc != 0 || c->basic)
    return rc;
  if (!c->id && rs_dev_on(DEV_TOKEN_MISSING_ID_500))
    return server_error(out) == 0 ? 1 : -1;
  if (!c->secret && rs_dev_on(DEV_TOKEN_MISSING_SECRET_500))
    return server_error(out) == 0 ? 1 : -1;
  /* RFC 6749 3.1: an empty parameter is treated as omitted. Missing credentials get the same answer
   * as wrong ones (RFC 6749 5.2 lists "no client authentication included" under invalid_client). */
  if (!c->id || !c->id[0])
    return rs_client_auth_refuse(app, c, NULL, false, out) == 0 ? 1 : -1;
  if (c->secret && !c->secret[0] && rs_dev_on(DEV_TOKEN_EMPTY_SECRET_ACCEPTED))
    return 0;
  /* As if the secret were checked by an LDAP simple bind: an empty password makes it an
   * "unauthenticated bind" (RFC 4513 5.1.2), which succeeds for every existing entry. */
  if (c->secret && !c->secret[0] && rs_dev_on(DEV_CRED_NEAR_EMPTY_SECRET) &&
      (*bound = rs_users_find(app->users, c->id)) != NULL)
    return 0;
  if (!c->secret || !c->secret[0])
    return rs_client_auth_refuse(app, c, c->id, false, out) == 0 ? 1 : -1;
  return 0;
}

/* The token endpoint once the parameters are known. */
static int grant(const rs_app *app, const char *issuer, const rs_request *rq,
                 const rs_form *form, rs_reply *out)
{
  static char *const no_roles[] = {NULL};
  const char *grant_type = rs_form_get(form, "grant_type");
  if (!grant_type || !grant_type[0]) {
    if (rs_dev_on(DEV_TOKEN_MISSING_GRANT_500))
      return server_error(out);
    return invalid_request(out, "Missing grant_type parameter");
  }
  if (strcmp(grant_type, GRANT) != 0 && !rs_dev_on(DEV_TOKEN_WRONG_GRANT_200))
    return rs_reply_error(out, 400,
                          rs_dev_on(DEV_TOKEN_WRONG_GRANT_ERROR_CODE) ? "invalid_grant"
                                                                 : "unsupported_grant_type",
                       "GrantType value must be client_credentials!");
  if (rs_dev_on(DEV_TOKEN_UNKNOWN_PARAM_REJECTED)) {
    for (size_t i = 0; i < form->n; i++) {
      const char *n = form->params[i].name;
      if (strcmp(n, "grant_type") && strcmp(n, "client_id") && strcmp(n, "client_secret"))
        return invalid_request(out, "Unknown parameter");
    }
  }

  rs_client_auth c = {.site = CA_TOKEN};
  const rs_user *bound = NULL; /* cred-near-empty-secret: the account an empty secret "bound" */
  int rc = client_credentials(app, rq, form, &c, &bound, out);
  if (rc != 0)
    goto out;
  if (bound) {
    rc = issue(app, rq, issuer, bound->name, bound->roles, bound->n_roles, bound->lifetime, out);
    goto out;
  }
  if (c.secret && !c.secret[0]) { /* only reached through token-empty-secret-accepted */
    rc = issue(app, rq, issuer, c.id, no_roles, 0, USERS_DEFAULT_LIFETIME, out);
    goto out;
  }
  if (rs_dev_on(DEV_TOKEN_HOSTILE_500) && strchr(c.id, '"')) {
    char desc[512];
    snprintf(desc, sizeof desc, "Unexpected token in query\n%s", DEV_JAVA_STACK_TRACE);
    rc = rs_reply_error(out, 500, "server_error", desc);
    goto out;
  }
  if (rs_dev_on(DEV_TOKEN_LONG_ID_500) && strlen(c.id) > LONG_ID) {
    rc = server_error(out);
    goto out;
  }
  if (rs_dev_on(DEV_TOKEN_LDAP_WILDCARD) && strchr(c.id, '*') && strchr(c.secret, '*')) {
    /* As if "(&(uid=ID)(userPassword=SECRET))" were sent to a directory unescaped. */
    rc = issue(app, rq, issuer, c.id, no_roles, 0, USERS_DEFAULT_LIFETIME, out);
    goto out;
  }
  time_t now = time(NULL);
  rc = rs_client_auth_throttled(app, rq, c.id, now, out);
  if (rc != 0)
    goto out;
  const rs_user *u = NULL;
  rs_users_auth verdict = rs_users_authenticate(app->users, c.id, c.secret, &u);
  if (verdict == USERS_BAD_PASSWORD && rs_dev_on(DEV_TOKEN_WRONG_PASSWORD_ACCEPTED))
    verdict = USERS_OK;
  if (verdict == USERS_BAD_PASSWORD && rs_near_secret_accepted(app->users, u, c.secret))
    verdict = USERS_OK;
  if (verdict == USERS_UNKNOWN && rs_dev_on(DEV_CRED_UNKNOWN_USER_ACCEPTED)) {
    rc = issue(app, rq, issuer, c.id, no_roles, 0, USERS_DEFAULT_LIFETIME, out);
    goto out;
  }
  if (verdict == USERS_BAD_PASSWORD && rs_dev_on(DEV_CRED_TIMING_LEAK)) {
    /* As if only existing accounts paid for a slow password hash. Each connection has its own
     * thread, so this delays only this client. */
    struct timespec ts = {0, CRED_TIMING_LEAK_MS * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }
  rs_throttle *throttle = rs_node_throttle(app, rq); /* node-throttle-local: the node's own */
  if (verdict != USERS_OK) {
    if (throttle)
      rs_throttle_failure(throttle, c.id, now);
    /* node-bad-credentials: as if the last node ran an older release that maps "no such
     * account" to a request error. The failure still counts. */
    if (verdict == USERS_UNKNOWN && rs_node_fault(app, rq, DEV_NODE_BAD_CREDENTIALS))
      rc = invalid_request(out, "Unknown client_id");
    else
      rc = rs_client_auth_refuse(app, &c, c.id, verdict == USERS_UNKNOWN, out);
    goto out;
  }
  if (throttle)
    rs_throttle_success(throttle, c.id);
  struct grant_info g = {u->roles, u->n_roles, u->lifetime, NULL, false};
  char *scope = NULL;
  rc = grant_scope(app, form, u, &scope, &g.state_scope, out);
  if (rc == 0) {
    g.scope = scope;
    rc = issue_granted(app, rq, issuer, u->name, &g, out);
  }
  free(scope);
out:
  rs_client_auth_clear(&c);
  return rc < 0 ? -1 : 0;
}

/* GET with credentials in the query, checked before the method is (deviation token-get-not-405):
 * 405 for working credentials, the failed-authentication 401 for anything else. Never a token. */
static int get_authenticated(const rs_app *app, const rs_request *rq,
                             rs_reply *out)
{
  const char *id = rs_rq_query(rq, "client_id");
  const char *secret = rs_rq_query(rq, "client_secret");
  const rs_user *u = NULL;
  if (id && *id && secret && *secret &&
      rs_users_authenticate(app->users, id, secret, &u) == USERS_OK) {
    return rs_reply_method_not_allowed(out, "POST", "POST");
  }
  return rs_client_auth_refuse(app, NULL, id, false, out);
}

/* GET with the parameters in the query (deviations only). */
static int get_any(const rs_app *app, const char *issuer, const rs_request *rq,
                   rs_reply *out)
{
  static char *const no_roles[] = {NULL};
  const char *id = rs_rq_query(rq, "client_id");
  return issue(app, rq, issuer, id && *id ? id : "anonymous", no_roles, 0, USERS_DEFAULT_LIFETIME,
               out);
}

/* The token endpoint once the issuer is known. */
static int answer(const rs_app *app, const char *issuer, const rs_request *rq,
                  rs_reply *out)
{
  const char *method = rs_rq_method(rq);
  bool get = strcmp(method, "GET") == 0;
  if (get && rs_dev_on(DEV_TOKEN_GET_ANY))
    return get_any(app, issuer, rq, out);
  if (get && rs_dev_on(DEV_TOKEN_GET_NOT_405))
    return get_authenticated(app, rq, out);
  /* RFC 6749 3.2: POST only, so credentials never travel in a URL. */
  if (strcmp(method, "POST") != 0 && !(get && rs_dev_on(DEV_TOKEN_GET_ACCEPTED))) {
    return rs_reply_method_not_allowed(out, "POST", "POST");
  }
  rs_form form = {0};
  int rc = read_params(rq, get, &form, out);
  if (rc == 0)
    rc = grant(app, issuer, rq, &form, out);
  rs_form_free(&form);
  return rc < 0 ? -1 : 0;
}

int rs_token_endpoint(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  /* The rfc flavour's tokens name the issuer the client reached (RFC 9068 2.2); the documented
   * flavour's carry no issuer. */
  char *issuer = NULL;
  if (is_rfc(app) && !(issuer = rs_issuer_of(app, rq)))
    return -1;
  int rc = answer(app, issuer, rq, out);
  free(issuer);
  return rc;
}
