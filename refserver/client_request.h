/* client_request: the request both revocation (RFC 7009 2.1) and introspection (RFC 7662 2.1)
 * take: a POST with an application/x-www-form-urlencoded body holding token (and an optional
 * token_type_hint, which this server does not need: it has one kind of token), from an
 * authenticated client. */
#ifndef RS_CLIENT_REQUEST_H
#define RS_CLIENT_REQUEST_H

#include "app.h"
#include "client_auth.h"
#include "form.h"
#include "users.h"

#include <stdbool.h>

/* A read request. Zero-initialise; rs_client_request_free() frees. */
typedef struct rs_client_request {
  rs_form form;
  rs_client_auth auth;
  const rs_user *client; /* the authenticated client; NULL when authentication was skipped */
  const char *token;         /* the token parameter, non-empty; points into form */
} rs_client_request;

/* Reads rq for the endpoint site. With authenticate false (deviations only) the client is not
 * authenticated. Returns 0 when cr is ready; 1 when out holds the answer already (405 for another
 * method, 400 invalid_request for a body that is not a form or has no token, the refusal of a
 * failed client authentication); -1 when out of memory. */
int rs_client_request_read(const rs_app *app, const rs_request *rq,
                           rs_client_auth_site site, bool authenticate,
                           rs_client_request *cr, rs_reply *out);

/* Frees what rs_client_request_read() took. Accepts NULL. */
void rs_client_request_free(rs_client_request *cr);

/* Adds Cache-Control: no-store unless out has a Cache-Control: answers about tokens must not be
 * cached (RFC 7662 2.2 and RFC 6749 5.1). 0 or -1. */
int rs_client_request_no_store(rs_reply *out);

#endif
