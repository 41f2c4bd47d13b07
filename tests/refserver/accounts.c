/* accounts: the "accounts" test group: locked accounts (--locked-user, locked: in a users file)
 * and the failed-login record (GET /_refserver/failed-logins, admin failed-logins, --log lines). */
#include "accounts.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAD_CREDS "{\"error\":\"unauthorized_client\",\"error_description\":\"Bad credentials\"}"
#define FORM(id, secret) "grant_type=client_credentials&client_id=" id "&client_secret=" secret

/* The body of a token request's answer; caller frees. *status gets the status. */
static char *token_body(const struct srv *s, const char *form, long *status)
{
  struct resp r;
  token_request(&r, s, form);
  *status = r.status;
  char *body = r.body ? strdup(r.body) : NULL;
  resp_free(&r);
  return body;
}

/* A locked account answers every login exactly like a wrong password of an open account. */
static void locked_answers(const struct srv *s, const char *flavor)
{
  long wrong_status = 0, right_status = 0, locked_wrong_status = 0;
  char *wrong = token_body(s, FORM("alice", "nope"), &wrong_status);
  char *right = token_body(s, FORM("locky", "pw"), &right_status);
  char *locked_wrong = token_body(s, FORM("locky", "nope"), &locked_wrong_status);
  is_long(right_status, 401, "%s: the locked account's right password gets 401", flavor);
  is_long(locked_wrong_status, 401, "%s: ... and a wrong one 401", flavor);
  ok(wrong && right && strcmp(wrong, right) == 0,
     "%s: the right password of a locked account gets the wrong-password body byte for byte",
     flavor);
  ok(wrong && locked_wrong && strcmp(wrong, locked_wrong) == 0, "%s: ... and so does a wrong one",
     flavor);
  free(wrong);
  free(right);
  free(locked_wrong);
}

