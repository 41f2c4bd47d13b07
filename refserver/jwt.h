/* jwt: HS256, RS256 and ES256 JSON Web Tokens (RFC 7519) as issued and verified by the reference
 * server. */
#ifndef RS_JWT_H
#define RS_JWT_H

#include <stdbool.h>
#include <stddef.h>

/* The claims the server writes and reads. Owns its strings; free with rs_jwt_claims_free(). */
typedef struct rs_jwt_claims {
  char *sub;
  long long iat;
  long long exp;
  char *jti;
  char **roles;
  size_t n_roles;
  /* RFC 9068 access tokens (the rfc flavour) only; NULL in the documented flavour's tokens. */
  char *iss;
  char *aud;
  char *client_id;
  char *scope;  /* RFC 9068 2.2.3: the granted scope, space-separated; NULL when none was */
  bool at_jwt; /* sign with the header typ "at+jwt" and write iss, aud and client_id */
  bool jti_made_up; /* rs_jwt_verify: the token had no jti; jti is JWT_NO_JTI_PREFIX + signature */
} rs_jwt_claims;

/* The name rs_jwt_verify gives a token without jti (deviation at-jwt-no-jti): this prefix and the
 * token's signature segment, unique per token, so revocation and per-token counts still work. */
#define JWT_NO_JTI_PREFIX "sig:"


/* The tokens' algorithm (--alg). */
typedef enum rs_jwt_alg { JWT_HS256, JWT_RS256, JWT_ES256 } rs_jwt_alg;

/* The signing key; borrowed, must outlive every call that uses it. */
typedef struct rs_jwt_key {
  rs_jwt_alg alg;
  const unsigned char *bytes; /* HS256: the HMAC key */
  size_t len;
  struct evp_pkey_st *pkey;   /* RS256, ES256: the private key */
  const char *kid;            /* RS256, ES256: the header's kid; NULL for HS256 */
  bool header_only; /* deviation bearer-payload-unsigned: the MAC covers the header segment only */
} rs_jwt_key;

typedef enum rs_jwt_status {
  JWT_OK,
  JWT_GARBAGE,       /* not three base64url segments: not a JWT at all */
  JWT_INVALID,       /* looks like a JWT but does not decode to the expected JSON */
  JWT_BAD_ALG,       /* alg is not the server's (--alg) */
  JWT_BAD_SIGNATURE, /* the HMAC does not match */
  JWT_NOMEM
} rs_jwt_status;

/* Relaxations used only by deviations; 0 is the correct behaviour. */
enum {
  JWT_ACCEPT_ALG_NONE = 1,      /* accept alg "none" (exactly) without checking the signature */
  JWT_SKIP_SIGNATURE = 2,       /* never compare the signature */
  JWT_PREFIX_SIGNATURE = 4,     /* accept a prefix (16 characters or more) of the right signature */
  JWT_TRAILING_IGNORED = 8,     /* accept the right signature followed by anything */
  JWT_ACCEPT_ALG_NONE_CASE = 16, /* accept "None", "NONE"... (but not "none") unchecked */
  JWT_JTI_OPTIONAL = 32,         /* accept a token without jti (deviation at-jwt-no-jti) */
  /* The JWT attack deviations (cases/jwt-attacks.yaml), one flag each. */
  JWT_NONE_SIGNATURE_KEPT = 1u << 6, /* alg none in any case with a non-empty signature */
  JWT_NULL_SIGNATURE = 1u << 7,      /* the right alg with an empty signature */
  JWT_HMAC_EMPTY_KEY = 1u << 8,      /* HS256 with the empty key */
  JWT_KID_TRAVERSAL = 1u << 9,       /* kid "../../dev/null": HS256 with the empty key */
  JWT_KID_SQLI = 1u << 10,           /* kid "' UNION SELECT 'K": HS256 with key K */
  JWT_EMBEDDED_JWK = 1u << 11,       /* verify with the header's jwk */
  JWT_JKU_TRUSTED = 1u << 12,        /* a jku header skips the check */
  JWT_X5U_TRUSTED = 1u << 13,        /* an x5u header skips the check */
  JWT_ALG_CONFUSION = 1u << 14,      /* HS256 keyed with the public key's PEM */
  JWT_PSYCHIC = 1u << 15,            /* ES256: r = s = 0 */
  JWT_KEY_SUBSTITUTION = 1u << 16    /* the signature's length only */
};

/* The jti rs_jwt_verify makes up for token when it has none: JWT_NO_JTI_PREFIX and the signature
 * segment. Caller frees; NULL when out of memory. */
char *rs_jwt_made_up_jti(const char *token);

/* The key's JWK Set: {"keys":[public JWK with kid, use sig, alg]} for RS256 and ES256, NULL
 * for HS256 (an HMAC key is never published) or when out of memory. Caller frees. */
char *rs_jwt_jwks_json(const rs_jwt_key *key);

/* The name of key->alg: "HS256", "RS256" or "ES256". */
const char *rs_jwt_alg_name(const rs_jwt_key *key);

/* Signs claims. Returns the compact token (caller frees) or NULL when out of memory. */
char *rs_jwt_sign(const rs_jwt_claims *claims, const rs_jwt_key *key);

/* Parses and verifies token. On JWT_OK *out holds the claims (caller frees with
 * rs_jwt_claims_free); on any other result *out is left empty. Expiry is not checked here. */
rs_jwt_status rs_jwt_verify(const char *token, const rs_jwt_key *key, unsigned flags,
                            rs_jwt_claims *out);

/* Copies roles into c (replacing any). 0, or -1 when out of memory. */
int rs_jwt_claims_set_roles(rs_jwt_claims *c, char *const *roles, size_t n);

/* Frees the members and zeroes c. Accepts NULL. */
void rs_jwt_claims_free(rs_jwt_claims *c);

#endif
