/* JSON Web Keys (RFC 7517) and key sets: a public key as a JWK, a JWK as a libcrypto key, the
 * choice of a key from a JWKS, and the encodings in which attackers present a public key as an
 * HMAC secret (algorithm confusion, RFC 8725 2.1). */
#ifndef AC_JWKS_H
#define AC_JWKS_H

#include <stddef.h>

typedef struct evp_pkey_st EVP_PKEY;
struct cJSON;

/* The public part of pkey (RSA or EC) as compact JWK JSON, with "kid" when kid is non-NULL.
 * Caller frees; NULL with *err. */
char *ac_jwk_public(EVP_PKEY *pkey, const char *kid, char **err);

/* The key a JWK object describes (RSA n/e, EC crv/x/y; with d, and for RSA the CRT values,
 * a private key that signs). NULL with *err. Caller frees with EVP_PKEY_free. */
EVP_PKEY *ac_jwk_to_pkey(const struct cJSON *jwk, char **err);

/* From JWKS (or single JWK) text: the key whose kid is kid, or when kid is NULL or empty the
 * first RSA or EC key. A new JSON object the caller deletes; NULL with *err. */
struct cJSON *ac_jwks_select(const char *jwks, size_t len, const char *kid, char **err);

/* The encodings of a public key used as an HMAC secret, by name:
 *   pem, pem-nl          SubjectPublicKeyInfo PEM without / with the trailing newline
 *   pkcs1, pkcs1-nl      PKCS#1 RSAPublicKey PEM without / with it (an EC key: its SPKI PEM)
 *   der                  SubjectPublicKeyInfo DER
 *   jwk                  the public JWK as the JWKS published it (jwk_text), else ac_jwk_public
 *   n                    the raw modulus bytes (RSA) or the uncompressed point (EC)
 * The bytes (may contain NUL) in *out, caller frees; -1 with *err for an unknown name or an
 * key libcrypto cannot write. */
int ac_key_as_secret(EVP_PKEY *pub, const char *jwk_text, const char *encoding,
                     unsigned char **out, size_t *out_len, char **err);

/* The encoding names above, NULL-terminated, in the order checks try them. */
extern const char *const ac_key_encodings[];

#endif
