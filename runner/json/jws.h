/* JWS signatures (RFC 7515, algorithms of RFC 7518 3) with libcrypto: signing, verifying, the
 * DER <-> JOSE (r||s) conversion of ECDSA signatures and keys generated once per run.
 *
 * Keys are text, as template values are: for HS* the secret's bytes (any length, empty too); for
 * RS*, PS* and ES* a PEM private or public key, or a JWK (JSON object text). */
#ifndef AC_JWS_H
#define AC_JWS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct evp_pkey_st EVP_PKEY;

/* True for the algorithm names this module signs with: HS256/384/512, RS256/384/512,
 * PS256/384/512, ES256/384/512. */
bool ac_jws_alg_known(const char *alg);

/* The base64url signature of input under alg and key. Caller frees; NULL with *err (caller
 * frees) for an unknown alg or a key that does not fit it. */
char *ac_jws_sign(const char *alg, const char *key, size_t key_len, const char *input,
                  size_t input_len, char **err);

/* 1 when sig_b64 (base64url) is alg's signature of input under key, 0 when it is not, -1 with
 * *err when the alg or key is unusable. An ES* signature must be the JOSE r||s form. */
int ac_jws_verify(const char *alg, const char *key, size_t key_len, const char *input,
                  size_t input_len, const char *sig_b64, char **err);

/* ECDSA signature forms. der_to_jose: the DER SEQUENCE {r, s} as r||s, each left-padded to
 * coord_len bytes (32, 48, 66); jose_to_der the reverse (rs_len even). Caller frees; NULL when
 * the input is malformed or a number does not fit. */
unsigned char *ac_jws_der_to_jose(const unsigned char *der, size_t der_len, size_t coord_len,
                                  size_t *out_len);
unsigned char *ac_jws_jose_to_der(const unsigned char *rs, size_t rs_len, size_t *out_len);

/* The coordinate size of an ES* algorithm (32, 48, 66), 0 for any other. */
size_t ac_jws_ec_coord_len(const char *alg);

/* A PEM (PKCS#8) private key for alg's family, generated on first use and the same for the rest
 * of the process: RSA 2048 for RS* and PS*, P-256/P-384/P-521 for ES256/384/512; for HS* a random
 * 64-hex-digit secret. NULL for unknown names. The returned string stays valid until ac_jws_keys_free(). Thread-safe. */
const char *ac_jws_run_key(const char *alg);
void ac_jws_keys_free(void);

/* Parses key text: PEM (private, SubjectPublicKeyInfo or PKCS#1 public) or a JWK object. NULL
 * with *err. Caller frees with EVP_PKEY_free. */
EVP_PKEY *ac_jws_load_key(const char *key, size_t key_len, char **err);

#endif
