/* JWS signing and verification with libcrypto (RFC 7515, RFC 7518 3): HMAC, RSASSA-PKCS1-v1_5,
 * RSASSA-PSS and ECDSA with the JOSE r||s signature form; run keys generated once. */
#include "jws.h"

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwks.h"
#include "util.h"

typedef enum { FAM_HS, FAM_RS, FAM_PS, FAM_ES } jws_family;

typedef struct jws_alg {
    const char *name;
    jws_family fam;
    const char *md;         /* digest name */
    size_t coord;           /* ES*: coordinate bytes */
    const char *curve;      /* ES*: group name */
} jws_alg;

static const jws_alg ALGS[] = {
    { "ES256", FAM_ES, "SHA256", 32, "P-256" },
    { "ES384", FAM_ES, "SHA384", 48, "P-384" },
    { "ES512", FAM_ES, "SHA512", 66, "P-521" },
    { "HS256", FAM_HS, "SHA256", 0, NULL },
    { "HS384", FAM_HS, "SHA384", 0, NULL },
    { "HS512", FAM_HS, "SHA512", 0, NULL },
    { "PS256", FAM_PS, "SHA256", 0, NULL },
    { "PS384", FAM_PS, "SHA384", 0, NULL },
    { "PS512", FAM_PS, "SHA512", 0, NULL },
    { "RS256", FAM_RS, "SHA256", 0, NULL },
    { "RS384", FAM_RS, "SHA384", 0, NULL },
    { "RS512", FAM_RS, "SHA512", 0, NULL },
};

static const jws_alg *alg_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof ALGS / sizeof *ALGS; i++)
        if (strcmp(ALGS[i].name, name) == 0) return &ALGS[i];
    return NULL;
}

bool ac_jws_alg_known(const char *alg) { return alg_find(alg) != NULL; }

size_t ac_jws_ec_coord_len(const char *alg)
{
    const jws_alg *a = alg_find(alg);
    return a && a->fam == FAM_ES ? a->coord : 0;
}

/* ---- ECDSA signature forms --------------------------------------------------------------- */

unsigned char *ac_jws_der_to_jose(const unsigned char *der, size_t der_len, size_t coord_len,
                                  size_t *out_len)
{
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (!sig || p != der + der_len) {
        ECDSA_SIG_free(sig);
        return NULL;
    }
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(sig, &r, &s);
    unsigned char *out = ac_malloc(2 * coord_len);
    if (BN_bn2binpad(r, out, (int)coord_len) < 0 ||
        BN_bn2binpad(s, out + coord_len, (int)coord_len) < 0) {
        free(out);
        out = NULL;
    } else {
        *out_len = 2 * coord_len;
    }
    ECDSA_SIG_free(sig);
    return out;
}

