/* app: everything a request handler may use, built once at start-up (rs_app_init) and shared by the
 * connection threads. The members marked mutable are thread-safe objects; the rest is read-only
 * while the server runs. */
#ifndef RS_APP_H
#define RS_APP_H

#include "cli.h"
#include "jwt.h"
#include "reply.h"
#include "request.h"

#include <stddef.h>

typedef struct rs_users rs_users;
typedef struct rs_token_store rs_token_store;
typedef struct rs_reqlog rs_reqlog;
typedef struct rs_throttle rs_throttle;
typedef struct rs_logins rs_logins;
typedef struct rs_cluster rs_cluster;

typedef struct rs_app {
  const rs_config *cfg; /* borrowed from main() */
  rs_users *users;
  rs_jwt_key key;         /* bytes point at key_storage */
  unsigned char *key_storage; /* owned */
  rs_token_store *tokens; /* mutable */
  rs_reqlog *log;         /* mutable; NULL when --log is not given */
  rs_throttle *throttle;  /* mutable; NULL when --throttle is 0 */
  rs_logins *logins;      /* mutable: failed logins per account */
  rs_cluster *cluster;    /* mutable; NULL unless --cluster N */
  /* The last node's own state under the cluster deviations (node_faults.h); NULL otherwise. */
  rs_jwt_key *node_key;        /* node-own-key; its bytes point at node_key_storage */
  unsigned char *node_key_storage; /* owned */
  rs_throttle *node_throttle;  /* mutable; node-throttle-local with --throttle */
} rs_app;

/* Builds the app from cfg: users, signing key, token store, log. On failure returns -1 with a
 * one-line message in err and leaves nothing to free; returns 2 for configuration errors (users
 * file, bad --user) and 1 for other failures through *exit_code. */
int rs_app_init(rs_app *app, const rs_config *cfg, char *err, size_t err_len,
                int *exit_code);

/* Frees what rs_app_init built. Accepts NULL. */
void rs_app_free(rs_app *app);

#endif
