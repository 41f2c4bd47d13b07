/* app: the shared state of a running server, built once at start-up. */
#include "app.h"
#include "cluster.h"

#include "deviations.h"
#include "logins.h"
#include "reqlog.h"
#include "throttle.h"
#include "tokens.h"
#include "users.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANDOM_KEY_LEN 32

/* Fills key: HS256 with the bytes of given, or RANDOM_KEY_LEN random bytes when given is NULL (a
 * fresh key per start: tokens of an earlier run are never accepted), stored in *storage; RS256
 * and ES256 with a fresh key pair named kid. 0, or -1 with a message in err (what was taken is
 * left in key and *storage for rs_app_free). */
static int make_key(rs_jwt_key *key, unsigned char **storage, rs_alg alg, const char *given,
                    const char *kid, char *err, size_t err_len)
{
  key->len = given ? strlen(given) : RANDOM_KEY_LEN; /* --signing-key is never empty */
  *storage = malloc(key->len);
  if (!*storage) {
    snprintf(err, err_len, "out of memory");
    return -1;
  }
  if (given) {
    memcpy(*storage, given, key->len);
  } else if (RAND_bytes(*storage, RANDOM_KEY_LEN) != 1) {
    snprintf(err, err_len, "cannot create a signing key");
    return -1;
  }
  key->bytes = *storage;
  key->alg = alg == ALG_RS256 ? JWT_RS256 : alg == ALG_ES256 ? JWT_ES256 : JWT_HS256;
  if (key->alg != JWT_HS256) {
    key->pkey = key->alg == JWT_RS256 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
                                      : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    key->kid = kid;
    if (!key->pkey) {
      snprintf(err, err_len, "cannot create a %s key pair", rs_jwt_alg_name(key));
      return -1;
    }
  }
  return 0;
}

int rs_app_init(rs_app *app, const rs_config *cfg, char *err, size_t err_len,
                int *exit_code)
{
  memset(app, 0, sizeof *app);
  app->cfg = cfg;
  *exit_code = 1;
  app->users = rs_users_new();
  app->tokens = rs_token_store_new();
  if (!app->users || !app->tokens) {
    snprintf(err, err_len, "out of memory or no randomness");
    goto fail;
  }
  for (size_t i = 0; i < cfg->n_user_specs; i++) {
    if (rs_users_add_spec(app->users, cfg->user_specs[i].text, cfg->user_specs[i].locked, err,
                          err_len) != 0) {
      *exit_code = 2;
      goto fail;
    }
  }
  if (cfg->users_file && rs_users_load_file(app->users, cfg->users_file, err, err_len) != 0) {
    *exit_code = 2;
    goto fail;
  }
  app->logins = rs_logins_new(app->users);
  if (!app->logins) {
    snprintf(err, err_len, "out of memory");
    goto fail;
  }
  /* jwt-weak-secret: a documentation example kept as the key (unless --signing-key says). */
  const char *given = cfg->signing_key ? cfg->signing_key
                      : rs_dev_on(DEV_JWT_WEAK_SECRET) ? "changeme" : NULL;
  if (make_key(&app->key, &app->key_storage, cfg->alg, given, "refserver-1", err, err_len) != 0)
    goto fail;
  /* node-own-key: the last node's key is made like the shared one, but always fresh and random,
   * even with --signing-key: a node configured apart from the others. */
  if (cfg->cluster > 0 && rs_dev_on(DEV_NODE_OWN_KEY)) {
    app->node_key = calloc(1, sizeof *app->node_key);
    if (!app->node_key) {
      snprintf(err, err_len, "out of memory");
      goto fail;
    }
    if (make_key(app->node_key, &app->node_key_storage, cfg->alg, NULL, "refserver-node", err,
                 err_len) != 0)
      goto fail;
    app->node_key->header_only = rs_dev_on(DEV_BEARER_PAYLOAD_UNSIGNED);
  }
  app->key.header_only = rs_dev_on(DEV_BEARER_PAYLOAD_UNSIGNED);
  if (cfg->log_file) {
    app->log = rs_reqlog_open(cfg->log_file, cfg->log_tokens);
    if (!app->log) {
      snprintf(err, err_len, "%s: cannot open the log: %s", cfg->log_file, strerror(errno));
      goto fail;
    }
  }
  if (cfg->cluster > 0) {
    app->cluster = rs_cluster_new(cfg->cluster);
    if (!app->cluster) {
      snprintf(err, err_len, "out of memory");
      goto fail;
    }
  }
  if (cfg->throttle > 0) {
    app->throttle = rs_throttle_new(cfg->throttle, 60);
    /* node-throttle-local: the last node counts on its own (node_faults.h). */
    if (app->throttle && cfg->cluster > 0 && rs_dev_on(DEV_NODE_THROTTLE_LOCAL))
      app->node_throttle = rs_throttle_new(cfg->throttle, 60);
    if (!app->throttle || (cfg->cluster > 0 && rs_dev_on(DEV_NODE_THROTTLE_LOCAL) &&
                           !app->node_throttle)) {
      snprintf(err, err_len, "out of memory");
      goto fail;
    }
  }
  return 0;
fail:
  rs_app_free(app);
  return -1;
}

void rs_app_free(rs_app *app)
{
  if (!app)
    return;
  rs_users_free(app->users);
  rs_token_store_free(app->tokens);
  rs_reqlog_close(app->log);
  rs_throttle_free(app->throttle);
  rs_logins_free(app->logins);
  rs_cluster_free(app->cluster);
  if (app->key_storage)
    OPENSSL_cleanse(app->key_storage, app->key.len);
  free(app->key_storage);
  EVP_PKEY_free(app->key.pkey);
  rs_throttle_free(app->node_throttle);
  if (app->node_key) {
    if (app->node_key_storage)
      OPENSSL_cleanse(app->node_key_storage, app->node_key->len);
    EVP_PKEY_free(app->node_key->pkey);
    free(app->node_key);
  }
  free(app->node_key_storage);
  memset(app, 0, sizeof *app);
}
