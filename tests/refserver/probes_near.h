/* probes_near: the probes of the cred-near-* deviations (probes.c runs them from its table). Each
 * returns true when the server issues a token for a near-miss of alice's secret "secret". */
#ifndef RS_TEST_PROBES_NEAR_H
#define RS_TEST_PROBES_NEAR_H

#include "harness.h"

#include <stdbool.h>

bool p_near_empty(const struct srv *s);
bool p_near_appended(const struct srv *s);
bool p_near_truncated(const struct srv *s);
bool p_near_case(const struct srv *s);
bool p_near_whitespace(const struct srv *s);
bool p_near_nul(const struct srv *s);

/* TAP tests: each cred-near deviation shows only its own near-miss (cred-near-appended accepts
 * trailing whitespace too: those are appended characters), and an empty secret for an unknown
 * client_id stays refused (that is token-empty-secret-accepted, caught elsewhere). */
void near_narrowness(void);

#endif
