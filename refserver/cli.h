/* cli: the command line of authconform-refserver, parsed into a configuration it owns. */
#ifndef RS_CLI_H
#define RS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum rs_flavor { FLAVOR_DOCUMENTED, FLAVOR_RFC } rs_flavor;
/* The tokens' signature algorithm (--alg). */
typedef enum rs_alg { ALG_HS256, ALG_RS256, ALG_ES256 } rs_alg;

typedef enum rs_cli_action {
  CLI_SERVE,
  CLI_HELP,
  CLI_VERSION,
  CLI_LIST_DEVIATIONS,
  CLI_LIST_DEVIATIONS_MARKDOWN,
  CLI_ADMIN, /* "admin ..." client subcommand: argv from admin_index on belongs to it */
  CLI_USAGE_ERROR
} rs_cli_action;

/* One --user or --locked-user argument. */
typedef struct rs_user_spec {
  char *text;  /* NAME:PASSWORD[:LIFETIME], owned */
  bool locked; /* given as --locked-user */
} rs_user_spec;

/* The server configuration. Owns every string; free with rs_cli_config_free(). */
typedef struct rs_config {
  char *bind;   /* listen address, default 127.0.0.1 */
  unsigned port;  /* default 8080; 0 picks a free port */
  char *prefix; /* "/apiops": leading '/', no trailing '/'; "" for the root */
  rs_flavor flavor;
  rs_alg alg;
  rs_user_spec *user_specs; /* in command-line order */
  size_t n_user_specs;
  char *users_file;
  char *signing_key;
  unsigned long latency_ms;
  char *cert_file;
  char *key_file;
  bool admin;
  char *log_file;
  bool log_tokens;
  unsigned throttle; /* 0: off; else failed logins per name before 429 */
  unsigned cluster;  /* 0: one server; else --cluster N: N nodes and a balancer */
  int *deviations;   /* rs_dev_id values from --deviate */
  size_t n_deviations;
  int admin_index;   /* for CLI_ADMIN */
} rs_config;

/* Parses argv into cfg (which it initialises with defaults). On CLI_USAGE_ERROR a one-line message
 * has been written to err. The caller frees cfg with rs_cli_config_free() whatever the result. */
rs_cli_action rs_cli_parse(int argc, char **argv, rs_config *cfg, FILE *err);

/* Frees every member. Accepts NULL. */
void rs_cli_config_free(rs_config *cfg);

/* Writes the --help text. */
void rs_cli_help(FILE *out);

#endif
