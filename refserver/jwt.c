/* jwt: HS256, RS256 and ES256 JSON Web Tokens (RFC 7519) as issued and verified by the reference
 * server. */
#include "jwt.h"

#include "b64.h"
#include "jwks.h"
#include "jws.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The largest signature: RSA 2048 (256 bytes); HS256 32, ES256 64 (r||s). */
#define SIG_MAX 512
#define ES256_COORD 32

const char *rs_jwt_alg_name(const rs_jwt_key *key)
{
  return key->alg == JWT_RS256 ? "RS256" : key->alg == JWT_ES256 ? "ES256" : "HS256";
}

/* The header our tokens carry: typ JWT (documented flavour) or RFC 9068's at+jwt (rfc flavour),
 * and the kid of a published key. Caller frees. */
static char *header_json(const rs_jwt_key *key, bool at_jwt)
{
  char *h = malloc(128);
  if (!h)
    return NULL;
  if (key->kid)
    snprintf(h, 128, "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}", rs_jwt_alg_name(key),
             at_jwt ? "at+jwt" : "JWT", key->kid);
  else
    snprintf(h, 128, "{\"alg\":\"%s\",\"typ\":\"%s\"}", rs_jwt_alg_name(key),
             at_jwt ? "at+jwt" : "JWT");
  return h;
}

/* The raw JOSE signature of data under key into sig (SIG_MAX bytes); its length, or 0 on
 * failure. ES256 signatures are converted from DER to r||s. */
static size_t sign_raw(const rs_jwt_key *key, const char *data, size_t len,
                       unsigned char sig[SIG_MAX])
{
  if (key->alg == JWT_HS256) {
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha256(), key->bytes, (int)key->len, (const unsigned char *)data, len, sig,
              &mac_len))
      return 0;
    return mac_len;
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char der[SIG_MAX];
  size_t n = sizeof der;
  size_t result = 0;
  if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1 &&
      EVP_DigestSign(ctx, der, &n, (const unsigned char *)data, len) == 1) {
    if (key->alg == JWT_RS256) {
      memcpy(sig, der, n);
      result = n;
    } else {
      const unsigned char *p = der;
      ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);
      const BIGNUM *r, *s;
      if (es) {
        ECDSA_SIG_get0(es, &r, &s);
        if (BN_bn2binpad(r, sig, ES256_COORD) == ES256_COORD &&
            BN_bn2binpad(s, sig + ES256_COORD, ES256_COORD) == ES256_COORD)
          result = 2 * ES256_COORD;
      }
      ECDSA_SIG_free(es);
    }
  }
  EVP_MD_CTX_free(ctx);
  return result;
}

/* True when sig (raw JOSE form) is key's signature of data. */
static bool verify_raw(const rs_jwt_key *key, const char *data, size_t len,
                       const unsigned char *sig, size_t sig_len)
{
  if (key->alg == JWT_HS256) {
    unsigned char mac[SIG_MAX];
    size_t n = sign_raw(key, data, len, mac);
    /* Constant time: the comparison must not tell how many leading bytes matched. */
    return n && sig_len == n && CRYPTO_memcmp(mac, sig, n) == 0;
  }
  unsigned char *der = NULL;
  size_t der_len = sig_len;
  bool ok = false;
  if (key->alg == JWT_ES256) {
    if (sig_len != 2 * ES256_COORD)
      return false;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, ES256_COORD, NULL),
           *s = BN_bin2bn(sig + ES256_COORD, ES256_COORD, NULL);
    if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
      BN_free(r);
      BN_free(s);
      ECDSA_SIG_free(es);
      return false;
    }
    int n = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (n <= 0)
      return false;
    der_len = (size_t)n;
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1)
    ok = EVP_DigestVerify(ctx, der ? der : sig, der_len, (const unsigned char *)data, len) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  return ok;
}

