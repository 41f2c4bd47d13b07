/* JWS signing and keys (jws.c, jwks.c) and their template functions: RFC 7515 appendix A
 * vectors (A.1 HS256 and A.2 RS256 signed and verified, A.3 ES256 verified), round trips for
 * every algorithm, DER <-> JOSE with leading-zero r and s, JWKs and the key-as-secret encodings. */
#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "jwks.h"
#include "jws.h"
#include "util.h"
#include "vars.h"

/* RFC 7515 A.1 to A.3: the payload they share. */
#define A_PAYLOAD "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define A1_INPUT "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." A_PAYLOAD
#define A1_SIG "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define A1_KEY "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
#define A2_INPUT "eyJhbGciOiJSUzI1NiJ9." A_PAYLOAD
#define A2_SIG "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
#define A2_N "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A2_D "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ"
#define A2_PRIV "{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"d\":\"" A2_D "\"}"
#define A2_PUB "{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\"}"
#define A3_INPUT "eyJhbGciOiJFUzI1NiJ9." A_PAYLOAD
#define A3_SIG "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
#define A3_PUB "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}"

static int verify(const char *alg, const char *key, size_t kl, const char *input, const char *sig)
{
    char *err = NULL;
    int rc = ac_jws_verify(alg, key, kl, input, strlen(input), sig, &err);
    if (rc < 0) fprintf(stderr, "verify %s: %s\n", alg, err);
    free(err);
    return rc;
}

START_TEST(test_rfc7515_a1_hs256)
{
    size_t kl = 0;
    char *key = (char *)ac_base64url_decode(A1_KEY, &kl);
    char *err = NULL;
    char *sig = ac_jws_sign("HS256", key, kl, A1_INPUT, strlen(A1_INPUT), &err);
    ck_assert_ptr_nonnull(sig);
    ck_assert_str_eq(sig, A1_SIG);
    ck_assert_int_eq(verify("HS256", key, kl, A1_INPUT, A1_SIG), 1);
    ck_assert_int_eq(verify("HS256", key, kl - 1, A1_INPUT, A1_SIG), 0);
    ck_assert_int_eq(verify("HS384", key, kl, A1_INPUT, A1_SIG), 0);
    free(sig);
    free(key);
}
END_TEST

START_TEST(test_rfc7515_a2_rs256)
{
    char *err = NULL;
    char *sig = ac_jws_sign("RS256", A2_PRIV, strlen(A2_PRIV), A2_INPUT, strlen(A2_INPUT), &err);
    if (!sig) fprintf(stderr, "%s\n", err);
    ck_assert_ptr_nonnull(sig);
    ck_assert_str_eq(sig, A2_SIG);   /* PKCS#1 v1.5 is deterministic */
    ck_assert_int_eq(verify("RS256", A2_PUB, strlen(A2_PUB), A2_INPUT, A2_SIG), 1);
    ck_assert_int_eq(verify("RS256", A2_PUB, strlen(A2_PUB), A1_INPUT, A2_SIG), 0);
    free(sig);
}
END_TEST

START_TEST(test_rfc7515_a3_es256)
{
    ck_assert_int_eq(verify("ES256", A3_PUB, strlen(A3_PUB), A3_INPUT, A3_SIG), 1);
    ck_assert_int_eq(verify("ES256", A3_PUB, strlen(A3_PUB), A2_INPUT, A3_SIG), 0);
    /* The psychic signature (CVE-2022-21449): r = s = 0 never verifies. */
    char zero[64] = { 0 };
    char *z = ac_base64url_encode(zero, sizeof zero);
    ck_assert_int_eq(verify("ES256", A3_PUB, strlen(A3_PUB), A3_INPUT, z), 0);
    free(z);
    /* A DER signature where JOSE r||s is expected is refused. */
    ck_assert_int_eq(verify("ES256", A3_PUB, strlen(A3_PUB), A3_INPUT, "MEUCIQ"), 0);
}
END_TEST

static const char *const ALL[] = { "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
                                   "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" };

