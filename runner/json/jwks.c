/* JSON Web Keys with libcrypto: public JWKs of RSA and EC keys, keys from JWKs, key choice in a
 * JWKS by kid, and a public key's encodings as an HMAC secret. */
#include "jwks.h"

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const ac_key_encodings[] = { "pem", "pem-nl", "pkcs1", "pkcs1-nl", "der", "jwk", "n",
                                         NULL };

/* JOSE curve names and libcrypto's group names with the coordinate size. */
static const struct { const char *crv, *group; size_t coord; } CURVES[] = {
    { "P-256", "prime256v1", 32 },
    { "P-384", "secp384r1", 48 },
    { "P-521", "secp521r1", 66 },
};

static char *bn_b64url(const BIGNUM *bn, size_t pad)
{
    size_t n = (size_t)BN_num_bytes(bn);
    if (pad > n) n = pad;
    unsigned char *buf = ac_malloc(n ? n : 1);
    BN_bn2binpad(bn, buf, (int)n);
    char *s = ac_base64url_encode(buf, n);
    free(buf);
    return s;
}

char *ac_jwk_public(EVP_PKEY *pkey, const char *kid, char **err)
{
    cJSON *o = cJSON_CreateObject();
    BIGNUM *a = NULL, *b = NULL;
    char *res = NULL;
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &a) != 1 ||
            EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &b) != 1) {
            *err = ac_strdup("jwk: cannot read the RSA key");
            goto done;
        }
        char *n = bn_b64url(a, 0), *e = bn_b64url(b, 0);
        cJSON_AddStringToObject(o, "kty", "RSA");
        cJSON_AddStringToObject(o, "n", n);
        cJSON_AddStringToObject(o, "e", e);
        free(n);
        free(e);
    } else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        char group[32] = "";
        size_t gl = 0;
        size_t i = 0, nc = sizeof CURVES / sizeof *CURVES;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &gl) == 1)
            while (i < nc && strcmp(CURVES[i].group, group) != 0) i++;
        if (i == nc || EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &a) != 1 ||
            EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &b) != 1) {
            *err = ac_strdup("jwk: an EC key on a curve JOSE has no name for");
            goto done;
        }
        char *x = bn_b64url(a, CURVES[i].coord), *y = bn_b64url(b, CURVES[i].coord);
        cJSON_AddStringToObject(o, "kty", "EC");
        cJSON_AddStringToObject(o, "crv", CURVES[i].crv);
        cJSON_AddStringToObject(o, "x", x);
        cJSON_AddStringToObject(o, "y", y);
        free(x);
        free(y);
    } else {
        *err = ac_strdup("jwk: only RSA and EC keys have a JWK here");
        goto done;
    }
    if (kid) cJSON_AddStringToObject(o, "kid", kid);
    res = cJSON_PrintUnformatted(o);
done:
    BN_free(a);
    BN_free(b);
    cJSON_Delete(o);
    return res;
}

/* The base64url member name of j as bytes; NULL when missing or not base64url. */
static unsigned char *member_bytes(const cJSON *j, const char *name, size_t *len)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!cJSON_IsString(m) || !m->valuestring[0]) return NULL;
    return ac_base64url_decode(m->valuestring, len);
}

