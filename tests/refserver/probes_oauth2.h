/* probes_oauth2: the generic OAuth 2.0 endpoints of the rfc flavour (RFC 8414 and 9728 metadata,
 * RFC 7009 revocation, RFC 7662 introspection, RFC 9068 tokens, Basic client authentication):
 * the "oauth2" test group, and the probes of the oauth2 deviations (probes.c runs them from its
 * table; each returns true when it sees its deviation's defect). The probe server runs with
 * OAUTH2_EXTRA: --flavor rfc, plus bob and carol next to alice ("secret"). */
#ifndef RS_TEST_PROBES_OAUTH2_H
#define RS_TEST_PROBES_OAUTH2_H

#include "harness.h"

#include <stdbool.h>

/* Carol's secret has every character RFC 6749 2.3.1's form-encoding changes ('+', '%', ':',
 * space, '/'); CAROL_SECRET_FORM is it form-encoded, as it goes inside Basic or into a form. */
#define CAROL_SECRET "Carol Secret+:%/1"
#define CAROL_SECRET_FORM "Carol+Secret%2B%3A%25%2F1"
#define OAUTH2_EXTRA_ARGS                                                                          \
  "--flavor", "rfc", "--user", "bob:bobpw", "--user", "carol:" CAROL_SECRET

/* A token of alice ("secret") through HTTP Basic client authentication, or NULL. Caller frees. */
char *alice_basic(const struct srv *s);

/* The "oauth2" test group. */
void group_oauth2(void);

bool p_metadata_issuer_mismatch(const struct srv *s);
bool p_metadata_not_json(const struct srv *s);
bool p_basic_auth_unsupported(const struct srv *s);
bool p_basic_not_form_decoded(const struct srv *s);
bool p_post_auth_unsupported(const struct srv *s);
bool p_token_basic_no_challenge(const struct srv *s);
bool p_revoke_unknown_400(const struct srv *s);
bool p_revoke_no_client_auth(const struct srv *s);
bool p_revoke_noop(const struct srv *s);
bool p_revoke_any_client(const struct srv *s);
bool p_introspect_garbage_active(const struct srv *s);
bool p_introspect_no_auth(const struct srv *s);
bool p_introspect_revoked_active(const struct srv *s);
bool p_introspect_live_inactive(const struct srv *s);
bool p_at_jwt_no_jti(const struct srv *s);
bool p_at_jwt_wrong_iss(const struct srv *s);

#endif