START_TEST(test_round_trip)
{
    const char *alg = ALL[_i];
    const char *input = "eyJhbGciOiJ4In0.eyJzdWIiOiJhbGljZSJ9";
    const char *key = ac_jws_run_key(alg);
    size_t kl = key ? strlen(key) : 0;
    if (!key) key = "";   /* HS*: the empty key signs too */
    char *err = NULL;
    char *sig = ac_jws_sign(alg, key, kl, input, strlen(input), &err);
    if (!sig) fprintf(stderr, "%s: %s\n", alg, err);
    ck_assert_ptr_nonnull(sig);
    ck_assert_int_eq(verify(alg, key, kl, input, sig), 1);
    if (alg[0] != 'H') {
        /* The public JWK verifies it too; another input does not. */
        EVP_PKEY *k = ac_jws_load_key(key, kl, &err);
        ck_assert_ptr_nonnull(k);
        char *jwk = ac_jwk_public(k, "k1", &err);
        ck_assert_ptr_nonnull(jwk);
        ck_assert_ptr_null(strstr(jwk, "\"d\""));
        ck_assert_int_eq(verify(alg, jwk, strlen(jwk), input, sig), 1);
        ck_assert_int_eq(verify(alg, jwk, strlen(jwk), "eyJ9.e30", sig), 0);
        /* A public key does not sign. */
        char *none = ac_jws_sign(alg, jwk, strlen(jwk), input, strlen(input), &err);
        ck_assert_ptr_null(none);
        free(err);
        err = NULL;
        free(jwk);
        EVP_PKEY_free(k);
    }
    if (alg[0] == 'E') ck_assert_uint_eq(strlen(sig), (2 * ac_jws_ec_coord_len(alg) * 4 + 2) / 3);
    free(sig);
}
END_TEST

START_TEST(test_wrong_key_type)
{
    char *err = NULL;
    const char *rsa = ac_jws_run_key("RS256");
    ck_assert_ptr_null(ac_jws_sign("ES256", rsa, strlen(rsa), "a.b", 3, &err));
    ck_assert_str_eq(err, "ES256 needs an EC key");
    free(err);
    err = NULL;
    const char *p384 = ac_jws_run_key("ES384");
    ck_assert_ptr_null(ac_jws_sign("ES256", p384, strlen(p384), "a.b", 3, &err));
    ck_assert_str_eq(err, "ES256 needs a key on P-256");
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_jws_sign("XS256", "", 0, "a.b", 3, &err));
    ck_assert_str_eq(err, "unknown JWS algorithm 'XS256'");
    free(err);
    ck_assert_ptr_eq(ac_jws_run_key("RS256"), ac_jws_run_key("PS512"));   /* once per run */
    ck_assert_ptr_nonnull(ac_jws_run_key("HS256"));
    ck_assert_ptr_null(ac_jws_run_key("none"));
}
END_TEST

/* DER <-> JOSE: r and s with leading zero bytes keep their width; DER drops them. */
START_TEST(test_der_jose)
{
    unsigned char rs[64];
    memset(rs, 0, sizeof rs);
    rs[2] = 0x7f;                 /* r = 00 00 7f 01 .. : two leading zero bytes */
    for (int i = 3; i < 32; i++) rs[i] = (unsigned char)i;
    rs[32] = 0x00;                /* s = 00 80 ..: a zero byte, then the top bit set */
    rs[33] = 0x80;
    for (int i = 34; i < 64; i++) rs[i] = (unsigned char)(i * 3);
    size_t dl = 0;
    unsigned char *der = ac_jws_jose_to_der(rs, sizeof rs, &dl);
    ck_assert_ptr_nonnull(der);
    /* SEQUENCE { INTEGER 30 bytes (no zeros), INTEGER 32 bytes (00 pad for the sign bit) } */
    ck_assert_uint_eq(der[0], 0x30);
    ck_assert_uint_eq(der[2], 0x02);
    ck_assert_uint_eq(der[3], 30);
    ck_assert_uint_eq(der[4], 0x7f);
    ck_assert_uint_eq(der[4 + 30], 0x02);
    ck_assert_uint_eq(der[5 + 30], 32);
    ck_assert_uint_eq(der[6 + 30], 0x00);
    ck_assert_uint_eq(der[7 + 30], 0x80);
    size_t jl = 0;
    unsigned char *back = ac_jws_der_to_jose(der, dl, 32, &jl);
    ck_assert_ptr_nonnull(back);
    ck_assert_uint_eq(jl, 64);
    ck_assert_mem_eq(back, rs, 64);
    free(back);
    /* The same DER as P-521 (66-byte coordinates) pads further. */
    back = ac_jws_der_to_jose(der, dl, 66, &jl);
    ck_assert_uint_eq(jl, 132);
    ck_assert_mem_eq(back + 66 - 32 + 2, rs + 2, 30);
    free(back);
    /* Too small a coordinate, trailing bytes, odd lengths: refused. */
    ck_assert_ptr_null(ac_jws_der_to_jose(der, dl, 16, &jl));
    unsigned char *longer = malloc(dl + 1);
    memcpy(longer, der, dl);
    longer[dl] = 0;
    ck_assert_ptr_null(ac_jws_der_to_jose(longer, dl + 1, 32, &jl));
    free(longer);
    ck_assert_ptr_null(ac_jws_jose_to_der(rs, 63, &dl));
    free(der);
}
END_TEST

