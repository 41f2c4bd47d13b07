/* cli: the command line of authconform-refserver, parsed into a configuration it owns. */
#ifndef RS_CLI_H
#define RS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum rs_flavor { FLAVOR_DOCUMENTED, FLAVOR_RFC };
/* The tokens' signature algorithm (--alg). */
enum rs_alg { ALG_HS256, ALG_RS256, ALG_ES256 };

enum cli_action {
  CLI_SERVE,
  CLI_HELP,
  CLI_VERSION,
  CLI_LIST_DEVIATIONS,
  CLI_LIST_DEVIATIONS_MARKDOWN,
  CLI_ADMIN, /* "admin ..." client subcommand: argv from admin_index on belongs to it */
  CLI_USAGE_ERROR
};

/* One --user or --locked-user argument. */
struct user_spec {
  char *text;  /* NAME:PASSWORD[:LIFETIME], owned */
  bool locked; /* given as --locked-user */
};

/* The server configuration. Owns every string; free with cli_config_free(). */
struct rs_config {
  char *bind;   /* listen address, default 127.0.0.1 */
  unsigned port;  /* default 8080; 0 picks a free port */
  char *prefix; /* "/apiops": leading '/', no trailing '/'; "" for the root */
  enum rs_flavor flavor;
  enum rs_alg alg;
  struct user_spec *user_specs; /* in command-line order */
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
  int *deviations;   /* enum dev_id values from --deviate */
  size_t n_deviations;
  int admin_index;   /* for CLI_ADMIN */
};

/* Parses argv into cfg (which it initialises with defaults). On CLI_USAGE_ERROR a one-line message
 * has been written to err. The caller frees cfg with cli_config_free() whatever the result. */
enum cli_action cli_parse(int argc, char **argv, struct rs_config *cfg, FILE *err);

/* Frees every member. Accepts NULL. */
void cli_config_free(struct rs_config *cfg);

/* Writes the --help text. */
void cli_help(FILE *out);

#endif
