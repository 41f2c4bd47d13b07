/* The template functions that read, rebuild, sign and verify JWTs (jwt_*, jws_*, jwk_public,
 * key_as_secret), on top of jwt.c, jws.c, jwks.c and weak_secret.c. */
#include "template_impl.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "jwks.h"
#include "jws.h"
#include "jwt.h"
#include "weak_secret.h"

/* Splits t into its three segments; -1 with "FN(): t is not a JWT: ..." otherwise. */
static int jwt_split(const char *fn, const val *t, char *seg[3], char **err)
{
    const char *d1 = memchr(t->s, '.', t->len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', t->len - (size_t)(d1 + 1 - t->s)) : NULL;
    if (!d2 || memchr(d2 + 1, '.', t->len - (size_t)(d2 + 1 - t->s))) {
        *err = ac_sprintf("%s(): not a JWT: expected 3 segments separated by '.'", fn);
        return -1;
    }
    seg[0] = ac_strndup(t->s, (size_t)(d1 - t->s));
    seg[1] = ac_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    seg[2] = ac_strndup(d2 + 1, t->len - (size_t)(d2 + 1 - t->s));
    return 0;
}

static int jwt_part(val *a, val *out, int which, const char *fn, char **err)
{
    if (which == 2) {
        char *seg[3];
        if (jwt_split(fn, &a[0], seg, err) < 0) return -1;
        free(seg[0]);
        free(seg[1]);
        *out = val_take(seg[2]);
        return 0;
    }
    ac_jwt j;
    char *e = NULL;
    if (ac_jwt_decode(a[0].s, &j, &e) < 0) {
        *err = ac_sprintf("%s(): %s", fn, e);
        free(e);
        return -1;
    }
    /* The decoded bytes as the token carries them, not a re-serialisation. */
    size_t len = 0;
    unsigned char *raw = ac_base64url_decode(j.seg[which], &len);
    ac_jwt_free(&j);
    *out = (val){ (char *)raw, len, false };
    return 0;
}

static int fn_jwt_header(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 0, "jwt_header", err); }
static int fn_jwt_claims(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 1, "jwt_claims", err); }
static int fn_jwt_signature(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 2, "jwt_signature", err); }

static cJSON *parse_json_object(const val *v)
{
    if (strlen(v->s) != v->len) return NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(v->s, v->len + 1, NULL, 1);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* One part of jwt_with(): the token's segment kept as is, or its JSON with patch merged over it. */
static int jwt_with_part(const char *base_seg, const val *patch_arg, const char *what, char **seg_out,
                         char **err)
{
    if (patch_arg->len == 0) {
        *seg_out = ac_strdup(base_seg ? base_seg : "e30");   /* e30 = base64url("{}") */
        return 0;
    }
    cJSON *patch = parse_json_object(patch_arg);
    if (!patch) {
        *err = ac_sprintf("jwt_with(): %s_json is not a JSON object", what);
        return -1;
    }
    cJSON *base = NULL;
    if (base_seg) {
        size_t len = 0;
        unsigned char *raw = ac_base64url_decode(base_seg, &len);
        val v = { (char *)raw, len, false };
        base = raw ? parse_json_object(&v) : NULL;
        free(raw);
        if (!base) {
            cJSON_Delete(patch);
            *err = ac_sprintf("jwt_with(): the token's %s is not a base64url JSON object", what);
            return -1;
        }
    } else {
        base = cJSON_CreateObject();
    }
    for (cJSON *c = patch->child; c; c = c->next) {
        if (cJSON_IsNull(c)) {
            cJSON_DeleteItemFromObjectCaseSensitive(base, c->string);
        } else if (cJSON_GetObjectItemCaseSensitive(base, c->string)) {
            cJSON_ReplaceItemInObjectCaseSensitive(base, c->string, cJSON_Duplicate(c, 1));
        } else {
            cJSON_AddItemToObject(base, c->string, cJSON_Duplicate(c, 1));
        }
    }
    *seg_out = ac_jwt_encode_segment(base);
    cJSON_Delete(base);
    cJSON_Delete(patch);
    return 0;
}

static int fn_jwt_with(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3] = { NULL, NULL, NULL };
    char *h = NULL, *c = NULL;
    /* An empty token builds one from scratch: both parts start as {}. */
    if (a[0].len > 0 && jwt_split("jwt_with", &a[0], seg, err) < 0) return -1;
    int rc = -1;
    if (jwt_with_part(seg[0], &a[1], "header", &h, err) < 0) goto done;
    if (jwt_with_part(seg[1], &a[2], "claims", &c, err) < 0) goto done;
    char *tok = ac_sprintf("%s.%s.%s", h, c, a[3].s);
    *out = val_take(tok);
    rc = 0;
done:
    for (int i = 0; i < 3; i++) free(seg[i]);
    free(h);
    free(c);
    return rc;
}

