/* metadata: RFC 8414 and RFC 9728 documents, built per request because the issuer is the URL the
 * client used (rs_issuer_of()). */
#include "metadata.h"

#include "deviations.h"
#include "issuer.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The client authentication methods the token, revocation and introspection endpoints accept
 * (client_auth.c): RFC 6749 2.3.1's Basic, and the form parameters. */
static const char *const auth_methods[] = {"client_secret_basic", "client_secret_post"};

/* Adds name: [values...] to o; false when out of memory. */
static bool add_strings(cJSON *o, const char *name, const char *const *values, size_t n)
{
  cJSON *a = n ? cJSON_CreateStringArray(values, (int)n) : cJSON_CreateArray();
  if (a && cJSON_AddItemToObject(o, name, a))
    return true;
  cJSON_Delete(a);
  return false;
}

/* Adds name: issuer + suffix to o; false when out of memory. */
static bool add_url(cJSON *o, const char *name, const char *issuer, const char *suffix)
{
  char *url = rs_issuer_join(issuer, suffix);
  bool ok = url && cJSON_AddStringToObject(o, name, url);
  free(url);
  return ok;
}

/* Answers 200 with o printed (and deletes o); content_type as given. */
static int send_json(cJSON *o, const char *content_type, rs_reply *out)
{
  char *body = o ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return rs_reply_take(out, 200, content_type, body);
}

int rs_metadata_authorization_server(const rs_app *app, const rs_request *rq,
                                     rs_reply *out)
{
  if (!rs_rq_is_get(rq))
    return rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  char *issuer = rs_issuer_of(app, rq);
  char *shown = NULL;
  cJSON *o = issuer ? cJSON_CreateObject() : NULL;
  /* metadata-issuer-mismatch: a trailing slash, the commonest way an issuer stops being equal to
   * the one the metadata URL was built from (RFC 8414 3.3). */
  if (o)
    shown = rs_dev_on(DEV_METADATA_ISSUER_MISMATCH) ? rs_issuer_join(issuer, "/") : strdup(issuer);
  static const char *const grants[] = {"client_credentials"};
  size_t n_methods = sizeof auth_methods / sizeof auth_methods[0];
  /* response_types_supported is REQUIRED by RFC 8414 2, but it lists what the authorization
   * endpoint answers, and this server has none (client credentials only): an empty list is the
   * true answer. jwks_uri only for RS256 and ES256 tokens: an HS256 key is never published. */
  bool ok = shown && cJSON_AddStringToObject(o, "issuer", shown) &&
            add_url(o, "token_endpoint", issuer, "/auth/token") &&
            add_url(o, "revocation_endpoint", issuer, "/auth/revoke") &&
            add_url(o, "introspection_endpoint", issuer, "/auth/introspect") &&
            add_strings(o, "token_endpoint_auth_methods_supported", auth_methods, n_methods) &&
            add_strings(o, "revocation_endpoint_auth_methods_supported", auth_methods,
                        n_methods) &&
            add_strings(o, "introspection_endpoint_auth_methods_supported", auth_methods,
                        n_methods) &&
            add_strings(o, "grant_types_supported", grants, 1) &&
            add_strings(o, "response_types_supported", NULL, 0) &&
            (app->key.alg == JWT_HS256 || add_url(o, "jwks_uri", issuer, JWKS_PATH));
  free(shown);
  free(issuer);
  if (!ok) {
    cJSON_Delete(o);
    return -1;
  }
  return send_json(o, rs_dev_on(DEV_METADATA_NOT_JSON) ? CT_TEXT : CT_JSON, out);
}

int rs_metadata_protected_resource(const rs_app *app, const rs_request *rq,
                                   rs_reply *out)
{
  if (!rs_rq_is_get(rq))
    return rs_reply_method_not_allowed(out, "GET", "GET, HEAD");
  /* The API under the prefix is the resource, and this server its only authorization server. */
  static const char *const header[] = {"header"};
  char *issuer = rs_issuer_of(app, rq);
  cJSON *o = issuer ? cJSON_CreateObject() : NULL;
  const char *servers[] = {issuer};
  bool ok = o && cJSON_AddStringToObject(o, "resource", issuer) &&
            add_strings(o, "authorization_servers", servers, 1) &&
            add_strings(o, "bearer_methods_supported", header, 1);
  free(issuer);
  if (!ok) {
    cJSON_Delete(o);
    return -1;
  }
  return send_json(o, CT_JSON, out);
}
