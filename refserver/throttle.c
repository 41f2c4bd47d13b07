/* throttle: counts failed logins per client_id and locks a name out for a while (--throttle N). */
#include "throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A fixed table: a flood of random names overwrites the oldest slot instead of growing memory. */
#define SLOTS 1024

struct slot {
  char *name;
  unsigned failures;
  time_t first;        /* start of the counting window */
  time_t locked_until; /* 0 when not locked */
};

struct rs_throttle {
  pthread_mutex_t lock;
  unsigned limit;
  unsigned window;
  struct slot slots[SLOTS];
};

rs_throttle *rs_throttle_new(unsigned limit, unsigned window)
{
  rs_throttle *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  if (pthread_mutex_init(&t->lock, NULL) != 0) {
    free(t);
    return NULL;
  }
  t->limit = limit;
  t->window = window;
  return t;
}

void rs_throttle_free(rs_throttle *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < SLOTS; i++)
    free(t->slots[i].name);
  pthread_mutex_destroy(&t->lock);
  free(t);
}

static struct slot *find(rs_throttle *t, const char *name)
{
  for (size_t i = 0; i < SLOTS; i++) {
    if (t->slots[i].name && strcmp(t->slots[i].name, name) == 0)
      return &t->slots[i];
  }
  return NULL;
}

bool rs_throttle_locked(rs_throttle *t, const char *name, time_t now, long *retry_after)
{
  pthread_mutex_lock(&t->lock);
  struct slot *s = find(t, name);
  bool locked = s && s->locked_until > now;
  if (locked)
    *retry_after = (long)(s->locked_until - now);
  pthread_mutex_unlock(&t->lock);
  return locked;
}

void rs_throttle_failure(rs_throttle *t, const char *name, time_t now)
{
  pthread_mutex_lock(&t->lock);
  struct slot *s = find(t, name);
  if (!s) {
    /* Reuse an empty slot, else the one whose window started longest ago. */
    s = &t->slots[0];
    for (size_t i = 0; i < SLOTS && s->name; i++) {
      if (!t->slots[i].name || t->slots[i].first < s->first)
        s = &t->slots[i];
    }
    char *copy = strdup(name);
    if (!copy)
      goto out;
    free(s->name);
    memset(s, 0, sizeof *s);
    s->name = copy;
    s->first = now;
  }
  if (now - s->first >= (time_t)t->window) {
    s->failures = 0;
    s->first = now;
  }
  if (++s->failures >= t->limit)
    s->locked_until = now + (time_t)t->window;
out:
  pthread_mutex_unlock(&t->lock);
}

void rs_throttle_success(rs_throttle *t, const char *name)
{
  pthread_mutex_lock(&t->lock);
  struct slot *s = find(t, name);
  if (s) {
    free(s->name);
    memset(s, 0, sizeof *s);
  }
  pthread_mutex_unlock(&t->lock);
}
