/* tokens: minting access tokens, and the shared mutable token state (revocations, the cache of the
 * deviations that hand out a token again). */
#include "tokens.h"

#include "b64.h"
#include "deviations.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growable list of (key, time) entries. Linear search: a test server holds a few thousand
 * revocations at most. */
struct entry {
  char *key;
  time_t when;
  char *token; /* cache entries only */
  char *jti;   /* cache entries only */
  long long exp;
  double minted; /* cache entries only */
};

struct list {
  struct entry *v;
  size_t n;
};

struct rs_token_store {
  pthread_mutex_t lock;
  struct list revoked_jti;
  struct list revoked_sub;
  struct list cache;
  struct list issued; /* every issued token, kept only for deviation bearer-case-insensitive */
  struct list uses;   /* uses per jti (in when), kept only for deviation bearer-use-quota */
};

static void list_free(struct list *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].key);
    free(l->v[i].token);
    free(l->v[i].jti);
  }
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

static struct entry *list_find(struct list *l, const char *key)
{
  for (size_t i = 0; i < l->n; i++) {
    if (strcmp(l->v[i].key, key) == 0)
      return &l->v[i];
  }
  return NULL;
}

/* The entry for key, created empty when absent; NULL when out of memory. */
static struct entry *list_upsert(struct list *l, const char *key)
{
  struct entry *e = list_find(l, key);
  if (e)
    return e;
  char *k = strdup(key);
  struct entry *grown = k ? realloc(l->v, (l->n + 1) * sizeof *grown) : NULL;
  if (!grown) {
    free(k);
    return NULL;
  }
  l->v = grown;
  e = &l->v[l->n++];
  memset(e, 0, sizeof *e);
  e->key = k;
  return e;
}

rs_token_store *rs_token_store_new(void)
{
  rs_token_store *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  if (pthread_mutex_init(&s->lock, NULL) != 0) {
    free(s);
    return NULL;
  }
  return s;
}