unsigned char *ac_jws_jose_to_der(const unsigned char *rs, size_t rs_len, size_t *out_len)
{
    if (rs_len == 0 || rs_len % 2 != 0 || rs_len > 264) return NULL;
    size_t half = rs_len / 2;
    BIGNUM *r = BN_bin2bn(rs, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(rs + half, (int)half, NULL);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    if (!r || !s || !sig || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return NULL;
    }
    unsigned char *der = NULL;
    int n = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (n <= 0) return NULL;
    unsigned char *out = ac_malloc((size_t)n);
    memcpy(out, der, (size_t)n);
    OPENSSL_free(der);
    *out_len = (size_t)n;
    return out;
}

/* ---- keys -------------------------------------------------------------------------------- */

EVP_PKEY *ac_jws_load_key(const char *key, size_t key_len, char **err)
{
    size_t i = 0;
    while (i < key_len && (key[i] == ' ' || key[i] == '\n' || key[i] == '\r' || key[i] == '\t')) i++;
    if (i < key_len && key[i] == '{') {
        cJSON *j = cJSON_ParseWithLength(key, key_len);
        if (!j) {
            *err = ac_strdup("the key is neither PEM nor a JWK: its JSON does not parse");
            return NULL;
        }
        EVP_PKEY *k = ac_jwk_to_pkey(j, err);
        cJSON_Delete(j);
        return k;
    }
    BIO *b = BIO_new_mem_buf(key, (int)key_len);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    if (!k && b) {
        (void)BIO_reset(b);
        k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    }
    if (!k && b) {
        /* PKCS#1 "RSA PUBLIC KEY" and anything else a decoder knows. */
        (void)BIO_reset(b);
        OSSL_DECODER_CTX *dc = OSSL_DECODER_CTX_new_for_pkey(&k, "PEM", NULL, NULL, 0, NULL, NULL);
        if (dc) (void)OSSL_DECODER_from_bio(dc, b);
        OSSL_DECODER_CTX_free(dc);
    }
    BIO_free(b);
    if (!k) *err = ac_strdup("the key is neither a PEM key nor a JWK");
    return k;
}

static int key_fits(const jws_alg *a, EVP_PKEY *k, char **err)
{
    int id = EVP_PKEY_get_base_id(k);
    if ((a->fam == FAM_ES && id != EVP_PKEY_EC) || (a->fam != FAM_ES && id != EVP_PKEY_RSA)) {
        *err = ac_sprintf("%s needs %s key", a->name, a->fam == FAM_ES ? "an EC" : "an RSA");
        return -1;
    }
    if (a->fam == FAM_ES) {
        char group[32] = "";
        size_t gl = 0;
        if (EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, &gl) != 1) group[0] = '\0';
        const char *want = strcmp(a->curve, "P-256") == 0 ? "prime256v1"
                         : strcmp(a->curve, "P-384") == 0 ? "secp384r1" : "secp521r1";
        if (strcmp(group, want) != 0) {
            *err = ac_sprintf("%s needs a key on %s", a->name, a->curve);
            return -1;
        }
    }
    return 0;
}

/* EVP_DigestSign/VerifyInit with the padding the family needs. */
static int pkey_ctx_init(const jws_alg *a, EVP_MD_CTX *ctx, EVP_PKEY *k, bool sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    int ok = sign ? EVP_DigestSignInit_ex(ctx, &pctx, a->md, NULL, NULL, k, NULL)
                  : EVP_DigestVerifyInit_ex(ctx, &pctx, a->md, NULL, NULL, k, NULL);
    if (ok != 1) return -1;
    if (a->fam == FAM_PS &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
        return -1;
    if (a->fam == FAM_RS && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return -1;
    return 0;
}

static int hmac(const jws_alg *a, const char *key, size_t key_len, const char *in, size_t n,
                unsigned char *mac, unsigned int *mac_len)
{
    static const unsigned char empty[1] = { 0 };
    const EVP_MD *md = EVP_get_digestbyname(a->md);
    return md && HMAC(md, key_len ? (const unsigned char *)key : empty, (int)key_len,
                      (const unsigned char *)in, n, mac, mac_len) ? 0 : -1;
}

char *ac_jws_sign(const char *alg, const char *key, size_t key_len, const char *input,
                  size_t input_len, char **err)
{
    const jws_alg *a = alg_find(alg);
    if (!a) {
        *err = ac_sprintf("unknown JWS algorithm '%s'", alg ? alg : "");
        return NULL;
    }
    if (a->fam == FAM_HS) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int ml = 0;
        if (hmac(a, key, key_len, input, input_len, mac, &ml) < 0) {
            *err = ac_sprintf("%s: HMAC failed", a->name);
            return NULL;
        }
        return ac_base64url_encode(mac, ml);
    }
    EVP_PKEY *k = ac_jws_load_key(key, key_len, err);
    if (!k) return NULL;
    char *res = NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *sig = NULL;
    size_t sl = 0;
    if (key_fits(a, k, err) < 0) goto done;
    if (!ctx || pkey_ctx_init(a, ctx, k, true) < 0 ||
        EVP_DigestSign(ctx, NULL, &sl, (const unsigned char *)input, input_len) != 1) {
        *err = ac_sprintf("%s: signing failed (is the key private?)", a->name);
        goto done;
    }
    sig = ac_malloc(sl);
    if (EVP_DigestSign(ctx, sig, &sl, (const unsigned char *)input, input_len) != 1) {
        *err = ac_sprintf("%s: signing failed (is the key private?)", a->name);
        goto done;
    }
    if (a->fam == FAM_ES) {
        size_t jl = 0;
        unsigned char *jose = ac_jws_der_to_jose(sig, sl, a->coord, &jl);
        if (!jose) {
            *err = ac_sprintf("%s: the signature does not convert to r||s", a->name);
            goto done;
        }
        res = ac_base64url_encode(jose, jl);
        free(jose);
    } else {
        res = ac_base64url_encode(sig, sl);
    }
done:
    free(sig);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return res;
}

int ac_jws_verify(const char *alg, const char *key, size_t key_len, const char *input,
                  size_t input_len, const char *sig_b64, char **err)
{
    const jws_alg *a = alg_find(alg);
    if (!a) {
        *err = ac_sprintf("unknown JWS algorithm '%s'", alg ? alg : "");
        return -1;
    }
    size_t sl = 0;
    unsigned char *sig = ac_base64url_decode(sig_b64, &sl);
    if (!sig) return 0;
    int rc = 0;
    if (a->fam == FAM_HS) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int ml = 0;
        if (hmac(a, key, key_len, input, input_len, mac, &ml) < 0) {
            *err = ac_sprintf("%s: HMAC failed", a->name);
            rc = -1;
        } else {
            rc = ml == sl && CRYPTO_memcmp(mac, sig, sl) == 0;
        }
        free(sig);
        return rc;
    }
    EVP_PKEY *k = ac_jws_load_key(key, key_len, err);
    EVP_MD_CTX *ctx = NULL;
    if (!k || key_fits(a, k, err) < 0) {
        rc = -1;
        goto done;
    }
    if (a->fam == FAM_ES) {
        size_t dl = 0;
        unsigned char *der = sl == 2 * a->coord ? ac_jws_jose_to_der(sig, sl, &dl) : NULL;
        free(sig);
        sig = der;
        sl = dl;
        if (!sig) goto done;   /* wrong length: not a signature */
    }
    ctx = EVP_MD_CTX_new();
    if (!ctx || pkey_ctx_init(a, ctx, k, false) < 0) {
        *err = ac_sprintf("%s: cannot verify with this key", a->name);
        rc = -1;
        goto done;
    }
    rc = EVP_DigestVerify(ctx, sig, sl, (const unsigned char *)input, input_len) == 1;
done:
    free(sig);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}