/* The base64url public JWK member of a big number, left-padded to pad bytes. */
static bool add_bn(cJSON *o, const char *name, const struct evp_pkey_st *pkey, const char *param,
                   size_t pad)
{
  BIGNUM *bn = NULL;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
    return false;
  size_t n = (size_t)BN_num_bytes(bn);
  if (n < pad)
    n = pad;
  unsigned char *buf = malloc(n ? n : 1);
  char *enc = NULL;
  if (buf && BN_bn2binpad(bn, buf, (int)n) >= 0)
    enc = rs_b64url_encode(buf, n);
  bool ok = enc && cJSON_AddStringToObject(o, name, enc);
  free(enc);
  free(buf);
  BN_free(bn);
  return ok;
}

char *rs_jwt_jwks_json(const rs_jwt_key *key)
{
  if (key->alg == JWT_HS256)
    return NULL;
  cJSON *set = cJSON_CreateObject();
  cJSON *keys = cJSON_AddArrayToObject(set, "keys");
  cJSON *k = cJSON_CreateObject();
  char *text = NULL;
  if (!set || !keys || !k) {
    cJSON_Delete(k);
    goto out;
  }
  cJSON_AddItemToArray(keys, k);
  bool ok;
  if (key->alg == JWT_RS256)
    ok = cJSON_AddStringToObject(k, "kty", "RSA") &&
         add_bn(k, "n", key->pkey, OSSL_PKEY_PARAM_RSA_N, 0) &&
         add_bn(k, "e", key->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
  else
    ok = cJSON_AddStringToObject(k, "kty", "EC") && cJSON_AddStringToObject(k, "crv", "P-256") &&
         add_bn(k, "x", key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, ES256_COORD) &&
         add_bn(k, "y", key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, ES256_COORD);
  if (ok && cJSON_AddStringToObject(k, "kid", key->kid) &&
      cJSON_AddStringToObject(k, "use", "sig") &&
      cJSON_AddStringToObject(k, "alg", rs_jwt_alg_name(key)))
    text = cJSON_PrintUnformatted(set);
out:
  cJSON_Delete(set);
  return text;
}

int rs_jwt_claims_set_roles(rs_jwt_claims *c, char *const *roles, size_t n)
{
  char **copy = calloc(n ? n : 1, sizeof *copy);
  if (!copy)
    return -1;
  for (size_t i = 0; i < n; i++) {
    copy[i] = strdup(roles[i]);
    if (!copy[i]) {
      for (size_t k = 0; k < i; k++)
        free(copy[k]);
      free(copy);
      return -1;
    }
  }
  for (size_t i = 0; i < c->n_roles; i++)
    free(c->roles[i]);
  free(c->roles);
  c->roles = copy;
  c->n_roles = n;
  return 0;
}

void rs_jwt_claims_free(rs_jwt_claims *c)
{
  if (!c)
    return;
  free(c->sub);
  free(c->jti);
  free(c->iss);
  free(c->aud);
  free(c->client_id);
  free(c->scope);
  for (size_t i = 0; i < c->n_roles; i++)
    free(c->roles[i]);
  free(c->roles);
  memset(c, 0, sizeof *c);
}

/* The payload JSON for claims, or NULL. Caller frees. */
static char *claims_json(const rs_jwt_claims *c)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *roles = cJSON_CreateArray();
  char *text = NULL;
  if (!o || !roles)
    goto out;
  for (size_t i = 0; i < c->n_roles; i++) {
    cJSON *s = cJSON_CreateString(c->roles[i]);
    if (!s)
      goto out;
    cJSON_AddItemToArray(roles, s);
  }
  /* The documented flavour's claims are sub, iat, exp, jti, roles in that order (unchanged since
   * the first release); RFC 9068 adds iss, aud and client_id. A NULL jti or client_id is left out
   * (deviation at-jwt-no-jti). */
  if ((c->at_jwt && c->iss && !cJSON_AddStringToObject(o, "iss", c->iss)) ||
      !cJSON_AddStringToObject(o, "sub", c->sub) ||
      (c->at_jwt && c->aud && !cJSON_AddStringToObject(o, "aud", c->aud)) ||
      (c->at_jwt && c->client_id && !cJSON_AddStringToObject(o, "client_id", c->client_id)) ||
      !cJSON_AddNumberToObject(o, "iat", (double)c->iat) ||
      !cJSON_AddNumberToObject(o, "exp", (double)c->exp) ||
      (c->jti && !cJSON_AddStringToObject(o, "jti", c->jti)) ||
      (c->at_jwt && c->scope && !cJSON_AddStringToObject(o, "scope", c->scope)))
    goto out;
  cJSON_AddItemToObject(o, "roles", roles);
  roles = NULL; /* now owned by o */
  text = cJSON_PrintUnformatted(o);
out:
  cJSON_Delete(roles);
  cJSON_Delete(o);
  return text;
}