void rs_token_store_free(rs_token_store *s)
{
  if (!s)
    return;
  list_free(&s->revoked_jti);
  list_free(&s->revoked_sub);
  list_free(&s->cache);
  list_free(&s->issued);
  list_free(&s->uses);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

int rs_token_store_revoke(rs_token_store *s, const char *jti, const char *sub, time_t when)
{
  int rc = 0;
  pthread_mutex_lock(&s->lock);
  struct entry *e = list_find(&s->revoked_jti, jti);
  /* Revoking twice keeps the first time: a revocation is never undone or postponed. */
  if (!e) {
    e = list_upsert(&s->revoked_jti, jti);
    if (e)
      e->when = when;
    else
      rc = -1;
  }
  if (rc == 0 && sub) {
    e = list_upsert(&s->revoked_sub, sub);
    if (e && when > e->when)
      e->when = when;
    else if (!e)
      rc = -1;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

bool rs_token_store_revoked(rs_token_store *s, const char *jti, time_t *when)
{
  pthread_mutex_lock(&s->lock);
  struct entry *e = list_find(&s->revoked_jti, jti);
  if (e)
    *when = e->when;
  pthread_mutex_unlock(&s->lock);
  return e != NULL;
}

bool rs_token_store_user_revoked(rs_token_store *s, const char *sub, time_t *when)
{
  pthread_mutex_lock(&s->lock);
  struct entry *e = list_find(&s->revoked_sub, sub);
  if (e)
    *when = e->when;
  pthread_mutex_unlock(&s->lock);
  return e != NULL;
}

bool rs_token_store_cache_get(rs_token_store *s, const char *key, rs_cached_token *out)
{
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&s->lock);
  struct entry *e = list_find(&s->cache, key);
  if (e && e->token) {
    out->token = strdup(e->token);
    out->jti = strdup(e->jti);
    out->exp = e->exp;
    out->minted = e->minted;
  }
  pthread_mutex_unlock(&s->lock);
  if (out->token && out->jti)
    return true;
  rs_token_store_cached_free(out);
  return false;
}

int rs_token_store_cache_put(rs_token_store *s, const char *key, const rs_cached_token *t)
{
  char *token = strdup(t->token);
  char *jti = strdup(t->jti);
  int rc = -1;
  pthread_mutex_lock(&s->lock);
  struct entry *e = token && jti ? list_upsert(&s->cache, key) : NULL;
  if (e) {
    free(e->token);
    free(e->jti);
    e->token = token;
    e->jti = jti;
    e->exp = t->exp;
    e->minted = t->minted;
    token = jti = NULL;
    rc = 0;
  }
  pthread_mutex_unlock(&s->lock);
  free(token);
  free(jti);
  return rc;
}

void rs_token_store_cached_free(rs_cached_token *t)
{
  if (!t)
    return;
  free(t->token);
  free(t->jti);
  memset(t, 0, sizeof *t);
}

int rs_token_store_issued_put(rs_token_store *s, const char *token)
{
  pthread_mutex_lock(&s->lock);
  int rc = list_upsert(&s->issued, token) ? 0 : -1;
  pthread_mutex_unlock(&s->lock);
  return rc;
}

char *rs_token_store_issued_find_ci(rs_token_store *s, const char *token)
{
  char *found = NULL;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->issued.n && !found; i++) {
    if (strcasecmp(s->issued.v[i].key, token) == 0)
      found = strdup(s->issued.v[i].key);
  }
  pthread_mutex_unlock(&s->lock);
  return found;
}

long rs_token_store_count_use(rs_token_store *s, const char *jti)
{
  pthread_mutex_lock(&s->lock);
  struct entry *e = list_upsert(&s->uses, jti);
  long n = e ? (long)++e->when : -1;
  pthread_mutex_unlock(&s->lock);
  return n;
}

unsigned rs_tokens_verify_flags(void)
{
  return rs_dev_on(DEV_AT_JWT_NO_JTI) ? JWT_JTI_OPTIONAL : 0;
}

char *rs_tokens_mint(const rs_jwt_key *key, const char *sub, char *const *roles, size_t n_roles,
                     long long iat, long long exp, const char *issuer, const char *scope,
                     char **jti_out)
{
  unsigned char rnd[16];
  if (RAND_bytes(rnd, sizeof rnd) != 1)
    return NULL;
  rs_jwt_claims c = {.iat = iat, .exp = exp, .at_jwt = issuer != NULL};
  char *token = NULL;
  bool no_jti = issuer && rs_dev_on(DEV_AT_JWT_NO_JTI);
  bool ok = (c.sub = strdup(sub)) != NULL;
  if (issuer && ok) {
    /* at-jwt-wrong-iss: the token endpoint's URL where the issuer belongs, a confusion of the two
     * that a client comparing iss with the metadata's issuer notices. */
    size_t n = strlen(issuer) + sizeof "/auth/token";
    if ((c.iss = malloc(n)) != NULL)
      snprintf(c.iss, n, "%s%s", issuer, rs_dev_on(DEV_AT_JWT_WRONG_ISS) ? "/auth/token" : "");
    c.aud = strdup(issuer);
    c.client_id = no_jti ? NULL : strdup(sub);
    ok = c.iss && c.aud && (no_jti || c.client_id);
    if (ok && scope && *scope)
      ok = (c.scope = strdup(scope)) != NULL;
  }
  if (no_jti) {
    /* at-jwt-no-jti: neither jti nor client_id; the verifier names the token by its signature. */
  } else if (rs_dev_on(DEV_TOKEN_NO_JTI)) {
    /* The claims alone: the same user in the same second gets the same bytes, hence the same
     * token. The jti still names the token for revocation. */
    char id[64];
    snprintf(id, sizeof id, "%lld", iat);
    ok = ok && (c.jti = rs_b64url_encode((const unsigned char *)id, strlen(id))) != NULL;
  } else {
    /* 128 random bits: unique per token */
    ok = ok && (c.jti = rs_b64url_encode(rnd, sizeof rnd)) != NULL;
  }
  if (ok && rs_jwt_claims_set_roles(&c, roles, n_roles) == 0)
    token = rs_jwt_sign(&c, key);
  if (token && jti_out) {
    *jti_out = no_jti ? rs_jwt_made_up_jti(token) : strdup(c.jti);
    if (!*jti_out) {
      free(token);
      token = NULL;
    }
  }
  rs_jwt_claims_free(&c);
  return token;
}
