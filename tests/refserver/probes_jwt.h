/* probes_jwt: the probes of the JWT attack deviations (jwt-*): each forges a token from alice's
 * with the runner's JWS code and returns true when the protected endpoint accepts it. */
#ifndef RS_TEST_PROBES_JWT_H
#define RS_TEST_PROBES_JWT_H

#include "harness.h"

#include <stdbool.h>

bool p_jwt_weak_secret(const struct srv *s);
bool p_jwt_none_kept(const struct srv *s);
bool p_jwt_null_signature(const struct srv *s);
bool p_jwt_hmac_empty_key(const struct srv *s);
bool p_jwt_kid_traversal(const struct srv *s);
bool p_jwt_kid_sqli(const struct srv *s);
bool p_jwt_embedded_jwk(const struct srv *s);
bool p_jwt_jku(const struct srv *s);
bool p_jwt_x5u(const struct srv *s);
bool p_jwt_alg_confusion(const struct srv *s);
bool p_jwt_psychic(const struct srv *s);
bool p_jwt_key_substitution(const struct srv *s);

#endif
