/* introspection: RFC 7662 token introspection. A token is active exactly when the protected
 * endpoints would accept it (rs_auth_token()), so the two never disagree on a correct server. */
#include "introspection.h"

#include "auth.h"
#include "client_request.h"
#include "deviations.h"
#include "issuer.h"
#include "node_faults.h"
#include "tokens.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>

/* {"active":false}, and nothing else: RFC 7662 2.2 leaves out why. */
static int inactive(rs_reply *out)
{
  return rs_reply_text(out, 200, CT_JSON, "{\"active\":false}");
}

/* {"active":true,...} with the claims of who. */
static int active(const rs_app *app, const rs_request *rq,
                  const rs_jwt_claims *who, rs_reply *out)
{
  /* A token without iss (the documented flavour's shape, signed with the same --signing-key by a
   * documented server) is described with the issuer this request sees. */
  char *issuer = who->iss ? NULL : rs_issuer_of(app, rq);
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
  return rs_reply_take(out, 200, CT_JSON, body);
}

static int introspect(const rs_app *app, const rs_request *rq, const char *token,
                      rs_reply *out)
{
  rs_jwt_claims who;
  rs_auth_result r = rs_auth_token(app, rq, token, &who);
  if (r == AUTH_NOMEM)
    return -1;
  if (r == AUTH_REVOKED && rs_dev_on(DEV_INTROSPECT_REVOKED_ACTIVE)) {
    /* As if introspection checked the signature and exp, but not the revocation list. */
    rs_jwt_status st = rs_jwt_verify(token, rs_node_key(app, rq), rs_tokens_verify_flags(), &who);
    if (st == JWT_NOMEM)
      return -1;
    if (st == JWT_OK)
      r = AUTH_OK;
  }
  if (r == AUTH_OK) {
    int rc = rs_dev_on(DEV_INTROSPECT_LIVE_INACTIVE) ? inactive(out) : active(app, rq, &who, out);
    rs_jwt_claims_free(&who);
    return rc;
  }
  /* introspect-garbage-active: as if any token that failed to parse were looked up in a cache
   * that answers "present" for everything. */
  if ((r == AUTH_GARBAGE || r == AUTH_INVALID) && rs_dev_on(DEV_INTROSPECT_GARBAGE_ACTIVE))
    return rs_reply_text(out, 200, CT_JSON, "{\"active\":true}");
  return inactive(out);
}

int rs_introspection_endpoint(const rs_app *app, const rs_request *rq,
                              rs_reply *out)
{
  rs_client_request cr = {0};
  int rc = rs_client_request_read(app, rq, CA_INTROSPECTION, !rs_dev_on(DEV_INTROSPECT_NO_AUTH),
                                  &cr, out);
  if (rc == 0)
    rc = introspect(app, rq, cr.token, out);
  rs_client_request_free(&cr);
  if (rc >= 0 && rs_client_request_no_store(out) != 0)
    rc = -1;
  return rc < 0 ? -1 : 0;
}
