/* accounts: the "accounts" test group: locked accounts (--locked-user, locked: in a users file). */
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
  if (ok(path && srv_start(&s, file_args) == 0, "server starts with locked: true in a users file")) {
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
  free(out);
}

void group_accounts(void)
{
  locked_accounts();
}
