/* introspection: RFC 7662 token introspection. A token is active exactly when the protected
 * endpoints would accept it (auth_token()), so the two never disagree on a correct server. */
#include "introspection.h"

#include "auth.h"
#include "client_request.h"
#include "deviations.h"
#include "issuer.h"
#include "tokens.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>

/* {"active":false}, and nothing else: RFC 7662 2.2 leaves out why. */
static int inactive(struct reply *out)
{
  return reply_text(out, 200, CT_JSON, "{\"active\":false}");
}

/* {"active":true,...} with the claims of who. */
static int active(const struct rs_app *app, const struct rs_request *rq,
                  const struct jwt_claims *who, struct reply *out)
{
  /* A token without iss (the documented flavour's shape, signed with the same --signing-key by a
   * documented server) is described with the issuer this request sees. */
  char *issuer = who->iss ? NULL : issuer_of(app, rq);
  const char *iss = who->iss ? who->iss : issuer;
  cJSON *o = iss ? cJSON_CreateObject() : NULL;
  bool ok = o && cJSON_AddTrueToObject(o, "active") &&
            cJSON_AddStringToObject(o, "client_id", who->client_id ? who->client_id : who->sub) &&
            cJSON_AddStringToObject(o, "sub", who->sub) &&
            cJSON_AddStringToObject(o, "token_type", "Bearer") &&
            cJSON_AddNumberToObject(o, "exp", (double)who->exp) &&
            cJSON_AddNumberToObject(o, "iat", (double)who->iat) &&
            cJSON_AddStringToObject(o, "iss", iss) &&
            (!who->aud || cJSON_AddStringToObject(o, "aud", who->aud)) &&
            (who->jti_made_up || cJSON_AddStringToObject(o, "jti", who->jti));
  free(issuer);
  char *body = ok ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return reply_take(out, 200, CT_JSON, body);
}

static int introspect(const struct rs_app *app, const struct rs_request *rq, const char *token,
                      struct reply *out)
{
  struct jwt_claims who;
  enum auth_result r = auth_token(app, token, &who);
  if (r == AUTH_NOMEM)
    return -1;
  if (r == AUTH_REVOKED && dev_on(DEV_INTROSPECT_REVOKED_ACTIVE)) {
    /* As if introspection checked the signature and exp, but not the revocation list. */
    enum jwt_status st = jwt_verify(token, &app->key, tokens_verify_flags(), &who);
    if (st == JWT_NOMEM)
      return -1;
    if (st == JWT_OK)
      r = AUTH_OK;
  }
  if (r == AUTH_OK) {
    int rc = dev_on(DEV_INTROSPECT_LIVE_INACTIVE) ? inactive(out) : active(app, rq, &who, out);
    jwt_claims_free(&who);
    return rc;
  }
  /* introspect-garbage-active: as if any token that failed to parse were looked up in a cache
   * that answers "present" for everything. */
  if ((r == AUTH_GARBAGE || r == AUTH_INVALID) && dev_on(DEV_INTROSPECT_GARBAGE_ACTIVE))
    return reply_text(out, 200, CT_JSON, "{\"active\":true}");
  return inactive(out);
}

int introspection_endpoint(const struct rs_app *app, const struct rs_request *rq,
                           struct reply *out)
{
  struct client_request cr = {0};
  int rc = client_request_read(app, rq, CA_INTROSPECTION, !dev_on(DEV_INTROSPECT_NO_AUTH), &cr,
                               out);
  if (rc == 0)
    rc = introspect(app, rq, cr.token, out);
  client_request_free(&cr);
  if (rc >= 0 && client_request_no_store(out) != 0)
    rc = -1;
  return rc < 0 ? -1 : 0;
}
