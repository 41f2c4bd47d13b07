/* probes_bearer: the probes of the deviations in Bearer token handling: scheme, format, altered
 * and forged tokens, challenges, header sizes (probes.c runs them from its table). Each returns
 * true when it sees its deviation's defect. */
#ifndef RS_TEST_PROBES_BEARER_H
#define RS_TEST_PROBES_BEARER_H

#include "harness.h"

#include <stdbool.h>

bool p_alg_none(const struct srv *s);
bool p_alg_none_case(const struct srv *s);
bool p_signature_ignored(const struct srv *s);
bool p_payload_unsigned(const struct srv *s);
bool p_unknown_subject(const struct srv *s);
bool p_truncated(const struct srv *s);
bool p_appended(const struct srv *s);
bool p_case_insensitive(const struct srv *s);
bool p_not_yet_valid(const struct srv *s);
bool p_no_header_200(const struct srv *s);
bool p_no_header_403(const struct srv *s);
bool p_projects_no_header(const struct srv *s);
bool p_empty_token_500(const struct srv *s);
bool p_blank_token_500(const struct srv *s);
bool p_malformed(const struct srv *s);
bool p_scheme_any(const struct srv *s);
bool p_no_scheme(const struct srv *s);
bool p_basic_token(const struct srv *s);
bool p_scheme_upper_accepted(const struct srv *s);
bool p_scheme_upper_rejected(const struct srv *s);
bool p_basic_credentials(const struct srv *s);
bool p_query_token_verified(const struct srv *s);
bool p_use_quota(const struct srv *s);
bool p_query_token(const struct srv *s);
bool p_scheme_case(const struct srv *s);
bool p_extra_space(const struct srv *s);
bool p_no_www(const struct srv *s);
bool p_challenge_error_missing(const struct srv *s);
bool p_garbage_challenge(const struct srv *s);
bool p_garbage_500(const struct srv *s);
bool p_garbage_code(const struct srv *s);
bool p_huge_500(const struct srv *s);
bool p_huge_64k_500(const struct srv *s);
bool p_duplicate(const struct srv *s);
bool p_bearer_not_json(const struct srv *s);

#endif
