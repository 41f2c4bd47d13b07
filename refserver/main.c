/* main: entry point of authconform-refserver: runs the server, or a client subcommand. */
#include "admin_client.h"
#include "app.h"
#include "cli.h"
#include "cluster.h"
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
  /* One server, or with --cluster N the balancer and N nodes sharing the app. */
  rs_server *servers[1 + RS_CLUSTER_MAX] = {0};
  size_t n = cfg->cluster ? 1 + (size_t)cfg->cluster : 1;
  for (size_t i = 0; i < n; i++) {
    int role = !cfg->cluster ? RS_SERVER_SINGLE : i == 0 ? RS_SERVER_BALANCER : (int)i - 1;
    servers[i] = rs_server_start(&app, role, err, sizeof err);
    if (!servers[i]) {
      fprintf(stderr, "authconform-refserver: %s\n", err);
      for (size_t k = 0; k < i; k++)
        rs_server_stop(servers[k]);
      rs_app_free(&app);
      return 1;
    }
  }
  /* Printed once every listener is up: a script that reads the first line may use it at once.
   * The balancer comes first, so a script that knows no clusters gets the deployment's URL. */
  for (size_t i = 0; i < n; i++) {
    char url[160];
    rs_server_url(servers[i], url, sizeof url);
    if (!cfg->cluster)
      printf("listening on %s\n", url);
    else if (i == 0)
      printf("listening on %s (balancer)\n", url);
    else
      printf("listening on %s (node %zu)\n", url, i);
  }
  fflush(stdout);

  int sig = 0;
  code = sigwait(&stop, &sig) == 0 ? 0 : 1;
  for (size_t i = 0; i < n; i++)
    rs_server_stop(servers[i]);
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