char *rs_jwt_sign(const rs_jwt_claims *claims, const rs_jwt_key *key)
{
  char *result = NULL;
  char *payload = claims_json(claims);
  char *header = header_json(key, claims->at_jwt);
  char *h64 = header ? rs_b64url_encode((const unsigned char *)header, strlen(header)) : NULL;
  char *p64 = payload ? rs_b64url_encode((const unsigned char *)payload, strlen(payload)) : NULL;
  char *s64 = NULL;
  char *signing_input = NULL;
  if (!h64 || !p64)
    goto out;
  size_t in_len = strlen(h64) + 1 + strlen(p64);
  signing_input = malloc(in_len + 1);
  if (!signing_input)
    goto out;
  snprintf(signing_input, in_len + 1, "%s.%s", h64, p64);
  unsigned char sig[SIG_MAX];
  size_t sig_len = sign_raw(key, signing_input, key->header_only ? strlen(h64) : in_len, sig);
  if (!sig_len)
    goto out;
  s64 = rs_b64url_encode(sig, sig_len);
  if (!s64)
    goto out;
  result = malloc(in_len + 1 + strlen(s64) + 1);
  if (result)
    sprintf(result, "%s.%s", signing_input, s64);
out:
  free(payload);
  free(header);
  free(h64);
  free(p64);
  free(s64);
  free(signing_input);
  return result;
}

/* Decodes one base64url segment and parses it as a JSON object; NULL when it is not one. */
static cJSON *segment_json(const char *s, size_t len)
{
  unsigned char *raw = NULL;
  size_t raw_len = 0;
  if (rs_b64url_decode(s, len, &raw, &raw_len) != 0)
    return NULL;
  cJSON *j = cJSON_ParseWithLength((const char *)raw, raw_len);
  free(raw);
  if (j && !cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return NULL;
  }
  return j;
}

/* Reads an integral NumericDate; false when absent, fractional or out of range. */
static bool numeric_date(const cJSON *o, const char *name, long long *out)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);
  if (!cJSON_IsNumber(n))
    return false;
  double d = n->valuedouble;
  if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0)
    return false;
  *out = (long long)d;
  return true;
}

char *rs_jwt_made_up_jti(const char *token)
{
  const char *sig = strrchr(token, '.');
  sig = sig ? sig + 1 : token;
  size_t n = strlen(JWT_NO_JTI_PREFIX) + strlen(sig) + 1;
  char *jti = malloc(n);
  if (jti)
    snprintf(jti, n, "%s%s", JWT_NO_JTI_PREFIX, sig);
  return jti;
}

/* Copies the optional string claim name of p into *out (left NULL when absent). JWT_OK,
 * JWT_INVALID when it is not a string, or JWT_NOMEM. */
static rs_jwt_status optional_string(const cJSON *p, const char *name, char **out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
  if (!v)
    return JWT_OK;
  if (!cJSON_IsString(v))
    return JWT_INVALID;
  *out = strdup(v->valuestring);
  return *out ? JWT_OK : JWT_NOMEM;
}