EVP_PKEY *ac_jwk_to_pkey(const cJSON *jwk, char **err)
{
    const cJSON *kty = cJSON_GetObjectItemCaseSensitive(jwk, "kty");
    if (!cJSON_IsString(kty)) {
        *err = ac_strdup("jwk: no kty");
        return NULL;
    }
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *k = NULL;
    BIGNUM *n = NULL, *e = NULL;
    unsigned char *x = NULL, *y = NULL, *pub = NULL;
    size_t xl = 0, yl = 0;
    const char *type = NULL;
    BIGNUM *privs[6];
    size_t nprivs = 0;
    int selection = EVP_PKEY_PUBLIC_KEY;
    if (strcmp(kty->valuestring, "RSA") == 0) {
        unsigned char *nb = member_bytes(jwk, "n", &xl), *eb = member_bytes(jwk, "e", &yl);
        if (nb && eb) {
            n = BN_bin2bn(nb, (int)xl, NULL);
            e = BN_bin2bn(eb, (int)yl, NULL);
        }
        free(nb);
        free(eb);
        if (!n || !e) {
            *err = ac_strdup("jwk: an RSA key needs n and e");
            goto done;
        }
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
        /* A private JWK (RFC 7518 6.3.2) signs too: d, and the CRT values when all are given. */
        static const char *const priv[][2] = {
            { "d", OSSL_PKEY_PARAM_RSA_D }, { "p", OSSL_PKEY_PARAM_RSA_FACTOR1 },
            { "q", OSSL_PKEY_PARAM_RSA_FACTOR2 }, { "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
            { "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2 }, { "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
        };
        size_t np = cJSON_GetObjectItemCaseSensitive(jwk, "qi") ? 6 : 1;
        for (size_t i = 0; i < np; i++) {
            size_t bl = 0;
            unsigned char *b = member_bytes(jwk, priv[i][0], &bl);
            if (!b) break;
            BIGNUM *bn = BN_bin2bn(b, (int)bl, NULL);
            free(b);
            if (!bn) break;
            OSSL_PARAM_BLD_push_BN(bld, priv[i][1], bn);
            privs[nprivs++] = bn;
            selection = EVP_PKEY_KEYPAIR;
        }
        type = "RSA";
    } else if (strcmp(kty->valuestring, "EC") == 0) {
        const cJSON *crv = cJSON_GetObjectItemCaseSensitive(jwk, "crv");
        size_t i = 0, nc = sizeof CURVES / sizeof *CURVES;
        while (cJSON_IsString(crv) && i < nc && strcmp(CURVES[i].crv, crv->valuestring) != 0) i++;
        x = member_bytes(jwk, "x", &xl);
        y = member_bytes(jwk, "y", &yl);
        if (!cJSON_IsString(crv) || i == nc || !x || !y || xl != CURVES[i].coord || yl != xl) {
            *err = ac_strdup("jwk: an EC key needs crv P-256/P-384/P-521 and x, y of its size");
            goto done;
        }
        pub = ac_malloc(1 + 2 * xl);
        pub[0] = 4;
        memcpy(pub + 1, x, xl);
        memcpy(pub + 1 + xl, y, yl);
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, CURVES[i].group, 0);
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * xl);
        size_t dl = 0;
        unsigned char *db = member_bytes(jwk, "d", &dl);
        if (db) {
            BIGNUM *bn = BN_bin2bn(db, (int)dl, NULL);
            free(db);
            if (bn) {
                OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn);
                privs[nprivs++] = bn;
                selection = EVP_PKEY_KEYPAIR;
            }
        }
        type = "EC";
    } else {
        *err = ac_sprintf("jwk: kty %s is not RSA or EC", kty->valuestring);
        goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &k, selection, params) != 1) {
        *err = ac_strdup("jwk: libcrypto refused the key");
        k = NULL;
    }
done:
    for (size_t i = 0; i < nprivs; i++) BN_clear_free(privs[i]);
    BN_free(n);
    BN_free(e);
    free(x);
    free(y);
    free(pub);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return k;
}

static bool usable_key(const cJSON *k)
{
    const cJSON *kty = cJSON_GetObjectItemCaseSensitive(k, "kty");
    return cJSON_IsString(kty) &&
           (strcmp(kty->valuestring, "RSA") == 0 || strcmp(kty->valuestring, "EC") == 0);
}

cJSON *ac_jwks_select(const char *jwks, size_t len, const char *kid, char **err)
{
    cJSON *doc = cJSON_ParseWithLength(jwks, len);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        *err = ac_strdup("the JWKS is not a JSON object");
        return NULL;
    }
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(doc, "keys");
    cJSON *found = NULL;
    if (!keys) {
        if (usable_key(doc)) return doc;   /* a single JWK */
    } else if (cJSON_IsArray(keys)) {
        const cJSON *k;
        cJSON_ArrayForEach(k, keys) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(k, "kid");
            if (!usable_key(k)) continue;
            if (kid && *kid ? cJSON_IsString(id) && strcmp(id->valuestring, kid) == 0 : true) {
                found = cJSON_Duplicate(k, 1);
                break;
            }
        }
    }
    cJSON_Delete(doc);
    if (!found)
        *err = kid && *kid ? ac_sprintf("the JWKS has no RSA or EC key with kid '%s'", kid)
                           : ac_strdup("the JWKS has no RSA or EC key");
    return found;
}