/* Signatures made until one has a leading zero byte in r or s (1 in 128) still verify. */
START_TEST(test_leading_zero_signatures)
{
    const char *key = ac_jws_run_key("ES256");
    char *err = NULL;
    int found = 0;
    for (int i = 0; i < 3000 && found < 2; i++) {
        char input[32];
        snprintf(input, sizeof input, "e30.%d", i);
        char *sig = ac_jws_sign("ES256", key, strlen(key), input, strlen(input), &err);
        ck_assert_ptr_nonnull(sig);
        size_t n = 0;
        unsigned char *raw = ac_base64url_decode(sig, &n);
        ck_assert_uint_eq(n, 64);
        if (raw[0] == 0 || raw[32] == 0) {
            found++;
            ck_assert_int_eq(verify("ES256", key, strlen(key), input, sig), 1);
        }
        free(raw);
        free(sig);
    }
    ck_assert_int_ge(found, 1);
}
END_TEST

START_TEST(test_key_as_secret)
{
    const char *jwks = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},"
                       "{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"" A2_N "\",\"e\":\"AQAB\"}," A3_PUB "]}";
    char *err = NULL;
    cJSON *k = ac_jwks_select(jwks, strlen(jwks), "a", &err);
    ck_assert_ptr_nonnull(k);
    EVP_PKEY *rsa = ac_jwk_to_pkey(k, &err);
    ck_assert_ptr_nonnull(rsa);
    cJSON_Delete(k);
    ck_assert_ptr_null(ac_jwks_select(jwks, strlen(jwks), "zz", &err));
    ck_assert_str_eq(err, "the JWKS has no RSA or EC key with kid 'zz'");
    free(err);
    err = NULL;
    unsigned char *b = NULL;
    size_t n = 0;
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "pem", &b, &n, &err), 0);
    ck_assert(n > 30 && memcmp(b, "-----BEGIN PUBLIC KEY-----\n", 27) == 0 && b[n - 1] == '-');
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "pem-nl", &b, &n, &err), 0);
    ck_assert(b[n - 1] == '\n' && b[n - 2] == '-');
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "pkcs1", &b, &n, &err), 0);
    ck_assert(memcmp(b, "-----BEGIN RSA PUBLIC KEY-----\n", 31) == 0 && b[n - 1] == '-');
    /* The PKCS#1 PEM loads back as the same key. */
    EVP_PKEY *again = ac_jws_load_key((char *)b, n, &err);
    ck_assert_ptr_nonnull(again);
    ck_assert_int_eq(EVP_PKEY_eq(rsa, again), 1);
    EVP_PKEY_free(again);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "der", &b, &n, &err), 0);
    ck_assert_uint_eq(b[0], 0x30);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "n", &b, &n, &err), 0);
    ck_assert_uint_eq(n, 256);
    ck_assert_uint_eq(b[0], 0xa1);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, "{\"kty\":\"RSA\"}", "jwk", &b, &n, &err), 0);
    ck_assert_uint_eq(n, 13);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "jwk", &b, &n, &err), 0);
    ck_assert(strstr((char *)b, A2_N) != NULL);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(rsa, NULL, "xml", &b, &n, &err), -1);
    free(err);
    err = NULL;
    EVP_PKEY_free(rsa);
    /* EC: no PKCS#1; n is the uncompressed point. */
    cJSON *e = ac_jwks_select(jwks + 0, strlen(jwks), NULL, &err);   /* first RSA or EC */
    ck_assert_str_eq(cJSON_GetObjectItem(e, "kty")->valuestring, "RSA");
    cJSON_Delete(e);
    cJSON *ecj = cJSON_Parse(A3_PUB);
    EVP_PKEY *ec = ac_jwk_to_pkey(ecj, &err);
    cJSON_Delete(ecj);
    ck_assert_int_eq(ac_key_as_secret(ec, NULL, "pkcs1", &b, &n, &err), 0);
    ck_assert(memcmp(b, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);
    free(b);
    ck_assert_int_eq(ac_key_as_secret(ec, NULL, "n", &b, &n, &err), 0);
    ck_assert_uint_eq(n, 65);
    ck_assert_uint_eq(b[0], 4);
    free(b);
    EVP_PKEY_free(ec);
}
END_TEST

static char *interp(const char *tmpl, ac_scope *s, char **err)
{
    ac_ival v;
    *err = NULL;
    if (ac_interpolate(s, tmpl, strlen(tmpl), &v, err) < 0) return NULL;
    char *r = v.str;
    v.str = NULL;
    ac_ival_free(&v);
    return r;
}