static int fn_is_jwt(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    bool yes = strlen(a[0].s) == a[0].len && ac_jwt_looks_like(a[0].s);
    *out = val_take(ac_strdup(yes ? "true" : "false"));
    return 0;
}

/* ---- JWS: signing and keys (jws.c, jwks.c) ---- */

/* jws_sign(header_json, claims_json, alg, key): the two JSON texts base64url-encoded byte for
 * byte (so a header may say any alg) and signed with alg and key (HS*: the secret's bytes, empty
 * too; RS/PS/ES: a PEM private key, such as jws_key(alg)). */
/* input (taken) "." its signature by alg and key: the token jws_sign and jws_resign return. */
static int sign_input(const char *fn, char *input, const val *alg, const val *key, val *out, char **err)
{
    char *e = NULL;
    char *sig = ac_jws_sign(alg->s, key->s, key->len, input, strlen(input), &e);
    if (!sig) {
        *err = ac_sprintf("%s(): %s", fn, e);
        free(e);
        free(input);
        return -1;
    }
    *out = val_take(ac_sprintf("%s.%s", input, sig));
    free(input);
    free(sig);
    return 0;
}

static int fn_jws_sign(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *h = ac_base64url_encode(a[0].s, a[0].len), *c = ac_base64url_encode(a[1].s, a[1].len);
    char *input = ac_sprintf("%s.%s", h, c);
    free(h);
    free(c);
    return sign_input("jws_sign", input, &a[2], &a[3], out, err);
}

/* jws_resign(token, alg, key): the token's header and claims segments kept as they are, with a
 * new signature by alg and key. */
static int fn_jws_resign(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_resign", &a[0], seg, err) < 0) return -1;
    char *input = ac_sprintf("%s.%s", seg[0], seg[1]);
    for (int i = 0; i < 3; i++) free(seg[i]);
    return sign_input("jws_resign", input, &a[1], &a[2], out, err);
}

/* jws_verify(token, key): true when the token's signature verifies under key with the alg its
 * header names, false otherwise (also for alg none and unknown algs). */
static int fn_jws_verify(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_verify", &a[0], seg, err) < 0) return -1;
    ac_jwt j;
    char *e = NULL;
    int ok = 0;
    if (ac_jwt_decode(a[0].s, &j, &e) == 0) {
        const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j.header, "alg");
        if (cJSON_IsString(alg) && ac_jws_alg_known(alg->valuestring)) {
            char *input = ac_sprintf("%s.%s", seg[0], seg[1]);
            ok = ac_jws_verify(alg->valuestring, a[1].s, a[1].len, input, strlen(input), seg[2], &e) == 1;
            free(input);
        }
        ac_jwt_free(&j);
    }
    free(e);
    for (int i = 0; i < 3; i++) free(seg[i]);
    *out = val_take(ac_strdup(ok ? "true" : "false"));
    return 0;
}

/* jws_key(alg): the run's own PEM private key for alg, or HMAC secret for HS* (generated once
 * per run). */
static int fn_jws_key(val *a, size_t n, val *out, char **err)
{
    (void)n;
    const char *k = ac_jws_run_key(a[0].s);
    if (!k) {
        char *s = ac_tmpl_shown_arg(&a[0]);
        *err = ac_sprintf("jws_key(): %s is not HS, RS, PS (256, 384, 512) or ES256/384/512", s);
        free(s);
        return -1;
    }
    *out = val_take(ac_strdup(k));
    return 0;
}

/* jwk_public(key[, kid]): the public JWK of a PEM key or JWK. */
static int fn_jwk_public(val *a, size_t n, val *out, char **err)
{
    char *e = NULL;
    EVP_PKEY *k = ac_jws_load_key(a[0].s, a[0].len, &e);
    char *j = k ? ac_jwk_public(k, n > 1 ? a[1].s : NULL, &e) : NULL;
    EVP_PKEY_free(k);
    if (!j) {
        *err = ac_sprintf("jwk_public(): %s", e);
        free(e);
        return -1;
    }
    *out = val_take(j);
    return 0;
}

/* jwt_weak_secret(t): true when a well-known secret (the embedded dictionary, each entry also
 * base64-decoded) verifies the HS* token's signature; false when none does or the token is not
 * HS*. Never says which one. */
static int fn_jwt_weak_secret(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    size_t tried = 0;
    int hit = strlen(a[0].s) == a[0].len ? ac_weak_secret_find(a[0].s, &tried) : -1;
    *out = val_take(ac_strdup(hit == 1 ? "true" : "false"));
    return 0;
}