/* Fills out from the payload of token; JWT_OK, JWT_INVALID or JWT_NOMEM. */
static rs_jwt_status read_claims(const cJSON *p, const char *token, unsigned flags,
                                 rs_jwt_claims *out)
{
  const cJSON *sub = cJSON_GetObjectItemCaseSensitive(p, "sub");
  const cJSON *jti = cJSON_GetObjectItemCaseSensitive(p, "jti");
  const cJSON *roles = cJSON_GetObjectItemCaseSensitive(p, "roles");
  bool no_jti = !jti && (flags & JWT_JTI_OPTIONAL);
  if (!cJSON_IsString(sub) || !sub->valuestring[0] ||
      (!no_jti && (!cJSON_IsString(jti) || !jti->valuestring[0])) ||
      !numeric_date(p, "iat", &out->iat) || !numeric_date(p, "exp", &out->exp) ||
      (roles && !cJSON_IsArray(roles)))
    return JWT_INVALID;
  rs_jwt_status st = optional_string(p, "iss", &out->iss);
  if (st == JWT_OK)
    st = optional_string(p, "client_id", &out->client_id);
  if (st == JWT_OK)
    st = optional_string(p, "scope", &out->scope);
  /* aud may be an array (RFC 7519 4.1.3); ours is a string, and only a string is kept. */
  const cJSON *aud = cJSON_GetObjectItemCaseSensitive(p, "aud");
  if (st == JWT_OK && cJSON_IsString(aud) && !(out->aud = strdup(aud->valuestring)))
    st = JWT_NOMEM;
  if (st != JWT_OK)
    return st;
  out->sub = strdup(sub->valuestring);
  out->jti = no_jti ? rs_jwt_made_up_jti(token) : strdup(jti->valuestring);
  out->jti_made_up = no_jti;
  size_t n = roles ? (size_t)cJSON_GetArraySize(roles) : 0;
  out->roles = calloc(n ? n : 1, sizeof *out->roles);
  if (!out->sub || !out->jti || !out->roles)
    return JWT_NOMEM;
  const cJSON *r;
  cJSON_ArrayForEach(r, roles) {
    if (!cJSON_IsString(r))
      return JWT_INVALID;
    out->roles[out->n_roles] = strdup(r->valuestring);
    if (!out->roles[out->n_roles])
      return JWT_NOMEM;
    out->n_roles++;
  }
  return JWT_OK;
}

/* Checks the signature segment sig[0..sig_len) over signing_input. */
static rs_jwt_status check_signature(const rs_jwt_key *key, const char *signing_input,
                                     size_t in_len, const char *sig, size_t sig_len,
                                     unsigned flags)
{
  unsigned char mac[SIG_MAX];
  if (flags & JWT_SKIP_SIGNATURE)
    return JWT_OK;
  /* The deviations below compare encoded signatures: deterministic ones only (not ES256). */
  size_t mac_len = key->alg == JWT_ES256 ? 0 : sign_raw(key, signing_input, in_len, mac);
  if (key->alg != JWT_ES256 && !mac_len)
    return JWT_NOMEM;
  if (mac_len && (flags & (JWT_PREFIX_SIGNATURE | JWT_TRAILING_IGNORED))) {
    /* Deviations: a comparison of the encoded signatures that stops at the shorter one (a prefix
     * of 16 characters or more passes), or at the expected length (anything appended passes). A
     * changed character inside the signature still fails. */
    char *want = rs_b64url_encode(mac, mac_len);
    if (!want)
      return JWT_NOMEM;
    size_t want_len = strlen(want);
    bool same = false;
    if ((flags & JWT_PREFIX_SIGNATURE) && sig_len >= 16 && sig_len <= want_len)
      same = memcmp(want, sig, sig_len) == 0;
    if ((flags & JWT_TRAILING_IGNORED) && sig_len >= want_len)
      same = same || memcmp(want, sig, want_len) == 0;
    free(want);
    if (same)
      return JWT_OK;
    if (sig_len != want_len)
      return JWT_BAD_SIGNATURE;
  }
  unsigned char *got = NULL;
  size_t got_len = 0;
  if (rs_b64url_decode(sig, sig_len, &got, &got_len) != 0)
    return JWT_BAD_SIGNATURE;
  bool same = verify_raw(key, signing_input, in_len, got, got_len);
  free(got);
  return same ? JWT_OK : JWT_BAD_SIGNATURE;
}