START_TEST(test_template_functions)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    char *err = NULL;
    /* A.1 through jws_sign: the header's bytes as given (CR LF included). */
    size_t kl = 0;
    char *key = (char *)ac_base64url_decode(A1_KEY, &kl);
    ac_scope_set(&s, "k", key, kl, false, AC_VSRC_CAPTURE);
    ac_scope_set(&s, "h", "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}", 30, false, AC_VSRC_CAPTURE);
    ac_scope_set(&s, "c", "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}", 70, false, AC_VSRC_CAPTURE);
    char *t = interp("${jws_sign(h, c, 'HS256', k)}", &s, &err);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t, A1_INPUT "." A1_SIG);
    ac_scope_set(&s, "t", t, strlen(t), false, AC_VSRC_CAPTURE);
    free(t);
    t = interp("${jws_verify(t, k)}", &s, &err);
    ck_assert_str_eq(t, "true");
    free(t);
    t = interp("${jws_verify(t, 'secret')}", &s, &err);
    ck_assert_str_eq(t, "false");
    free(t);
    /* jws_resign with the empty key, verified by it. */
    t = interp("${jws_verify(jws_resign(jwt_with(t, '{\"kid\":\"../../dev/null\"}', '', ''), 'HS256', ''), '')}", &s, &err);
    ck_assert_str_eq(t, "true");
    free(t);
    /* An embedded-key token: signed with the run's key, verified by the jwk in its header. */
    t = interp("${jws_sign(concat('{\"alg\":\"RS256\",\"jwk\":', jwk_public(jws_key('RS256')), '}'), '{}', 'RS256', jws_key('RS256'))}", &s, &err);
    ck_assert_ptr_nonnull(t);
    ac_scope_set(&s, "e", t, strlen(t), false, AC_VSRC_CAPTURE);
    free(t);
    t = interp("${jws_verify(e, json(jwt_header(e), '$.jwk'))}", &s, &err);
    ck_assert_str_eq(t, "true");
    free(t);
    /* Algorithm confusion: HS256 with the public key's PEM verifies with those bytes. */
    t = interp("${jws_verify(jws_resign(jwt_with(e, '{\"alg\":\"HS256\"}', '', ''), 'HS256', key_as_secret(jwk_public(jws_key('RS256')), 'pem')), "
               "key_as_secret(jws_key('RS256'), 'pem'))}", &s, &err);
    if (!t) fprintf(stderr, "%s\n", err);
    ck_assert_str_eq(t, "true");
    free(t);
    ck_assert_ptr_null(interp("${jws_key('none')}", &s, &err));
    ck_assert_str_eq(err, "jws_key(): 'none' is not HS, RS, PS (256, 384, 512) or ES256/384/512");
    free(err);
    t = interp("${len(jws_key('HS512'))}", &s, &err);
    ck_assert_str_eq(t, "64");
    free(t);
    /* The psychic signature: 64 zero bytes for ES256, none for an HS token. */
    t = interp("${jwt_signature(jws_zero_signature(jws_sign('{\"alg\":\"ES256\"}', '{}', 'ES256', jws_key('ES256'))))}", &s, &err);
    ck_assert_uint_eq(strlen(t), 86);
    ck_assert_str_eq(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    free(t);
    ck_assert_ptr_null(interp("${jws_zero_signature(jws_resign(e, 'HS256', ''))}", &s, &err));
    ck_assert_str_eq(err, "jws_zero_signature(): the token's alg is not ES256, ES384 or ES512");
    free(err);
    ck_assert_ptr_null(interp("${jws_sign('{}', '{}', 'ES256', 'nokey')}", &s, &err));
    ck_assert_str_eq(err, "jws_sign(): the key is neither a PEM key nor a JWK");
    free(err);
    ck_assert_ptr_null(interp("${key_as_secret('{\"keys\":[]}', 'pem')}", &s, &err));
    ck_assert_str_eq(err, "key_as_secret(): the JWKS has no RSA or EC key");
    free(err);
    free(key);
    ac_scope_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jws");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rfc7515_a1_hs256);
    tcase_add_test(tc, test_rfc7515_a2_rs256);
    tcase_add_test(tc, test_rfc7515_a3_es256);
    tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof ALL / sizeof *ALL));
    tcase_add_test(tc, test_wrong_key_type);
    tcase_add_test(tc, test_der_jose);
    tcase_add_test(tc, test_leading_zero_signatures);
    tcase_add_test(tc, test_key_as_secret);
    tcase_add_test(tc, test_template_functions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ac_jws_keys_free();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
