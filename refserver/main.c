/* main: entry point of authconform-refserver: runs the server, or a client subcommand. */
#include "admin_client.h"
#include "app.h"
#include "cli.h"
#include "deviations.h"
#include "server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef AC_VERSION
#define AC_VERSION "0.0.0"
#endif

/* Runs the server until SIGTERM or SIGINT; returns the exit code. */
static int serve(const rs_config *cfg)
{
  char err[512] = "";
  int code = 1;
  for (size_t i = 0; i < cfg->n_deviations; i++)
    rs_dev_enable((rs_dev_id)cfg->deviations[i]);

  /* Block the stop signals before any thread exists, so every thread inherits the mask and only
   * sigwait() below receives them: no async-signal-safety concerns anywhere. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
    fprintf(stderr, "authconform-refserver: cannot block signals\n");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill the server */

  rs_app app;
  if (rs_app_init(&app, cfg, err, sizeof err, &code) != 0) {
    fprintf(stderr, "authconform-refserver: %s\n", err);
    return code;
  }
  rs_server *server = rs_server_start(&app, err, sizeof err);
  if (!server) {
    fprintf(stderr, "authconform-refserver: %s\n", err);
    rs_app_free(&app);
    return 1;
  }
  char url[160];
  rs_server_url(server, url, sizeof url);
  printf("listening on %s\n", url);
  fflush(stdout);

  int sig = 0;
  code = sigwait(&stop, &sig) == 0 ? 0 : 1;
  rs_server_stop(server);
  rs_app_free(&app);
  return code;
}

int main(int argc, char **argv)
{
  rs_config cfg;
  int code = 0;
  switch (rs_cli_parse(argc, argv, &cfg, stderr)) {
  case CLI_HELP:
    rs_cli_help(stdout);
    break;
  case CLI_VERSION:
    printf("authconform-refserver %s\n", AC_VERSION);
    break;
  case CLI_LIST_DEVIATIONS:
    rs_dev_list(stdout);
    break;
  case CLI_LIST_DEVIATIONS_MARKDOWN:
    rs_dev_list_markdown(stdout);
    break;
  case CLI_ADMIN:
    code = rs_admin_client_main(argc - cfg.admin_index, argv + cfg.admin_index);
    break;
  case CLI_USAGE_ERROR:
    code = 2;
    break;
  case CLI_SERVE:
    code = serve(&cfg);
    break;
  }
  rs_cli_config_free(&cfg);
  if (fflush(stdout) != 0 && code == 0)
    code = 1;
  return code;
}