/* HMAC-SHA256 of input under k equals sig. */
static bool hmac_is(const void *k, size_t kl, const char *input, size_t in_len,
                    const unsigned char *sig, size_t sig_len)
{
  static const unsigned char empty[1] = {0};
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int ml = 0;
  if (!HMAC(EVP_sha256(), kl ? k : empty, (int)kl, (const unsigned char *)input, in_len, mac, &ml))
    return false;
  return ml == sig_len && CRYPTO_memcmp(mac, sig, ml) == 0;
}

/* The JWT attack deviations: true when one that is switched on in flags accepts the token
 * (header, alg, signing input, signature segment), whatever the correct check would say. */
static bool attack_accepts(const rs_jwt_key *key, const cJSON *header, const char *alg,
                           const char *input, size_t in_len, const char *sig, size_t sig_len,
                           unsigned flags)
{
  if ((flags & JWT_NONE_SIGNATURE_KEPT) && strcasecmp(alg, "none") == 0 && sig_len > 0)
    return true;
  if ((flags & JWT_NULL_SIGNATURE) && sig_len == 0 && strcmp(alg, rs_jwt_alg_name(key)) == 0)
    return true;
  if (((flags & JWT_JKU_TRUSTED) && cJSON_GetObjectItemCaseSensitive(header, "jku")) ||
      ((flags & JWT_X5U_TRUSTED) && cJSON_GetObjectItemCaseSensitive(header, "x5u")))
    return true;
  unsigned char *raw = NULL;
  size_t raw_len = 0;
  if (sig_len == 0 || rs_b64url_decode(sig, sig_len, &raw, &raw_len) != 0)
    return false;
  const cJSON *kid = cJSON_GetObjectItemCaseSensitive(header, "kid");
  const char *k = cJSON_IsString(kid) ? kid->valuestring : "";
  bool hs = strcmp(alg, "HS256") == 0;
  bool ok = false;
  if (hs && (flags & JWT_HMAC_EMPTY_KEY))
    ok = hmac_is("", 0, input, in_len, raw, raw_len);
  size_t kl = strlen(k);
  if (!ok && hs && (flags & JWT_KID_TRAVERSAL) && strstr(k, "../") && kl >= 8 &&
      strcmp(k + kl - 8, "dev/null") == 0)
    ok = hmac_is("", 0, input, in_len, raw, raw_len); /* the file is empty */
  const char *u = strstr(k, "UNION SELECT '");
  const char *end = u ? strchr(u + 14, '\'') : NULL;
  if (!ok && hs && (flags & JWT_KID_SQLI) && end)
    ok = hmac_is(u + 14, (size_t)(end - u - 14), input, in_len, raw, raw_len);
  const cJSON *jwk = cJSON_GetObjectItemCaseSensitive(header, "jwk");
  if (!ok && (flags & JWT_EMBEDDED_JWK) && cJSON_IsObject(jwk) && ac_jws_alg_known(alg) && !hs) {
    char *text = cJSON_PrintUnformatted(jwk);
    char *err = NULL;
    ok = text && ac_jws_verify(alg, text, strlen(text), input, in_len, sig, &err) == 1;
    free(err);
    free(text);
  }
  if (!ok && hs && (flags & JWT_ALG_CONFUSION) && key->pkey) {
    unsigned char *pem = NULL;
    size_t pem_len = 0;
    char *err = NULL;
    if (ac_key_as_secret(key->pkey, NULL, "pem-nl", &pem, &pem_len, &err) == 0)
      ok = hmac_is(pem, pem_len, input, in_len, raw, raw_len);
    free(err);
    free(pem);
  }
  if (!ok && (flags & JWT_PSYCHIC) && key->alg == JWT_ES256 && strcmp(alg, "ES256") == 0 &&
      raw_len == 2 * ES256_COORD) {
    ok = true;
    for (size_t i = 0; i < raw_len; i++)
      ok = ok && raw[i] == 0;
  }
  if (!ok && (flags & JWT_KEY_SUBSTITUTION) && strcmp(alg, rs_jwt_alg_name(key)) == 0) {
    size_t want = key->alg == JWT_HS256   ? 32
                  : key->alg == JWT_ES256 ? 2 * ES256_COORD
                                          : (size_t)EVP_PKEY_get_size(key->pkey);
    ok = raw_len == want;
  }
  free(raw);
  return ok;
}