static void locked_accounts(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--locked-user", "locky:pw", NULL};
  if (ok(srv_start(&s, args) == 0, "server starts with --locked-user")) {
    long status = 0;
    char *body = token_body(&s, FORM("locky", "pw"), &status);
    is_str(body, BAD_CREDS, "a locked account gets the documented Bad credentials body");
    free(body);
    locked_answers(&s, "documented");
    char *t = get_token(&s, "alice", "secret");
    ok(t != NULL, "other accounts still log in");
    free(t);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  const char *rfc[] = {"--flavor", "rfc", "--user", "alice:secret", "--locked-user", "locky:pw",
                       NULL};
  if (ok(srv_start(&s, rfc) == 0, "an rfc server starts with --locked-user")) {
    locked_answers(&s, "rfc");
    srv_stop(&s);
  }

  const char *users = "- username: alice\n  password: secret\n"
                      "- username: locky\n  password: pw\n  locked: true\n";
  const char *path = temp_file(0, users);
  const char *file_args[] = {"--users", path, NULL};
  if (ok(path && srv_start(&s, file_args) == 0,
         "server starts with locked: true in a users file")) {
    locked_answers(&s, "users file");
    srv_stop(&s);
  }
  if (path)
    unlink(path);

  const char *bad_spec[] = {"--locked-user", "nopassword", NULL};
  char *out = NULL;
  is_long(run_binary(bad_spec, NULL, &out), 2, "--locked-user without a password exits 2");
  free(out);
  const char *bad_flag = temp_file(1, "- username: a\n  password: b\n  locked: maybe\n");
  const char *bad_file[] = {"--port", "0", "--users", bad_flag, NULL};
  is_long(run_binary(bad_file, NULL, &out), 2, "locked: maybe in a users file exits 2");
  free(out);
  if (bad_flag)
    unlink(bad_flag);
  const char *help[] = {"--help", NULL};
  run_binary(help, NULL, &out);
  ok(contains(out, "--locked-user") && contains(out, "locked: bool"),
     "--help documents --locked-user and locked: in the users file");
  ok(contains(out, "admin failed-logins --url URL [--user NAME]") &&
       contains(out, "GET /_refserver/failed-logins") && contains(out, "failed-login NAME"),
     "--help documents the failed-logins endpoint, client and log line");
  free(out);
}

/* The failed logins of user from the admin endpoint, or -1 (status other than 200, no count). */
static long failures_of(const struct srv *s, const char *user)
{
  char url[512];
  snprintf(url, sizeof url, "%s/_refserver/failed-logins?user=%s", s->base, user);
  struct resp r;
  http(&r, "GET", url, NULL, NULL);
  char key[128];
  snprintf(key, sizeof key, "{\"%s\":", user);
  long n = r.status == 200 && r.body && strncmp(r.body, key, strlen(key)) == 0
             ? strtol(r.body + strlen(key), NULL, 10) : -1;
  resp_free(&r);
  return n;
}

static long token_status(const struct srv *s, const char *form)
{
  long status = 0;
  free(token_body(s, form, &status));
  return status;
}

/* Lines of the file at path that contain needle. */
static int lines_with(const char *path, const char *needle)
{
  FILE *f = fopen(path, "r");
  char line[1024];
  int n = 0;
  while (f && fgets(line, sizeof line, f))
    n += strstr(line, needle) != NULL;
  if (f)
    fclose(f);
  return n;
}

/* Form logins: wrong, missing and empty secrets and a locked account count; unknown names and
 * successful logins do not; the endpoint, the client and the log agree. */
static void failed_logins_form(void)
{
  char log[64];
  snprintf(log, sizeof log, "/tmp/refserver-accounts-%d.log", (int)getpid());
  unlink(log);
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--user", "bob:pw", "--locked-user", "locky:pw",
                        "--admin", "--log", log, NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts with --admin and --log"))
    return;
  char url[512];
  snprintf(url, sizeof url, "%s/_refserver/failed-logins", s.base);
  struct resp r;
  http(&r, "GET", url, NULL, NULL);
  ok(r.status == 200 && contains(r.body, "{}"), "a fresh server has no failed logins: %s", r.body);
  resp_free(&r);

  token_status(&s, FORM("alice", "Wr0ng-Guess-1"));
  token_status(&s, FORM("alice", "Wr0ng-Guess-2"));
  token_status(&s, "grant_type=client_credentials&client_id=alice");
  token_status(&s, FORM("alice", ""));
  is_long(token_status(&s, FORM("alice", "secret")), 200, "alice logs in");
  token_status(&s, FORM("nobody", "Wr0ng-Guess-3"));
  token_status(&s, FORM("locky", "pw"));
  token_status(&s, FORM("locky", "Wr0ng-Guess-4"));
  is_long(failures_of(&s, "alice"), 4,
          "two wrong passwords, a missing and an empty secret are 4 failed logins; a success "
          "adds none");
  is_long(failures_of(&s, "locky"), 2, "both logins of a locked account are failed logins");
  is_long(failures_of(&s, "bob"), 0, "an untouched account has 0");
  is_long(failures_of(&s, "nobody"), -1, "an unknown name is not an account");
  http(&r, "GET", url, NULL, NULL);
  is_str(r.body, "{\"alice\":4,\"locky\":2}", "the list names every account with failures");
  resp_free(&r);
  http(&r, "POST", url, NULL, "user=alice");
  char *allow = resp_header(&r, "Allow");
  ok(r.status == 405 && allow && strcmp(allow, "GET") == 0, "POST gets 405 with Allow: GET");
  free(allow);
  resp_free(&r);

  char *out = NULL;
  const char *one[] = {"admin", "failed-logins", "--url", s.base, "--user", "alice", NULL};
  is_long(run_binary(one, NULL, &out), 0, "admin failed-logins --user exits 0");
  is_str(out, "4\n", "... and prints the count");
  free(out);
  const char *all[] = {"admin", "failed-logins", "--url", s.base, NULL};
  is_long(run_binary(all, NULL, &out), 0, "admin failed-logins exits 0");
  is_str(out, "alice\t4\nlocky\t2\n", "... and prints NAME<TAB>COUNT per account");
  free(out);
  const char *unknown[] = {"admin", "failed-logins", "--url", s.base, "--user", "nobody", NULL};
  is_long(run_binary(unknown, NULL, &out), 1, "--user with an unknown name exits 1");
  free(out);
  const char *misplaced[] = {"admin", "mint", "--url", s.base, "--username", "alice", "--kind",
                             "expired", "--user", "alice", NULL};
  is_long(run_binary(misplaced, NULL, &out), 2, "--user with another subcommand exits 2");
  free(out);
  is_long(srv_stop(&s), 0, "server stops with exit 0");

  is_long(lines_with(log, " failed-login alice"), 4, "the log has a line per failed login");
  is_long(lines_with(log, " failed-login locky"), 2, "... of every account");
  is_long(lines_with(log, "nobody"), 0, "... and none for unknown names");
  is_long(lines_with(log, "Wr0ng-Guess"), 0, "no password reaches the log");
  unlink(log);
}

/* The other ways to name a client: HTTP Basic (rfc flavor), a JSON body and the query (the
 * deviations that read them), and 429 answers, which are not counted. */
static void failed_logins_other_ways(void)
{
  struct srv s;
  const char *rfc[] = {"--flavor", "rfc", "--user", "alice:secret", "--admin", NULL};
  if (ok(srv_start(&s, rfc) == 0, "an rfc server starts")) {
    char url[512];
    snprintf(url, sizeof url, "%s/auth/token", s.api);
    /* alice:nope */
    const char *h[] = {"Authorization: Basic YWxpY2U6bm9wZQ==",
                       "Content-Type: application/x-www-form-urlencoded", NULL};
    struct resp r;
    http(&r, "POST", url, h, "grant_type=client_credentials");
    is_long(r.status, 401, "a wrong password over HTTP Basic gets 401");
    resp_free(&r);
    is_long(failures_of(&s, "alice"), 1, "... and is a failed login");
    srv_stop(&s);
  }
  const char *devs[] = {"--user", "alice:secret", "--admin", "--deviate", "token-json-accepted",
                        "--deviate", "token-get-accepted", NULL};
  if (ok(srv_start(&s, devs) == 0, "a server that reads JSON bodies and the query starts")) {
    char url[512];
    snprintf(url, sizeof url, "%s/auth/token", s.api);
    const char *h[] = {"Content-Type: application/json", NULL};
    struct resp r;
    http(&r, "POST", url, h,
         "{\"grant_type\":\"client_credentials\",\"client_id\":\"alice\","
         "\"client_secret\":\"no\"}");
    is_long(r.status, 401, "a wrong password in a JSON body gets 401");
    resp_free(&r);
    snprintf(url, sizeof url, "%s/auth/token?grant_type=client_credentials&client_id=alice"
             "&client_secret=no", s.api);
    http(&r, "GET", url, NULL, NULL);
    is_long(r.status, 401, "a wrong password in the query gets 401");
    resp_free(&r);
    is_long(failures_of(&s, "alice"), 2, "both are failed logins");
    srv_stop(&s);
  }
  const char *throttled[] = {"--user", "alice:secret", "--admin", "--throttle", "2", NULL};
  if (ok(srv_start(&s, throttled) == 0, "a throttling server starts")) {
    for (int i = 0; i < 2; i++)
      token_status(&s, FORM("alice", "no"));
    is_long(token_status(&s, FORM("alice", "no")), 429, "the third failure in a row gets 429");
    is_long(failures_of(&s, "alice"), 2, "... which is not a failed login: nothing was checked");
    srv_stop(&s);
  }
}

void group_accounts(void)
{
  locked_accounts();
  failed_logins_form();
  failed_logins_other_ways();
}
