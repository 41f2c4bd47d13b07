/* client_auth: client authentication (RFC 6749 2.3) for the endpoints that authenticate clients:
 * the token endpoint, revocation (RFC 7009 2.1) and introspection (RFC 7662 2.1). Reads HTTP Basic
 * (rfc flavour, RFC 6749 2.3.1) or the form's client_id and client_secret, applies the throttle,
 * and gives the one refusal every failed client authentication gets, which also counts the
 * failed login of the account it named. */
#ifndef RS_CLIENT_AUTH_H
#define RS_CLIENT_AUTH_H

#include "app.h"
#include "form.h"
#include "users.h"

#include <stdbool.h>
#include <time.h>

/* Where the credentials arrived: the deviations of the token endpoint stay there. */
typedef enum rs_client_auth_site { CA_TOKEN, CA_REVOCATION, CA_INTROSPECTION } rs_client_auth_site;

/* Who the client claims to be. Zero-initialise with the site set; rs_client_auth_clear() frees. */
typedef struct rs_client_auth {
  rs_client_auth_site site;
  const char *id;     /* points into the form or at basic_id; NULL when absent */
  const char *secret; /* likewise; NULL when absent */
  bool basic;         /* the client used HTTP Basic */
  char *basic_id;     /* owned: the decoded Basic credentials */
  char *basic_secret;
} rs_client_auth;

/* Reads the credentials of rq. In the rfc flavour an "Authorization: Basic" header is the client
 * authentication (with a client_secret in the form too, the request is refused: one method per
 * request, RFC 6749 2.3); otherwise c->id and c->secret come from form, unchecked (either may be
 * NULL or empty). Returns 0, 1 when out holds a refusal already, -1 when out of memory. */
int rs_client_auth_read(const rs_app *app, const rs_request *rq,
                        const rs_form *form, rs_client_auth *c, rs_reply *out);

/* Fills out with the refusal of a failed client authentication: 401 invalid_client (the
 * documented flavour: unauthorized_client "Bad credentials"), the same bytes for an unknown
 * client and a wrong secret (OWASP ASVS 6.3.8), and in the rfc flavour a Basic challenge. id is
 * the client_id the request named (NULL when none was read): when it is an account, the refusal
 * counts as a failed login of it. c may be NULL (no credentials were read). unknown_user exists
 * only for the enumeration deviations. 0 or -1. */
int rs_client_auth_refuse(const rs_app *app, const rs_client_auth *c, const char *id,
                          bool unknown_user, rs_reply *out);

/* When --throttle has locked id out at now (as rq's node counts: node_faults.h), fills out with
 * 429 and Retry-After and returns 1; 0 when the request may go on; -1 when out of memory. */
int rs_client_auth_throttled(const rs_app *app, const rs_request *rq, const char *id, time_t now,
                             rs_reply *out);

/* The whole check of the revocation and introspection endpoints: rs_client_auth_read(), then the
 * client's secret against its account. Returns 0 with *who set to the authenticated account, 1
 * when out holds the refusal, -1 when out of memory. */
int rs_client_auth_verify(const rs_app *app, const rs_request *rq,
                          const rs_form *form, rs_client_auth *c, const rs_user **who,
                          rs_reply *out);

/* Wipes and frees the decoded Basic credentials. Accepts NULL. */
void rs_client_auth_clear(rs_client_auth *c);

#endif
