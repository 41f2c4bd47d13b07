/* admin: the test-only endpoints under /_refserver/ (revoke, mint, failed-logins), enabled by
 * --admin. They let a test produce what a real deployment makes through its console (revoked and
 * expired tokens) and read what its audit log would show (failed logins per account). */
#include "admin.h"

#include "form.h"
#include "issuer.h"
#include "logins.h"
#include "tokens.h"
#include "users.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How far in the past minted expired tokens expired, and minted revoked tokens were revoked: far
 * enough that the grace periods of the expiry-late and revocation-delayed deviations do not
 * apply, so those deviations stay visible only to the checks that wait. */
#define MINT_PAST 3600

static int read_form(const struct rs_request *rq, struct form *form, struct reply *out)
{
  size_t len = 0;
  const char *body = rq_body(rq, &len);
  switch (form_parse(body ? body : "", len, false, form)) {
  case FORM_OK:
    return 0;
  case FORM_NOMEM:
    return -1;
  default:
    return reply_error(out, 400, "invalid_request", "Malformed form body") == 0 ? 1 : -1;
  }
}

/* POST /_refserver/revoke, form token=T: T must be a token this server signed. */
static int revoke(const struct rs_app *app, const struct form *form, struct reply *out)
{
  const char *token = form_get(form, "token");
  struct jwt_claims c;
  if (!token || jwt_verify(token, &app->key, tokens_verify_flags(), &c) != JWT_OK)
    return reply_error(out, 400, "invalid_request", "Not a token issued by this server");
  int rc = token_store_revoke(app->tokens, c.jti, c.sub, time(NULL));
  jwt_claims_free(&c);
  if (rc != 0)
    return -1;
  return reply_text(out, 200, CT_JSON, "{\"revoked\":true}");
}

/* POST /_refserver/mint, form username=U&kind=expired|revoked. In the rfc flavour the token is
 * an RFC 9068 one naming the issuer this request saw, like the token endpoint's. */
static int mint(const struct rs_app *app, const struct rs_request *rq, const struct form *form,
                struct reply *out)
{
  const char *name = form_get(form, "username");
  const char *kind = form_get(form, "kind");
  const struct user *u = name ? users_find(app->users, name) : NULL;
  if (!u)
    return reply_error(out, 400, "invalid_request", "Unknown username");
  bool expired = kind && strcmp(kind, "expired") == 0;
  if (!expired && !(kind && strcmp(kind, "revoked") == 0))
    return reply_error(out, 400, "invalid_request", "kind must be expired or revoked");
  long long now = (long long)time(NULL);
  long long iat = expired ? now - MINT_PAST - u->lifetime : now;
  char *jti = NULL;
  char *issuer = NULL;
  if (app->cfg->flavor == FLAVOR_RFC && !(issuer = issuer_of(app, rq)))
    return -1;
  char *token = tokens_mint(&app->key, u->name, u->roles, u->n_roles, iat, iat + u->lifetime,
                            issuer, NULL, &jti);
  free(issuer);
  if (!token)
    return -1;
  int rc = 0;
  if (!expired)
    rc = token_store_revoke(app->tokens, jti, NULL, (time_t)(now - MINT_PAST));
  cJSON *o = rc == 0 ? cJSON_CreateObject() : NULL;
  char *body = o && cJSON_AddStringToObject(o, "access_token", token) ? cJSON_PrintUnformatted(o)
                                                                      : NULL;
  cJSON_Delete(o);
  free(token);
  free(jti);
  if (reply_take(out, 200, CT_JSON, body) != 0)
    return -1;
  return reply_header(out, "Cache-Control", "no-store");
}

/* GET /_refserver/failed-logins: {"NAME":COUNT} for every account with failed logins, or, with
 * ?user=NAME, {"NAME":COUNT} for that account (0 included). */
static int failed_logins(const struct rs_app *app, const struct rs_request *rq, struct reply *out)
{
  const char *user = rq_query(rq, "user");
  if (!user)
    return reply_take(out, 200, CT_JSON, logins_json(app->logins));
  long n = logins_count(app->logins, user);
  if (n < 0)
    return reply_error(out, 400, "invalid_request", "Unknown username");
  cJSON *o = cJSON_CreateObject();
  char *body = o && cJSON_AddNumberToObject(o, user, (double)n) ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return reply_take(out, 200, CT_JSON, body);
}

static int method_not_allowed(struct reply *out, const char *allow)
{
  char desc[64];
  snprintf(desc, sizeof desc, "Method not allowed; use %s", allow);
  if (reply_error(out, 405, "invalid_request", desc) != 0)
    return -1;
  return reply_header(out, "Allow", allow);
}

int admin_handle(const struct rs_app *app, const struct rs_request *rq, struct reply *out)
{
  const char *what = rq_path(rq) + strlen(ADMIN_PREFIX);
  if (strcmp(what, "failed-logins") == 0)
    return strcmp(rq_method(rq), "GET") == 0 ? failed_logins(app, rq, out)
                                              : method_not_allowed(out, "GET");
  bool is_revoke = strcmp(what, "revoke") == 0;
  if (!is_revoke && strcmp(what, "mint") != 0)
    return reply_error(out, 404, "not_found", "Resource not found");
  if (strcmp(rq_method(rq), "POST") != 0)
    return method_not_allowed(out, "POST");
  struct form form = {0};
  int rc = read_form(rq, &form, out);
  if (rc == 0)
    rc = is_revoke ? revoke(app, &form, out) : mint(app, rq, &form, out);
  form_free(&form);
  return rc < 0 ? -1 : 0;
}
