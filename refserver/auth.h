/* auth: Bearer token verification for the protected endpoints (RFC 6750 2.1, 3), and the 4xx
 * answers for refused requests. */
#ifndef RS_AUTH_H
#define RS_AUTH_H

#include "app.h"
#include "jwt.h"
#include "reply.h"
#include "request.h"

#define AUTH_MAX_HEADER 8192 /* longer Authorization values get 431 */

typedef enum rs_auth_result {
  AUTH_OK,
  AUTH_MISSING,      /* no Authorization header */
  AUTH_WRONG_SCHEME, /* a scheme other than Bearer: no Bearer credentials were presented */
  AUTH_MALFORMED,    /* "Bearer" without a token, "BearerT", a token with spaces */
  AUTH_DUPLICATE,    /* more than one Authorization header */
  AUTH_TOO_LARGE,    /* an Authorization value over AUTH_MAX_HEADER bytes */
  AUTH_GARBAGE,      /* not a JWT at all */
  AUTH_INVALID,      /* a JWT we did not issue: bad alg, signature, claims or user */
  AUTH_EXPIRED,
  AUTH_REVOKED,
  AUTH_SERVER_ERROR, /* only deviations: the 500 of a server that trips over the request */
  AUTH_NOMEM
} rs_auth_result;

/* Verifies the request's credentials. On AUTH_OK *who holds the token's claims (caller frees with
 * rs_jwt_claims_free); otherwise *who is empty. */
rs_auth_result rs_auth_bearer(const rs_app *app, const rs_request *rq,
                              rs_jwt_claims *who);

/* Verifies token as the protected endpoints of rq's node do: signature, claims, expiry,
 * revocation and the state of its user, with every enabled deviation of those checks (the
 * cluster's included: rq says which node answers). On AUTH_OK *who holds the claims (caller frees
 * with rs_jwt_claims_free); otherwise *who is empty. Introspection answers with it. */
rs_auth_result rs_auth_token(const rs_app *app, const rs_request *rq, const char *token,
                             rs_jwt_claims *who);

/* Fills out with the refusal for result (anything but AUTH_OK and AUTH_NOMEM). resource_metadata,
 * when not NULL, is the URL of the RFC 9728 protected resource metadata, which the Bearer
 * challenge then names (RFC 9728 5.1). 0 or -1. */
int rs_auth_refuse(rs_auth_result result, const char *resource_metadata, rs_reply *out);

#endif
