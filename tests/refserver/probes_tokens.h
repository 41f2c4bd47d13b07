/* probes_tokens: probes of the deviations in a token's life after issuance: tokens repeated back
 * to back or across clients, expiry (ignored, late, early, exp claim) and revocation (ignored,
 * delayed, too wide) (probes.c runs them from its table). Each returns true when it sees its deviation's defect. The probe server has
 * alice (password "secret") and shorty ("pw"), and --admin. */
#ifndef RS_TEST_PROBES_TOKENS_H
#define RS_TEST_PROBES_TOKENS_H

#include "harness.h"

#include <stdbool.h>

bool p_same_back_to_back(const struct srv *s);
bool p_shared_across_clients(const struct srv *s);
bool p_revoke_all_of_user(const struct srv *s);

/* Needs the account early:pw with a 4 s lifetime (EARLY_USER). */
#define EARLY_USER "early:pw:4"
bool p_expires_early(const struct srv *s);
bool p_expiry_ignored(const struct srv *s);
bool p_expiry_late(const struct srv *s);
bool p_exp_mismatch(const struct srv *s);
bool p_expiry_code(const struct srv *s);
bool p_expiry_challenge(const struct srv *s);
bool p_revocation_ignored(const struct srv *s);
bool p_revocation_delayed(const struct srv *s);
bool p_revokes_user(const struct srv *s);

#endif
