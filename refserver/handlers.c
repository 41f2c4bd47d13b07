/* handlers: routing, and the health, hello and projects endpoints of the documented API. */
#include "handlers.h"

#include "admin.h"
#include "auth.h"
#include "deviations.h"
#include "form.h"
#include "introspection.h"
#include "issuer.h"
#include "metadata.h"
#include "node_faults.h"
#include "revocation.h"
#include "token_endpoint.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int not_found(rs_reply *out)
{
  if (rs_dev_on(DEV_ERROR_STACK_TRACE))
    return rs_reply_error(out, 404, "not_found", "Resource not found\n" DEV_JAVA_STACK_TRACE);
  return rs_reply_error(out, 404, "not_found", "Resource not found");
}

/* Verifies the caller; returns 1 with *who filled when the request may go on, 0 when out holds
 * the refusal, -1 on memory. */
static int authenticate(const rs_app *app, const rs_request *rq,
                        rs_jwt_claims *who, rs_reply *out)
{
  rs_auth_result r = rs_auth_bearer(app, rq, who);
  if (r == AUTH_OK)
    return 1;
  if (r == AUTH_NOMEM)
    return -1;
  /* The rfc flavour points the client at its protected resource metadata (RFC 9728 5.1). */
  char *rm = NULL;
  if (app->cfg->flavor == FLAVOR_RFC && !(rm = rs_issuer_well_known(app, rq, METADATA_PR_PATH)))
    return -1;
  int rc = rs_auth_refuse(r, rm, out);
  free(rm);
  return rc == 0 ? 0 : -1;
}

/* authenticate() for the endpoints that only look at how many roles the caller has: *n_roles is
 * set when it returns 1. */
static int authenticate_roles(const rs_app *app, const rs_request *rq, size_t *n_roles,
                              rs_reply *out)
{
  rs_jwt_claims who;
  int rc = authenticate(app, rq, &who, out);
  if (rc <= 0)
    return rc;
  *n_roles = who.n_roles;
  rs_jwt_claims_free(&who);
  return 1;
}

/* GET test/healthcheck: no authentication (the one documented exception). */
static int health(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  size_t n_roles;
  int rc = rs_dev_on(DEV_HEALTH_REQUIRES_AUTH) ? authenticate_roles(app, rq, &n_roles, out) : 1;
  if (rc <= 0)
    return rc;
  /* node-health-down: the last node reports itself unavailable (a balancer would drop it). */
  if (rs_node_fault(app, rq, DEV_NODE_HEALTH_DOWN))
    return rs_reply_text(out, 503, CT_TEXT, "Service Unavailable");
  if (rs_dev_on(DEV_HEALTH_JSON))
    return rs_reply_text(out, 200, CT_JSON, "{\"status\":\"UP\"}");
  return rs_reply_text(out, 200, CT_TEXT,
                       rs_dev_on(DEV_HEALTH_VERSION_LEAK) ? "OK apinizer/2024.1.0" : "OK");
}

/* Copies name for a text/plain body: control characters and invalid UTF-8 become '?', so a
 * decoded %0d%0a or a stray byte is never reflected raw. Caller frees; NULL on memory. */
static char *clean_name(const char *name)
{
  size_t len = strlen(name);
  char *out = malloc(len + 1);
  if (!out)
    return NULL;
  const unsigned char *s = (const unsigned char *)name;
  size_t i = 0, o = 0;
  while (i < len) {
    size_t n = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : 2;
    if (s[i] < 0x20 || s[i] == 0x7f || n > len - i || (n > 1 && !rs_utf8_valid(name + i, n))) {
      out[o++] = '?';
      i++;
      continue;
    }
    memcpy(out + o, s + i, n);
    o += n;
    i += n;
  }
  out[o] = '\0';
  return out;
}

