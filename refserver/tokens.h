/* tokens: minting access tokens, and the shared mutable token state (revocations, the cache of the
 * deviations that hand out a token again). Every function taking a store is thread-safe. */
#ifndef RS_TOKENS_H
#define RS_TOKENS_H

#include "jwt.h"

#include <stdbool.h>
#include <time.h>

typedef struct rs_token_store rs_token_store;

/* A new empty store, or NULL when out of memory. */
rs_token_store *rs_token_store_new(void);

/* Frees the store. Accepts NULL. */
void rs_token_store_free(rs_token_store *s);

/* Records that jti was revoked at time when, and, when sub is not NULL, that a token of sub was
 * (the user-wide revocation deviations read that). 0, or -1 when out of memory. */
int rs_token_store_revoke(rs_token_store *s, const char *jti, const char *sub, time_t when);

/* True when jti was revoked; *when gets the revocation time. */
bool rs_token_store_revoked(rs_token_store *s, const char *jti, time_t *when);

/* True when a token of sub was revoked; *when gets the latest such revocation's time. */
bool rs_token_store_user_revoked(rs_token_store *s, const char *sub, time_t *when);

/* A token kept to be handed out again (the deviations that repeat tokens). */
typedef struct rs_cached_token {
  char *token;    /* owned */
  char *jti;      /* owned */
  long long exp;  /* its exp claim */
  double minted;  /* when it was minted, in seconds of a monotonic clock */
} rs_cached_token;

/* Fills *out with a copy of the token cached under key and returns true; false (and *out empty)
 * when none is, or when out of memory. Free with rs_token_store_cached_free(). */
bool rs_token_store_cache_get(rs_token_store *s, const char *key, rs_cached_token *out);

/* Stores a copy of *t under key, replacing what was there. 0 or -1. */
int rs_token_store_cache_put(rs_token_store *s, const char *key, const rs_cached_token *t);

/* Frees the members of *t and empties it. Accepts NULL. */
void rs_token_store_cached_free(rs_cached_token *t);

/* Remembers an issued token (deviation bearer-case-insensitive). 0 or -1 (memory). */
int rs_token_store_issued_put(rs_token_store *s, const char *token);

/* The remembered token equal to token ignoring case (caller frees), or NULL. */
char *rs_token_store_issued_find_ci(rs_token_store *s, const char *token);

/* Counts one use of the token jti and returns the count so far (deviation bearer-use-quota), or -1
 * when out of memory. */
long rs_token_store_count_use(rs_token_store *s, const char *jti);

/* Mints a signed token for sub with the given roles, iat and exp, and a fresh random jti. With an
 * issuer (the rfc flavour) it is an RFC 9068 access token: header typ "at+jwt", iss the issuer,
 * aud the issuer too (the protected resource's identifier, RFC 9728: the API under the prefix is
 * both), client_id sub (client credentials: the client is the subject), and scope (RFC 9068 2.2.3)
 * when scope is not NULL; NULL gives the documented flavour's token (scope is then ignored).
 * Returns the token (caller frees) or NULL; *jti_out, when not NULL, gets a copy of the name
 * revocations use: the jti, or rs_jwt_made_up_jti() for a token without one. */
char *rs_tokens_mint(const rs_jwt_key *key, const char *sub, char *const *roles, size_t n_roles,
                     long long iat, long long exp, const char *issuer, const char *scope,
                     char **jti_out);

/* The rs_jwt_verify() flags every verification of the server's own tokens uses: JWT_JTI_OPTIONAL
 * while deviation at-jwt-no-jti mints tokens without jti, else 0. */
unsigned rs_tokens_verify_flags(void);

#endif
