/* tokens_util: building altered, forged and unsigned tokens from a real one, and admin calls. */
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *tok_alter_signature(const char *t)
{
  char *c = strdup(t);
  char *sig = c ? strrchr(c, '.') : NULL;
  if (!sig)
    return c;
  sig++;
  size_t mid = strlen(sig) / 2;
  sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
  return c;
}

char *tok_unsigned(const char *t, const char *alg)
{
  char header[64];
  snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
  char *h = t_b64url((const unsigned char *)header, strlen(header));
  const char *d1 = strchr(t, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  char *out = h && d2 ? malloc(strlen(h) + (size_t)(d2 - d1) + 3) : NULL;
  if (out)
    sprintf(out, "%s%.*s.", h, (int)(d2 - d1), d1);
  free(h);
  return out;
}

char *tok_forge_exp(const char *t, long long delta)
{
  char *payload = jwt_payload(t);
  cJSON *j = cJSON_Parse(payload ? payload : "");
  free(payload);
  cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "exp");
  if (!cJSON_IsNumber(exp)) {
    cJSON_Delete(j);
    return NULL;
  }
  cJSON_SetNumberValue(exp, exp->valuedouble + (double)delta);
  char *out = tok_with_payload(t, j);
  cJSON_Delete(j);
  return out;
}

char *tok_with_payload(const char *t, const cJSON *claims)
{
  char *text = cJSON_PrintUnformatted(claims);
  char *p = text ? t_b64url((const unsigned char *)text, strlen(text)) : NULL;
  free(text);
  const char *d1 = strchr(t, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  char *out = p && d2 ? malloc(strlen(t) + strlen(p) + 4) : NULL;
  if (out)
    sprintf(out, "%.*s.%s%s", (int)(d1 - t), t, p, d2);
  free(p);
  return out;
}

char *tok_append(const char *t, const char *suffix)
{
  char *out = malloc(strlen(t) + strlen(suffix) + 1);
  if (out)
    sprintf(out, "%s%s", t, suffix);
  return out;
}

char *tok_truncate(const char *t, size_t n)
{
  size_t len = strlen(t);
  return strndup(t, len > n ? len - n : 0);
}

char *tok_flip_case(const char *t)
{
  char *c = strdup(t);
  for (char *p = c; c && *p; p++)
    *p = (char)(islower((unsigned char)*p) ? toupper((unsigned char)*p)
                                           : tolower((unsigned char)*p));
  return c;
}

int admin_post(struct resp *r, const struct srv *s, const char *what, const char *form)
{
  char url[512];
  snprintf(url, sizeof url, "%s/_refserver/%s", s->base, what);
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  return http(r, "POST", url, h, form);
}

char *admin_mint(const struct srv *s, const char *user, const char *kind)
{
  char form[256];
  snprintf(form, sizeof form, "username=%s&kind=%s", user, kind);
  struct resp r;
  admin_post(&r, s, "mint", form);
  char *t = r.status == 200 ? json_str(r.body, "access_token") : NULL;
  resp_free(&r);
  return t;
}

long long claim_num(const char *token, const char *name)
{
  char *payload = jwt_payload(token);
  cJSON *j = cJSON_Parse(payload ? payload : "");
  free(payload);
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, name);
  long long v = cJSON_IsNumber(n) ? (long long)n->valuedouble : -1;
  cJSON_Delete(j);
  return v;
}