/* The bytes a BIO holds. */
static unsigned char *bio_bytes(BIO *b, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    unsigned char *out = ac_malloc(n > 0 ? (size_t)n : 1);
    if (n > 0) memcpy(out, p, (size_t)n);
    *len = n > 0 ? (size_t)n : 0;
    return out;
}

int ac_key_as_secret(EVP_PKEY *pub, const char *jwk_text, const char *encoding,
                     unsigned char **out, size_t *out_len, char **err)
{
    bool nl = false;
    bool rsa = EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA;
    *out = NULL;
    if (strcmp(encoding, "pem") == 0 || (nl = strcmp(encoding, "pem-nl") == 0)) {
        BIO *b = BIO_new(BIO_s_mem());
        if (b && PEM_write_bio_PUBKEY(b, pub) == 1) *out = bio_bytes(b, out_len);
        BIO_free(b);
    } else if (strcmp(encoding, "pkcs1") == 0 || (nl = strcmp(encoding, "pkcs1-nl") == 0)) {
        /* PKCS#1 is RSA's: an EC key has no such form, and gives its SubjectPublicKeyInfo PEM
         * (so a check tries the same encodings, in the same number, for every key type). */
        BIO *b = BIO_new(BIO_s_mem());
        if (!rsa) {
            if (b && PEM_write_bio_PUBKEY(b, pub) == 1) *out = bio_bytes(b, out_len);
            BIO_free(b);
            b = NULL;
        }
        OSSL_ENCODER_CTX *ec = OSSL_ENCODER_CTX_new_for_pkey(pub, OSSL_KEYMGMT_SELECT_PUBLIC_KEY,
                                                             "PEM", "type-specific", NULL);
        if (rsa && b && ec && OSSL_ENCODER_to_bio(ec, b) == 1) *out = bio_bytes(b, out_len);
        OSSL_ENCODER_CTX_free(ec);
        BIO_free(b);
    } else if (strcmp(encoding, "der") == 0) {
        unsigned char *der = NULL;
        int n = i2d_PUBKEY(pub, &der);
        if (n > 0) {
            *out = ac_malloc((size_t)n);
            memcpy(*out, der, (size_t)n);
            *out_len = (size_t)n;
        }
        OPENSSL_free(der);
    } else if (strcmp(encoding, "jwk") == 0) {
        char *j = jwk_text && *jwk_text ? ac_strdup(jwk_text) : ac_jwk_public(pub, NULL, err);
        if (!j) return -1;
        *out = (unsigned char *)j;
        *out_len = strlen(j);
    } else if (strcmp(encoding, "n") == 0) {
        if (rsa) {
            BIGNUM *n = NULL;
            if (EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_RSA_N, &n) == 1) {
                *out_len = (size_t)BN_num_bytes(n);
                *out = ac_malloc(*out_len);
                BN_bn2bin(n, *out);
            }
            BN_free(n);
        } else {
            unsigned char buf[256];
            size_t bl = 0;
            if (EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf,
                                                sizeof buf, &bl) == 1) {
                *out = ac_malloc(bl);
                memcpy(*out, buf, bl);
                *out_len = bl;
            }
        }
    } else {
        *err = ac_sprintf("key_as_secret(): unknown encoding '%s' (pem, pem-nl, pkcs1, pkcs1-nl, "
                          "der, jwk, n)", encoding);
        return -1;
    }
    if (!*out) {
        *err = ac_sprintf("key_as_secret(): libcrypto could not write the key as %s", encoding);
        return -1;
    }
    /* PEM writers end with a newline: the plain names drop it. */
    if (!nl && (strncmp(encoding, "pem", 3) == 0 || strncmp(encoding, "pkcs1", 5) == 0))
        while (*out_len && (*out)[*out_len - 1] == '\n') (*out_len)--;
    return 0;
}
