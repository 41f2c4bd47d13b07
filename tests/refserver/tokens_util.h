/* tokens_util: building altered, forged and unsigned tokens from a real one, and admin calls. */
#ifndef RS_TEST_TOKENS_UTIL_H
#define RS_TEST_TOKENS_UTIL_H

#include "harness.h"

#include <cjson/cJSON.h>

/* T with one character in the middle of the signature changed. Caller frees. */
char *tok_alter_signature(const char *t);

/* T's header replaced by {"alg":alg,"typ":"JWT"}, its claims kept, an empty signature. */
char *tok_unsigned(const char *t, const char *alg);

/* T's payload with exp moved by delta seconds, the old signature kept. */
char *tok_forge_exp(const char *t, long long delta);

/* T with its payload replaced by claims, its header and old signature kept. Caller frees; NULL
 * when T is not three segments or memory runs out. */
char *tok_with_payload(const char *t, const cJSON *claims);

/* T with suffix appended / the last n characters cut. */
char *tok_append(const char *t, const char *suffix);
char *tok_truncate(const char *t, size_t n);

/* T with the case of every letter flipped. */
char *tok_flip_case(const char *t);

/* POSTs a form to {base}/_refserver/{what}. */
int admin_post(struct resp *r, const struct srv *s, const char *what, const char *form);

/* A token minted by the admin endpoint (kind expired or revoked), or NULL. Caller frees. */
char *admin_mint(const struct srv *s, const char *user, const char *kind);

/* Numeric claim of a token's payload, or -1. */
long long claim_num(const char *token, const char *name);

#endif