/* jws_zero_signature(t): the token's first two segments with an ECDSA signature r = s = 0 of
 * the size its header's ES* alg needs (the psychic signature, CVE-2022-21449). */
static int fn_jws_zero_signature(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_zero_signature", &a[0], seg, err) < 0) return -1;
    ac_jwt j;
    char *e = NULL;
    size_t coord = 0;
    if (ac_jwt_decode(a[0].s, &j, &e) == 0) {
        const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j.header, "alg");
        coord = cJSON_IsString(alg) ? ac_jws_ec_coord_len(alg->valuestring) : 0;
        ac_jwt_free(&j);
    }
    free(e);
    if (!coord) {
        *err = ac_strdup("jws_zero_signature(): the token's alg is not ES256, ES384 or ES512");
    } else {
        unsigned char zero[2 * 66] = { 0 };
        char *sig = ac_base64url_encode(zero, 2 * coord);
        *out = val_take(ac_sprintf("%s.%s.%s", seg[0], seg[1], sig));
        free(sig);
    }
    for (int i = 0; i < 3; i++) free(seg[i]);
    return coord ? 0 : -1;
}

/* The kid key_as_secret() looks for: the argument, or when it is a JWT the kid of its header
 * (NULL when it has none). Caller frees. */
static char *kid_of(const val *v)
{
    if (!(strlen(v->s) == v->len && ac_jwt_looks_like(v->s))) return ac_strdup(v->s);
    ac_jwt j;
    char *e = NULL, *kid = NULL;
    if (ac_jwt_decode(v->s, &j, &e) == 0) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(j.header, "kid");
        if (cJSON_IsString(k)) kid = ac_strdup(k->valuestring);
        ac_jwt_free(&j);
    }
    free(e);
    return kid;
}

/* key_as_secret(jwks, encoding[, kid]): the public key of a JWKS (the key with kid, else the
 * first RSA or EC key; kid may be a JWT, whose header's kid counts) or of a JWK or PEM key, in
 * one of the encodings of ac_key_as_secret. */
static int fn_key_as_secret(val *a, size_t n, val *out, char **err)
{
    char *e = NULL;
    EVP_PKEY *k = NULL;
    char *jwk_text = NULL;
    size_t i = 0;
    while (i < a[0].len && isspace((unsigned char)a[0].s[i])) i++;
    if (i < a[0].len && a[0].s[i] == '{') {
        char *kid = n > 2 ? kid_of(&a[2]) : NULL;
        cJSON *jwk = ac_jwks_select(a[0].s, a[0].len, kid, &e);
        free(kid);
        if (jwk) {
            k = ac_jwk_to_pkey(jwk, &e);
            jwk_text = cJSON_PrintUnformatted(jwk);
            cJSON_Delete(jwk);
        }
    } else {
        k = ac_jws_load_key(a[0].s, a[0].len, &e);
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (k) {
        free(e);
        e = NULL;
        if (ac_key_as_secret(k, jwk_text, a[1].s, &bytes, &len, &e) < 0) bytes = NULL;
    }
    EVP_PKEY_free(k);
    free(jwk_text);
    if (!bytes) {
        *err = strncmp(e ? e : "", "key_as_secret", 13) == 0 ? e : ac_sprintf("key_as_secret(): %s", e);
        if (*err != e) free(e);
        return -1;
    }
    char *s = ac_malloc(len + 1);
    memcpy(s, bytes, len);
    s[len] = '\0';
    free(bytes);
    *out = (val){ s, len, false };
    return 0;
}

/* Sorted by name for bsearch (ac_tmpl_fn_find). */
const fn_def ac_tmpl_jwt_fns[] = {
    { "is_jwt", 1, 1, true, fn_is_jwt },
    { "jwk_public", 1, 2, false, fn_jwk_public },
    { "jws_key", 1, 1, false, fn_jws_key },
    { "jws_resign", 3, 3, false, fn_jws_resign },
    { "jws_sign", 4, 4, false, fn_jws_sign },
    { "jws_verify", 2, 2, true, fn_jws_verify },
    { "jws_zero_signature", 1, 1, false, fn_jws_zero_signature },
    { "jwt_claims", 1, 1, false, fn_jwt_claims },
    { "jwt_header", 1, 1, false, fn_jwt_header },
    { "jwt_signature", 1, 1, false, fn_jwt_signature },
    { "jwt_weak_secret", 1, 1, true, fn_jwt_weak_secret },
    { "jwt_with", 4, 4, false, fn_jwt_with },
    { "key_as_secret", 2, 3, false, fn_key_as_secret },
};
const size_t ac_tmpl_jwt_fns_n = sizeof ac_tmpl_jwt_fns / sizeof *ac_tmpl_jwt_fns;
