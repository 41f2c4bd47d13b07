/* reqlog: the optional request log (--log FILE). */
#include "reqlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct rs_reqlog {
  FILE *f;
  bool log_tokens;
  pthread_mutex_t lock; /* one line at a time from the connection threads */
};

rs_reqlog *rs_reqlog_open(const char *path, bool log_tokens)
{
  rs_reqlog *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->f = fopen(path, "a");
  if (!l->f || pthread_mutex_init(&l->lock, NULL) != 0) {
    if (l->f)
      fclose(l->f);
    free(l);
    return NULL;
  }
  l->log_tokens = log_tokens;
  return l;
}

void rs_reqlog_close(rs_reqlog *l)
{
  if (!l)
    return;
  fclose(l->f);
  pthread_mutex_destroy(&l->lock);
  free(l);
}

/* Writes s with control characters and non-ASCII bytes as '?': a log line is one line. */
static void put_clean(FILE *f, const char *s)
{
  for (; *s; s++)
    fputc((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ? '?' : *s, f);
}

static void stamp(FILE *f)
{
  char buf[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fputs(buf, f);
}

/* Every line: taken under the lock, opened with the time, ended and flushed at once. */
static void line_begin(rs_reqlog *l)
{
  pthread_mutex_lock(&l->lock);
  stamp(l->f);
}

static void line_end(rs_reqlog *l)
{
  fputc('\n', l->f);
  fflush(l->f);
  pthread_mutex_unlock(&l->lock);
}

void rs_reqlog_request(rs_reqlog *l, const char *method, const char *path, unsigned status)
{
  if (!l)
    return;
  line_begin(l);
  fputc(' ', l->f);
  put_clean(l->f, method);
  fputc(' ', l->f);
  put_clean(l->f, path);
  fprintf(l->f, " %u", status);
  line_end(l);
}

void rs_reqlog_failed_login(rs_reqlog *l, const char *name)
{
  if (!l)
    return;
  line_begin(l);
  fputs(" failed-login ", l->f);
  put_clean(l->f, name);
  line_end(l);
}

void rs_reqlog_token(rs_reqlog *l, const char *sub, const char *token)
{
  if (!l || !l->log_tokens)
    return;
  line_begin(l);
  fputs(" token issued sub=", l->f);
  put_clean(l->f, sub);
  fputs(" access_token=", l->f);
  put_clean(l->f, token);
  line_end(l);
}
