/* app: everything a request handler may use, built once at start-up (app_init) and shared by the
 * connection threads. The members marked mutable are thread-safe objects; the rest is read-only
 * while the server runs. */
#ifndef RS_APP_H
#define RS_APP_H

#include "cli.h"
#include "jwt.h"
#include "reply.h"
#include "request.h"

#include <stddef.h>

struct users;
struct token_store;
struct reqlog;
struct throttle;
struct logins;

struct rs_app {
  const struct rs_config *cfg; /* borrowed from main() */
  struct users *users;
  struct jwt_key key;         /* bytes point at key_storage */
  unsigned char *key_storage; /* owned */
  struct token_store *tokens; /* mutable */
  struct reqlog *log;         /* mutable; NULL when --log is not given */
  struct throttle *throttle;  /* mutable; NULL when --throttle is 0 */
  struct logins *logins;      /* mutable: failed logins per account */
};

/* Builds the app from cfg: users, signing key, token store, log. On failure returns -1 with a
 * one-line message in err and leaves nothing to free; returns 2 for configuration errors (users
 * file, bad --user) and 1 for other failures through *exit_code. */
int app_init(struct rs_app *app, const struct rs_config *cfg, char *err, size_t err_len,
             int *exit_code);

/* Frees what app_init built. Accepts NULL. */
void app_free(struct rs_app *app);

#endif