/* ---- run keys ---------------------------------------------------------------------------- */

enum { RK_HMAC, RK_RSA, RK_P256, RK_P384, RK_P521, RK_N };
static char *run_keys[RK_N];
static pthread_mutex_t run_keys_lock = PTHREAD_MUTEX_INITIALIZER;

static char *pem_private(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *res = NULL;
    if (b && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1) {
        char *p = NULL;
        long n = BIO_get_mem_data(b, &p);
        res = ac_strndup(p, (size_t)n);
    }
    BIO_free(b);
    return res;
}

const char *ac_jws_run_key(const char *alg)
{
    const jws_alg *a = alg_find(alg);
    if (!a) return NULL;
    int slot = a->fam == FAM_HS ? RK_HMAC : a->fam != FAM_ES ? RK_RSA
             : a->coord == 32 ? RK_P256 : a->coord == 48 ? RK_P384 : RK_P521;
    pthread_mutex_lock(&run_keys_lock);
    if (!run_keys[slot] && slot == RK_HMAC) {
        unsigned char b[32];
        if (RAND_bytes(b, sizeof b) == 1) {
            run_keys[slot] = ac_malloc(2 * sizeof b + 1);
            for (size_t i = 0; i < sizeof b; i++) sprintf(run_keys[slot] + 2 * i, "%02x", b[i]);
        }
    } else if (!run_keys[slot]) {
        EVP_PKEY *k = slot == RK_RSA ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
                                     : EVP_PKEY_Q_keygen(NULL, NULL, "EC", a->curve);
        if (k) run_keys[slot] = pem_private(k);
        EVP_PKEY_free(k);
    }
    const char *res = run_keys[slot];
    pthread_mutex_unlock(&run_keys_lock);
    return res;
}

void ac_jws_keys_free(void)
{
    pthread_mutex_lock(&run_keys_lock);
    for (int i = 0; i < RK_N; i++) {
        free(run_keys[i]);
        run_keys[i] = NULL;
    }
    pthread_mutex_unlock(&run_keys_lock);
}
