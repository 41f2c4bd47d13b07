/* logins: failed-login counters per account. */
#include "logins.h"

#include "users.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct counter {
  const char *name; /* borrowed from the users table */
  unsigned long failures;
};

struct rs_logins {
  pthread_mutex_t lock;
  struct counter *v;
  size_t n;
};

rs_logins *rs_logins_new(const rs_users *u)
{
  rs_logins *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->n = rs_users_count(u);
  l->v = l->n ? calloc(l->n, sizeof *l->v) : NULL;
  if ((l->n && !l->v) || pthread_mutex_init(&l->lock, NULL) != 0) {
    free(l->v);
    free(l);
    return NULL;
  }
  for (size_t i = 0; i < l->n; i++)
    l->v[i].name = rs_users_at(u, i)->name;
  return l;
}

void rs_logins_free(rs_logins *l)
{
  if (!l)
    return;
  pthread_mutex_destroy(&l->lock);
  free(l->v);
  free(l);
}

/* The counter of name, or NULL. The table never changes shape, so no lock is needed to find it. */
static struct counter *find(rs_logins *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++) {
    if (strcmp(l->v[i].name, name) == 0)
      return &l->v[i];
  }
  return NULL;
}

bool rs_logins_failed(rs_logins *l, const char *name)
{
  struct counter *c = find(l, name);
  if (!c)
    return false;
  pthread_mutex_lock(&l->lock);
  c->failures++;
  pthread_mutex_unlock(&l->lock);
  return true;
}

long rs_logins_count(rs_logins *l, const char *name)
{
  struct counter *c = find(l, name);
  if (!c)
    return -1;
  pthread_mutex_lock(&l->lock);
  long n = (long)c->failures;
  pthread_mutex_unlock(&l->lock);
  return n;
}

char *rs_logins_json(rs_logins *l)
{
  cJSON *o = cJSON_CreateObject();
  bool ok = o != NULL;
  pthread_mutex_lock(&l->lock);
  for (size_t i = 0; ok && i < l->n; i++) {
    if (l->v[i].failures > 0)
      ok = cJSON_AddNumberToObject(o, l->v[i].name, (double)l->v[i].failures) != NULL;
  }
  pthread_mutex_unlock(&l->lock);
  char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return text;
}
