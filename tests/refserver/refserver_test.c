/* refserver_test: integration tests of authconform-refserver over real HTTP. Usage:
 * refserver_test SERVER_BINARY GROUP; prints TAP; exits 0 when every test of the group passed. */
#include "groups.h"

#include "accounts.h"
#include "harness.h"
#include "probes.h"
#include "probes_oauth2.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* ---------------------------------------------------------------------------------------- */

static void group_cli(void)
{
  char *out = NULL;
  const char *help[] = {"--help", NULL};
  is_long(run_binary(help, NULL, &out), 0, "--help exits 0");
  ok(contains(out, "--deviate") && contains(out, "--flavor") && contains(out, "admin revoke"),
     "--help documents --deviate, --flavor and the admin client");
  free(out);
  const char *version[] = {"--version", NULL};
  is_long(run_binary(version, NULL, &out), 0, "--version exits 0");
  ok(contains(out, "authconform-refserver "), "--version names the program");
  free(out);
  const char *bogus[] = {"--bogus", NULL};
  is_long(run_binary(bogus, NULL, &out), 2, "an unknown option exits 2");
  free(out);
  const char *dev[] = {"--deviate", "no-such-deviation", NULL};
  is_long(run_binary(dev, NULL, &out), 2, "an unknown deviation exits 2");
  free(out);
  const char *flavor[] = {"--flavor", "strict", NULL};
  is_long(run_binary(flavor, NULL, &out), 2, "an unknown flavor exits 2");
  free(out);
  const char *cert[] = {"--cert", "/nonexistent.pem", NULL};
  is_long(run_binary(cert, NULL, &out), 2, "--cert without --key exits 2");
  free(out);
  const char *user[] = {"--user", "nopassword", NULL};
  is_long(run_binary(user, NULL, &out), 2, "--user without a password exits 2");
  free(out);
  const char *life[] = {"--user", "a:b:0", NULL};
  is_long(run_binary(life, NULL, &out), 2, "--user with lifetime 0 exits 2");
  free(out);

  const char *list[] = {"--list-deviations", NULL};
  is_long(run_binary(list, NULL, &out), 0, "--list-deviations exits 0");
  int lines = 0, well_formed = 0;
  char names[256][64];
  bool unique = true;
  for (char *line = out ? strtok(out, "\n") : NULL; line; line = strtok(NULL, "\n")) {
    char name[64], check[64], profile[32];
    int desc = 0;
    if (sscanf(line, "%63[^\t]\t%63[^\t]\t%31[^\t]\t%n", name, check, profile, &desc) == 3 &&
        desc > 0 && line[desc] &&
        (!strcmp(profile, "documented") || !strcmp(profile, "rfc") ||
         !strcmp(profile, "oauth2") || !strcmp(profile, "cluster")) &&
        strspn(check, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(check)) {
      well_formed++;
      for (int i = 0; i < lines && i < 256; i++)
        unique = unique && strcmp(names[i], name) != 0;
      if (lines < 256)
        snprintf(names[lines], sizeof names[lines], "%s", name);
    } else {
      diag("malformed line: %s", line);
    }
    lines++;
  }
  ok(lines >= 30, "--list-deviations lists at least 30 deviations (%d)", lines);
  is_long(well_formed, lines,
          "every line is NAME<TAB>CHECK<TAB>documented|rfc|oauth2|cluster<TAB>description");
  ok(unique, "deviation names are unique");
  free(out);
}

/* ---------------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  void (*run)(void);
} groups[] = {
  {"cli", group_cli},           {"issuance", group_issuance},
  {"credentials", group_credentials}, {"bearer", group_bearer},
  {"expiry", group_expiry},     {"revocation", group_revocation},
  {"admin-off", group_admin_off}, {"health", group_health},
  {"rfc", group_rfc},           {"users", group_users},
  {"lifecycle", group_lifecycle}, {"tls", group_tls},
  {"log", group_log},           {"deviations", group_deviations},
  {"accounts", group_accounts}, {"oauth2", group_oauth2},
};

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: refserver_test SERVER_BINARY GROUP\n");
    return 2;
  }
  h_binary = argv[1];
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    if (strcmp(groups[i].name, argv[2]) == 0) {
      groups[i].run();
      int code = done_testing();
      curl_global_cleanup();
      return code;
    }
  }
  fprintf(stderr, "refserver_test: unknown group '%s'\n", argv[2]);
  curl_global_cleanup();
  return 2;
}