/* GET test/hello/{name}: "Hello {name}" for an authenticated caller. */
static int hello(const rs_app *app, const rs_request *rq, const char *name,
                 rs_reply *out)
{
  size_t n_roles;
  int rc = authenticate_roles(app, rq, &n_roles, out);
  if (rc <= 0)
    return rc;
  if (n_roles == 0 && rs_dev_on(DEV_HELLO_REQUIRES_ROLE))
    return rs_reply_error(out, 403, "forbidden", "Access is denied");
  char *clean = clean_name(name);
  size_t len = clean ? strlen(clean) + 8 : 0;
  char *body = clean ? malloc(len) : NULL;
  if (body)
    snprintf(body, len, "%s %s", rs_dev_on(DEV_HELLO_WRONG_BODY) ? "Hi" : "Hello", clean);
  free(clean);
  return rs_reply_take(out, 200, CT_TEXT, body);
}

/* The 403 for a caller that lacks a right (RFC 6750 3.1): "forbidden" as the Apinizer docs say;
 * the rfc flavour answers insufficient_scope with a Bearer challenge naming what is needed
 * (scope, when not NULL). 0 or -1. */
static int forbidden(const rs_app *app, const char *scope, rs_reply *out)
{
  if (rs_dev_on(DEV_FORBIDDEN_NOT_JSON))
    return rs_reply_text(out, 403, CT_TEXT, "Access is denied");
  if (app->cfg->flavor != FLAVOR_RFC)
    return rs_reply_error(out, 403, "forbidden", "Access is denied");
  unsigned status = rs_dev_on(DEV_INSUFFICIENT_SCOPE_401) ? 401 : 403;
  char challenge[256];
  snprintf(challenge, sizeof challenge,
           "Bearer error=\"insufficient_scope\", error_description=\"The access token lacks the "
           "rights this resource needs\"%s%s%s",
           scope ? ", scope=\"" : "", scope ? scope : "", scope ? "\"" : "");
  if (rs_reply_error(out, status, "insufficient_scope",
                     "The access token lacks the rights this resource needs") != 0)
    return -1;
  return rs_reply_header(out, "WWW-Authenticate", challenge);
}

/* The scope GET test/scoped requires (the rfc flavour's resource for the generic scope checks). */
#define SCOPED_RESOURCE_SCOPE "read"

/* True when the space-separated list (may be NULL) has name. */
static bool has_scope(const char *list, const char *name)
{
  size_t len = strlen(name);
  for (const char *p = list ? list : ""; *p;) {
    size_t n = strcspn(p, " ");
    if (n == len && strncmp(p, name, n) == 0)
      return true;
    p += n;
    p += strspn(p, " ");
  }
  return false;
}

/* GET test/scoped (rfc flavour): opens for a token granted SCOPED_RESOURCE_SCOPE; any other valid
 * token gets 403 insufficient_scope (RFC 6750 3.1). */
static int scoped(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  rs_jwt_claims who;
  int rc = authenticate(app, rq, &who, out);
  if (rc <= 0)
    return rc;
  bool granted = has_scope(who.scope, SCOPED_RESOURCE_SCOPE);
  rs_jwt_claims_free(&who);
  if (!granted && !rs_dev_on(DEV_SCOPE_IGNORED))
    return forbidden(app, SCOPED_RESOURCE_SCOPE, out);
  return rs_reply_text(out, 200, CT_JSON,
                       "{\"status\":\"SUCCESS\",\"scope\":\"" SCOPED_RESOURCE_SCOPE "\"}");
}

/* GET projects/: the projects of the caller; a caller without any role may list nothing. */
static int projects(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  if (rs_dev_on(DEV_PROJECTS_NO_HEADER_200) && rs_rq_header_count(rq, "Authorization") == 0 &&
      !rs_rq_query(rq, "access_token"))
    return rs_reply_text(out, 200, CT_JSON,
                         "{\"status\":\"SUCCESS\",\"resultList\":[],\"resultCount\":0}");
  size_t n_roles;
  int rc = authenticate_roles(app, rq, &n_roles, out);
  if (rc <= 0)
    return rc;
  if (n_roles == 0 && !rs_dev_on(DEV_ROLES_IGNORED))
    return forbidden(app, NULL, out);
  const char *body =
    rs_dev_on(DEV_PROJECTS_WRONG_SHAPE)
      ? "{\"status\":\"SUCCESS\",\"result\":[{\"id\":\"p1\",\"name\":\"demo\"}],\"resultCount\":1}"
    : rs_dev_on(DEV_PROJECTS_COUNT_SHORT)
      ? "{\"status\":\"SUCCESS\",\"resultList\":[{\"id\":\"p1\",\"name\":\"demo\"},"
        "{\"id\":\"p2\",\"name\":\"staging\"}],\"resultCount\":1}"
      : "{\"status\":\"SUCCESS\",\"resultList\":[{\"id\":\"p1\",\"name\":\"demo\"}],"
        "\"resultCount\":1}";
  return rs_reply_text(out, 200, CT_JSON, body);
}

