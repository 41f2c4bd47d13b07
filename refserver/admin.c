/* admin: the test-only endpoints under /_refserver/ (revoke, mint, failed-logins), enabled by
 * --admin. They let a test produce what a real deployment makes through its console (revoked and
 * expired tokens) and read what its audit log would show (failed logins per account). */
#include "admin.h"

#include "cluster.h"
#include "form.h"
#include "issuer.h"
#include "logins.h"
#include "node_faults.h"
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

static int read_form(const rs_request *rq, rs_form *form, rs_reply *out)
{
  size_t len = 0;
  const char *body = rs_rq_body(rq, &len);
  switch (rs_form_parse(body ? body : "", len, false, form)) {
  case FORM_OK:
    return 0;
  case FORM_NOMEM:
    return -1;
  default:
    return rs_reply_error(out, 400, "invalid_request", "Malformed form body") == 0 ? 1 : -1;
  }
}

/* POST /_refserver/revoke, form token=T: T must be a token this server signed. Under node-own-key
 * that is either key: the operator revokes through any node what any node issued. */
static int revoke(const rs_app *app, const rs_form *form, rs_reply *out)
{
  const char *token = rs_form_get(form, "token");
  rs_jwt_claims c;
  unsigned flags = rs_tokens_verify_flags();
  if (!token || (rs_jwt_verify(token, &app->key, flags, &c) != JWT_OK &&
                 (!app->node_key || rs_jwt_verify(token, app->node_key, flags, &c) != JWT_OK)))
    return rs_reply_error(out, 400, "invalid_request", "Not a token issued by this server");
  int rc = rs_token_store_revoke(app->tokens, c.jti, c.sub, time(NULL));
  rs_jwt_claims_free(&c);
  if (rc != 0)
    return -1;
  return rs_reply_text(out, 200, CT_JSON, "{\"revoked\":true}");
}

/* POST /_refserver/mint, form username=U&kind=expired|revoked. In the rfc flavour the token is
 * an RFC 9068 one naming the issuer this request saw, like the token endpoint's. It is signed with
 * the key of the node that answers (node-own-key: the last node's own), on the true clock. */
static int mint(const rs_app *app, const rs_request *rq, const rs_form *form,
                rs_reply *out)
{
  const char *name = rs_form_get(form, "username");
  const char *kind = rs_form_get(form, "kind");
  const rs_user *u = name ? rs_users_find(app->users, name) : NULL;
  if (!u)
    return rs_reply_error(out, 400, "invalid_request", "Unknown username");
  bool expired = kind && strcmp(kind, "expired") == 0;
  if (!expired && !(kind && strcmp(kind, "revoked") == 0))
    return rs_reply_error(out, 400, "invalid_request", "kind must be expired or revoked");
  long long now = (long long)time(NULL);
  long long iat = expired ? now - MINT_PAST - u->lifetime : now;
  char *jti = NULL;
  char *issuer = NULL;
  if (app->cfg->flavor == FLAVOR_RFC && !(issuer = rs_issuer_of(app, rq)))
    return -1;
  char *token = rs_tokens_mint(rs_node_key(app, rq), u->name, u->roles, u->n_roles, iat, iat + u->lifetime,
                               issuer, NULL, &jti);
  free(issuer);
  if (!token)
    return -1;
  int rc = 0;
  if (!expired)
    rc = rs_token_store_revoke(app->tokens, jti, NULL, (time_t)(now - MINT_PAST));
  cJSON *o = rc == 0 ? cJSON_CreateObject() : NULL;
  char *body = o && cJSON_AddStringToObject(o, "access_token", token) ? cJSON_PrintUnformatted(o)
                                                                      : NULL;
  cJSON_Delete(o);
  free(token);
  free(jti);
  if (rs_reply_take(out, 200, CT_JSON, body) != 0)
    return -1;
  return rs_reply_header(out, "Cache-Control", "no-store");
}

/* GET /_refserver/failed-logins: {"NAME":COUNT} for every account with failed logins, or, with
 * ?user=NAME, {"NAME":COUNT} for that account (0 included). */
static int failed_logins(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  const char *user = rs_rq_query(rq, "user");
  if (!user)
    return rs_reply_take(out, 200, CT_JSON, rs_logins_json(app->logins));
  long n = rs_logins_count(app->logins, user);
  if (n < 0)
    return rs_reply_error(out, 400, "invalid_request", "Unknown username");
  cJSON *o = cJSON_CreateObject();
  char *body = o && cJSON_AddNumberToObject(o, user, (double)n) ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return rs_reply_take(out, 200, CT_JSON, body);
}

int rs_admin_handle(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  const char *what = rs_rq_path(rq) + strlen(ADMIN_PREFIX);
  if (strcmp(what, "failed-logins") == 0)
    return strcmp(rs_rq_method(rq), "GET") == 0 ? failed_logins(app, rq, out)
                                              : rs_reply_method_not_allowed(out, "GET", "GET");
  if (strcmp(what, "nodes") == 0) /* --cluster: requests per node; no nodes for one server */
    return strcmp(rs_rq_method(rq), "GET") == 0 ? rs_reply_take(out, 200, CT_JSON, rs_cluster_json(app->cluster))
                                              : rs_reply_method_not_allowed(out, "GET", "GET");
  bool is_revoke = strcmp(what, "revoke") == 0;
  if (!is_revoke && strcmp(what, "mint") != 0)
    return rs_reply_error(out, 404, "not_found", "Resource not found");
  if (strcmp(rs_rq_method(rq), "POST") != 0)
    return rs_reply_method_not_allowed(out, "POST", "POST");
  rs_form form = {0};
  int rc = read_form(rq, &form, out);
  if (rc == 0)
    rc = is_revoke ? revoke(app, &form, out) : mint(app, rq, &form, out);
  rs_form_free(&form);
  return rc < 0 ? -1 : 0;
}