rs_jwt_status rs_jwt_verify(const char *token, const rs_jwt_key *key, unsigned flags,
                            rs_jwt_claims *out)
{
  memset(out, 0, sizeof *out);
  const char *dot1 = strchr(token, '.');
  const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
  if (!dot2 || strchr(dot2 + 1, '.'))
    return JWT_GARBAGE;
  size_t h_len = (size_t)(dot1 - token);
  size_t p_len = (size_t)(dot2 - dot1 - 1);
  const char *sig = dot2 + 1;
  size_t sig_len = strlen(sig);
  if (h_len == 0 || p_len == 0 || !rs_b64url_alphabet(token, h_len) ||
      !rs_b64url_alphabet(dot1 + 1, p_len) || !rs_b64url_alphabet(sig, sig_len))
    return JWT_GARBAGE;

  rs_jwt_status st = JWT_INVALID;
  cJSON *header = segment_json(token, h_len);
  cJSON *payload = segment_json(dot1 + 1, p_len);
  if (!header || !payload)
    goto out;
  const cJSON *alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
  const cJSON *typ = cJSON_GetObjectItemCaseSensitive(header, "typ");
  /* typ is a media type, compared ignoring case: "JWT" (the documented flavour's tokens) or
   * RFC 9068's "at+jwt" (also written in full, "application/at+jwt"). */
  if (!cJSON_IsString(alg) ||
      (typ && !(cJSON_IsString(typ) && (strcasecmp(typ->valuestring, "JWT") == 0 ||
                                        strcasecmp(typ->valuestring, "at+jwt") == 0 ||
                                        strcasecmp(typ->valuestring, "application/at+jwt") == 0))))
    goto out;
  /* "crit" names extensions the verifier must understand; this one understands none (RFC 7515
   * 4.1.11). */
  if (cJSON_GetObjectItemCaseSensitive(header, "crit"))
    goto out;
  bool none_exact = strcmp(alg->valuestring, "none") == 0;
  if (attack_accepts(key, header, alg->valuestring, token, (size_t)(dot2 - token), sig, sig_len,
                     flags) ||
      (none_exact && (flags & JWT_ACCEPT_ALG_NONE)) ||
      (!none_exact && strcasecmp(alg->valuestring, "none") == 0 &&
       (flags & JWT_ACCEPT_ALG_NONE_CASE))) {
    st = JWT_OK;
  } else if (strcmp(alg->valuestring, rs_jwt_alg_name(key)) != 0) {
    st = JWT_BAD_ALG; /* never let the token choose the algorithm (RFC 8725 3.1) */
    goto out;
  } else {
    st = check_signature(key, token, key->header_only ? h_len : (size_t)(dot2 - token), sig,
                         sig_len, flags);
    if (st != JWT_OK)
      goto out;
  }
  st = read_claims(payload, token, flags, out);
  if (st == JWT_OK)
    out->at_jwt = typ && strcasecmp(typ->valuestring, "JWT") != 0;
out:
  cJSON_Delete(header);
  cJSON_Delete(payload);
  if (st != JWT_OK)
    rs_jwt_claims_free(out);
  return st;
}
