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
  if (given) {
    app->key.len = strlen(given);
    app->key_storage = malloc(app->key.len);
    if (!app->key_storage) {
      snprintf(err, err_len, "out of memory");
      goto fail;
    }
    memcpy(app->key_storage, given, app->key.len);
  } else {
    /* A fresh key per start: tokens of an earlier run are never accepted. */
    app->key.len = RANDOM_KEY_LEN;
    app->key_storage = malloc(RANDOM_KEY_LEN);
    if (!app->key_storage || RAND_bytes(app->key_storage, RANDOM_KEY_LEN) != 1) {
      snprintf(err, err_len, "cannot create a signing key");
      goto fail;
    }
  }
  app->key.bytes = app->key_storage;
  /* RS256 and ES256: a fresh key pair per start, published under one kid. */
  app->key.alg = cfg->alg == ALG_RS256 ? JWT_RS256 : cfg->alg == ALG_ES256 ? JWT_ES256 : JWT_HS256;
  if (app->key.alg != JWT_HS256) {
    app->key.pkey = app->key.alg == JWT_RS256 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
                                              : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    app->key.kid = "refserver-1";
    if (!app->key.pkey) {
      snprintf(err, err_len, "cannot create a %s key pair", rs_jwt_alg_name(&app->key));
      goto fail;
    }
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
    if (!app->throttle) {
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
  memset(app, 0, sizeof *app);
}