/* The JWK Set of an RS256 or ES256 key; 404 for HS256, whose key is never published. Each node
 * publishes the key it signs with (node-own-key: the last node its own). */
static int jwks(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  char *text = rs_jwt_jwks_json(rs_node_key(app, rq));
  if (!text)
    return app->key.alg == JWT_HS256 ? not_found(out) : -1;
  int rc = rs_reply_text(out, 200, CT_JSON, text);
  free(text);
  return rc;
}

/* True when path is well_known followed by the prefix (RFC 8414 3.1, RFC 9728 3.1: the
 * well-known segment goes between the host and the issuer's path). */
static bool is_well_known(const char *path, const char *well_known, const char *prefix)
{
  size_t n = strlen(well_known);
  return strncmp(path, well_known, n) == 0 && strcmp(path + n, prefix) == 0;
}

/* Routes a path below the API prefix. */
static int api(const rs_app *app, const rs_request *rq, const char *rest,
               rs_reply *out)
{
  static const char hello_path[] = "/test/hello/";
  bool rfc = app->cfg->flavor == FLAVOR_RFC;
  if (strcmp(rest, "/auth/token") == 0)
    return rs_token_endpoint(app, rq, out);
  /* The generic OAuth 2.0 endpoints exist only in the rfc flavour: the documented API has none. */
  if (rfc && strcmp(rest, "/auth/revoke") == 0)
    return rs_revocation_endpoint(app, rq, out);
  if (rfc && strcmp(rest, "/auth/introspect") == 0)
    return rs_introspection_endpoint(app, rq, out);
  if (rfc && strcmp(rest, METADATA_OIDC_PATH) == 0)
    return rs_metadata_authorization_server(app, rq, out);
  if (rfc && strcmp(rest, "/test/scoped") == 0)
    return rs_rq_is_get(rq) ? scoped(app, rq, out) : rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  if (strcmp(rest, JWKS_PATH) == 0)
    return rs_rq_is_get(rq) ? jwks(app, rq, out) : rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  if (strcmp(rest, "/test/healthcheck") == 0)
    return rs_rq_is_get(rq) ? health(app, rq, out) : rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  if (strncmp(rest, hello_path, sizeof hello_path - 1) == 0 && rest[sizeof hello_path - 1])
    return rs_rq_is_get(rq) ? hello(app, rq, rest + sizeof hello_path - 1, out)
                      : rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  if (strcmp(rest, "/projects/") == 0 || strcmp(rest, "/projects") == 0)
    return rs_rq_is_get(rq) ? projects(app, rq, out) : rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  return not_found(out);
}

int rs_handle_request(rs_app *app, const rs_request *rq, rs_reply *out)
{
  const char *path = rs_rq_path(rq);
  const char *prefix = app->cfg->prefix;
  size_t plen = strlen(prefix);
  /* The admin interface lives outside the documented prefix and does not exist without --admin. */
  if (app->cfg->admin && strncmp(path, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0)
    return rs_admin_handle(app, rq, out);
  if (app->cfg->flavor == FLAVOR_RFC && is_well_known(path, METADATA_AS_PATH, prefix))
    return rs_metadata_authorization_server(app, rq, out);
  if (app->cfg->flavor == FLAVOR_RFC && is_well_known(path, METADATA_PR_PATH, prefix))
    return rs_metadata_protected_resource(app, rq, out);
  if (strncmp(path, prefix, plen) == 0 && path[plen] == '/')
    return api(app, rq, path + plen, out);
  return not_found(out);
}
