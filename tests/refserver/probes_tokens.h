/* probes_tokens: probes of the deviations about which tokens are alike and how long they live:
 * tokens repeated back to back or across clients, a revocation that reaches a token's siblings, a
 * token refused before its exp (probes.c runs them from its table). Each returns true when it sees its deviation's defect. The probe server has
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

#endif
