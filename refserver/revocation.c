/* revocation: RFC 7009 token revocation. A token this server signed and issued to the
 * authenticated client is revoked in the same store the admin revoke writes (tokens.c), so the
 * protected endpoints refuse it at once. */
#include "revocation.h"

#include "client_request.h"
#include "deviations.h"
#include "node_faults.h"
#include "tokens.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* RFC 7009 2.2: 200 with an empty body; nothing in it to label, so no Content-Type. */
static int revoked(rs_reply *out) { return rs_reply_take(out, 200, NULL, strdup("")); }

static int revoke(const rs_app *app, const rs_request *rq, const rs_client_request *cr,
                  rs_reply *out)
{
  if (rs_dev_on(DEV_REVOKE_NOOP))
    return revoked(out);
  rs_jwt_claims c;
  rs_jwt_status st = rs_jwt_verify(cr->token, rs_node_key(app, rq), rs_tokens_verify_flags(), &c);
  if (st == JWT_NOMEM)
    return -1;
  if (st != JWT_OK) {
    /* RFC 7009 2.2: an invalid token is no error; the client's purpose is achieved. */
    if (rs_dev_on(DEV_REVOKE_UNKNOWN_400))
      return rs_reply_error(out, 400, "invalid_request", "Unknown token");
    return revoked(out);
  }
  time_t now = time(NULL), when = 0;
  /* An expired or revoked token is invalid already: nothing to do, nothing to refuse. */
  bool dead = c.exp <= (long long)now || rs_token_store_revoked(app->tokens, c.jti, &when);
  /* RFC 7009 2.1: the server verifies that the token was issued to the requesting client, and
   * refuses the request otherwise. The client is client_id (RFC 9068), or the subject of a token
   * without one: with client credentials the client is the subject. */
  const char *owner = c.client_id ? c.client_id : c.sub;
  int rc;
  if (!dead && cr->client && strcmp(owner, cr->client->name) != 0 &&
      !rs_dev_on(DEV_REVOKE_ANY_CLIENT))
    rc = rs_reply_error(out, 400, "unauthorized_client", "The token was issued to another client");
  else if (!dead && rs_token_store_revoke(app->tokens, c.jti, c.sub, now) != 0)
    rc = -1;
  else
    rc = revoked(out);
  rs_jwt_claims_free(&c);
  return rc;
}

int rs_revocation_endpoint(const rs_app *app, const rs_request *rq, rs_reply *out)
{
  rs_client_request cr = {0};
  int rc = rs_client_request_read(app, rq, CA_REVOCATION, !rs_dev_on(DEV_REVOKE_NO_CLIENT_AUTH),
                                  &cr, out);
  if (rc == 0)
    rc = revoke(app, rq, &cr, out);
  rs_client_request_free(&cr);
  if (rc >= 0 && rs_client_request_no_store(out) != 0)
    rc = -1;
  return rc < 0 ? -1 : 0;
}
