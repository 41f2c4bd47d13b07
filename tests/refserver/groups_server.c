/* groups_server: the expiry, revocation, admin-off, health, rfc, users, lifecycle, tls and log
 * groups of refserver_test (see groups.h). */
#include "groups.h"

#include "harness.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

void group_expiry(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--user", "shorty:pw:2", "--admin", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *t = get_token(&s, "shorty", "pw");
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "a 2 s token works at once");
  struct timespec wait = {3, 200 * 1000000L};
  nanosleep(&wait, NULL);
  struct resp r;
  get_with_auth(&r, &s, "/test/hello/x", auth);
  is_long(r.status, 401, "... and is refused after its lifetime");
  char *v = json_str(r.body, "error");
  is_str(v, "invalid_token", "... with error invalid_token");
  free(v);
  v = resp_header(&r, "WWW-Authenticate");
  ok(contains(v, "error=\"invalid_token\""), "... and error=\"invalid_token\" in the challenge");
  free(v);
  resp_free(&r);
  free(auth);
  free(t);

  const char *mint[] = {"admin", "mint", "--url", s.base, "--username", "alice", "--kind",
                        "expired", NULL};
  char *out = NULL;
  is_long(run_binary(mint, NULL, &out), 0, "admin mint --kind expired exits 0");
  char *nl = out ? strchr(out, '\n') : NULL;
  if (nl)
    *nl = '\0';
  ok(out && claim_num(out, "exp") > 0 && claim_num(out, "exp") < (long long)time(NULL) &&
       claim_num(out, "iat") < claim_num(out, "exp"),
     "the minted token has iat < exp < now");
  auth = out ? bearer("Bearer %s", out) : NULL;
  expect_get(&s, "/test/hello/x", auth, 401, "the minted expired token is refused");
  free(auth);
  free(out);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

void group_revocation(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", "--admin", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts"))
    return;
  char *t = get_token(&s, "alice", "secret");
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "the token works");
  const char *revoke[] = {"admin", "revoke", "--url", s.base, NULL};
  char *out = NULL;
  is_long(run_binary(revoke, t, &out), 0, "admin revoke with AUTHCONFORM_TOKEN exits 0");
  free(out);
  expect_get(&s, "/test/hello/x", auth, 401, "the revoked token is refused");
  expect_get(&s, "/projects/", auth, 401, "... on projects too");
  char *fresh = get_token(&s, "alice", "secret");
  char *fresh_auth = fresh ? bearer("Bearer %s", fresh) : NULL;
  expect_get(&s, "/test/hello/x", fresh_auth, 200, "a fresh token of the same user works");
  free(fresh_auth);
  free(fresh);
  is_long(run_binary(revoke, t, &out), 0, "revoking twice is fine");
  free(out);
  free(auth);
  free(t);

  ok(run_binary(revoke, "not-a-token", &out) == 1, "revoking garbage exits 1");
  free(out);
  ok(run_binary(revoke, NULL, &out) == 2, "revoke without AUTHCONFORM_TOKEN exits 2");
  free(out);
  const char *argv_token[] = {"admin", "revoke", "--url", s.base, "--token", "x", NULL};
  ok(run_binary(argv_token, NULL, &out) == 2, "a token on the command line is refused");
  free(out);

  const char *mint[] = {"admin", "mint", "--url", s.base, "--username", "alice", "--kind",
                        "revoked", NULL};
  is_long(run_binary(mint, NULL, &out), 0, "admin mint --kind revoked exits 0");
  char *nl = out ? strchr(out, '\n') : NULL;
  if (nl)
    *nl = '\0';
  ok(out && claim_num(out, "exp") > (long long)time(NULL), "the minted revoked token is not expired");
  auth = out ? bearer("Bearer %s", out) : NULL;
  expect_get(&s, "/test/hello/x", auth, 401, "the minted revoked token is refused");
  free(auth);
  free(out);
  const char *mint_unknown[] = {"admin", "mint", "--url", s.base, "--username", "zed", "--kind",
                                "expired", NULL};
  ok(run_binary(mint_unknown, NULL, &out) == 1, "minting for an unknown user exits 1");
  free(out);
  is_long(srv_stop(&s), 0, "server stops with exit 0");

  const char *refused[] = {"admin", "revoke", "--url", s.base, NULL};
  ok(run_binary(refused, "x.y.z", &out) == 1, "admin revoke against a stopped server exits 1");
  free(out);
}

void group_admin_off(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "server starts without --admin"))
    return;
  char *t = get_token(&s, "alice", "secret");
  struct resp r;
  char form[2048];
  snprintf(form, sizeof form, "token=%s", t ? t : "");
  admin_post(&r, &s, "revoke", form);
  is_long(r.status, 404, "/_refserver/revoke is 404 without --admin");
  resp_free(&r);
  admin_post(&r, &s, "mint", "username=alice&kind=expired");
  is_long(r.status, 404, "/_refserver/mint is 404 without --admin");
  resp_free(&r);
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "the token was not revoked");
  free(auth);
  free(t);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

void group_health(void)
{
  struct srv s;
  if (!ok(srv_start(&s, NULL) == 0, "server starts without any user"))
    return;
  struct resp r;
  get_with_auth(&r, &s, "/test/healthcheck", NULL);
  is_long(r.status, 200, "health gets 200 without a token");
  is_str(r.body, "OK", "... body OK");
  char *v = resp_header(&r, "Content-Type");
  is_str(v, "text/plain;charset=UTF-8", "... text/plain");
  free(v);
  resp_free(&r);
  expect_get(&s, "/test/healthcheck", "Bearer xyz", 200, "health gets 200 with a bad token");
  char url[512];
  snprintf(url, sizeof url, "%s/test/healthcheck", s.api);
  http(&r, "HEAD", url, NULL, NULL);
  is_long(r.status, 200, "HEAD health gets 200");
  resp_free(&r);
  http(&r, "DELETE", url, NULL, NULL);
  is_long(r.status, 405, "DELETE health gets 405");
  v = resp_header(&r, "Allow");
  ok(contains(v, "GET"), "... with Allow: GET");
  free(v);
  resp_free(&r);
  token_request(&r, &s, A_TOKEN_FORM);
  is_long(r.status, 401, "without users every login fails");
  resp_free(&r);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

void group_rfc(void)
{
  struct srv s;
  const char *args[] = {"--flavor", "rfc", "--user", "alice:secret", NULL};
  if (!ok(srv_start(&s, args) == 0, "rfc server starts"))
    return;
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s.api);
  struct resp r;
  const char *basic[] = {"Authorization: Basic YWxpY2U6c2VjcmV0",
                         "Content-Type: application/x-www-form-urlencoded", NULL};
  http(&r, "POST", url, basic, "grant_type=client_credentials");
  is_long(r.status, 200, "HTTP Basic client authentication works");
  char *t = json_str(r.body, "access_token");
  ok(t != NULL, "... and issues a token");
  resp_free(&r);
  const char *basic_bad[] = {"Authorization: Basic YWxpY2U6d3Jvbmc=",
                             "Content-Type: application/x-www-form-urlencoded", NULL};
  http(&r, "POST", url, basic_bad, "grant_type=client_credentials");
  is_long(r.status, 401, "a wrong Basic password gets 401");
  char *v = json_str(r.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  v = resp_header(&r, "WWW-Authenticate");
  ok(v && strncmp(v, "Basic", 5) == 0, "... with a Basic challenge");
  free(v);
  resp_free(&r);
  const char *basic_junk[] = {"Authorization: Basic !!!", NULL};
  http(&r, "POST", url, basic_junk, "grant_type=client_credentials");
  is_long(r.status, 401, "undecodable Basic credentials get 401");
  resp_free(&r);
  const char *both[] = {"Authorization: Basic YWxpY2U6c2VjcmV0", NULL};
  http(&r, "POST", url, both, A_TOKEN_FORM);
  is_long(r.status, 400, "Basic plus client_secret in the body gets 400");
  resp_free(&r);

  struct resp wrong, unknown;
  token_request(&wrong, &s, "grant_type=client_credentials&client_id=alice&client_secret=x");
  token_request(&unknown, &s, "grant_type=client_credentials&client_id=zed&client_secret=x");
  is_long(wrong.status, 401, "a wrong password gets 401");
  v = json_str(wrong.body, "error");
  is_str(v, "invalid_client", "... invalid_client");
  free(v);
  ok(resp_header_count(&wrong, "WWW-Authenticate") == 1, "... with WWW-Authenticate");
  is_str(unknown.body, wrong.body, "an unknown user gets the same body");
  char *n1 = resp_header_names(&wrong), *n2 = resp_header_names(&unknown);
  is_str(n2, n1, "... and the same header names");
  free(n1);
  free(n2);
  resp_free(&wrong);
  resp_free(&unknown);
  token_request(&r, &s, "grant_type=client_credentials&client_id=alice");
  ok(r.status == 401 && resp_header_count(&r, "WWW-Authenticate") == 1,
     "a missing secret gets 401 with WWW-Authenticate");
  resp_free(&r);
  token_request(&r, &s, "client_id=alice&client_secret=secret");
  is_long(r.status, 400, "a missing grant_type gets 400");
  v = json_str(r.body, "error");
  is_str(v, "invalid_request", "... invalid_request");
  free(v);
  resp_free(&r);
  const char *json_h[] = {"Content-Type: application/json", NULL};
  http(&r, "POST", url, json_h, "{\"grant_type\":\"client_credentials\"}");
  is_long(r.status, 400, "a JSON body gets 400");
  resp_free(&r);

  if (t) {
    const char *fmts[] = {"bearer %s", "BEARER %s", "Bearer %s", "bEaReR  %s"};
    for (size_t i = 0; i < 4; i++) {
      char *a = bearer(fmts[i], t);
      expect_get(&s, "/test/hello/x", a, 200, "the scheme is case-insensitive");
      free(a);
    }
  }
  get_with_auth(&r, &s, "/test/hello/x", NULL);
  v = resp_header(&r, "WWW-Authenticate");
  ok(r.status == 401 && contains(v, "Bearer realm=") && !contains(v, "error="),
     "no credentials: a Bearer challenge without error=");
  free(v);
  resp_free(&r);
  get_with_auth(&r, &s, "/test/hello/x", "Bearer xyz");
  v = resp_header(&r, "WWW-Authenticate");
  ok(r.status == 401 && contains(v, "error=\"invalid_token\""),
     "a garbage token: error=\"invalid_token\" in the challenge");
  free(v);
  resp_free(&r);
  free(t);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
}

void group_users(void)
{
  const char *users = "# test users\n"
                      "- username: alice\n  password: 'pa:ss'\n  lifetime: 120\n"
                      "  roles: [ROLE_MANAGE_PROXIES]\n"
                      "- username: erin\n  password: pw\n  roles: []\n";
  const char *path = temp_file(0, users);
  struct srv s;
  const char *args[] = {"--users", path, "--user", "bob:a:b:c", "--user", "carl:x:y:60", NULL};
  if (!ok(path && srv_start(&s, args) == 0, "server starts with a users file and --user"))
    return;
  struct resp r;
  token_request(&r, &s, "grant_type=client_credentials&client_id=alice&client_secret=pa%3Ass");
  is_long(r.status, 200, "a file user logs in");
  char *t = json_str(r.body, "access_token");
  ok(contains(r.body, "\"expires_in\":120"), "... with the file's lifetime");
  resp_free(&r);
  char *payload = t ? jwt_payload(t) : NULL;
  ok(contains(payload, "\"roles\":[\"ROLE_MANAGE_PROXIES\"]"), "... and the file's roles");
  free(payload);
  char *auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/projects/", auth, 200, "a user with a role lists projects");
  free(auth);
  free(t);
  t = get_token(&s, "erin", "pw");
  auth = t ? bearer("Bearer %s", t) : NULL;
  expect_get(&s, "/test/hello/x", auth, 200, "a user without roles may say hello");
  get_with_auth(&r, &s, "/projects/", auth);
  is_long(r.status, 403, "... but gets 403 on projects");
  char *v = json_str(r.body, "error");
  is_str(v, "forbidden", "... error forbidden");
  free(v);
  resp_free(&r);
  free(auth);
  free(t);
  t = get_token(&s, "bob", "a:b:c");
  ok(t != NULL, "--user keeps ':' in a password without a lifetime");
  free(t);
  token_request(&r, &s, "grant_type=client_credentials&client_id=carl&client_secret=x%3Ay");
  ok(r.status == 200 && contains(r.body, "\"expires_in\":60"),
     "--user NAME:PASS:WORD:60 has password PASS:WORD and lifetime 60");
  resp_free(&r);
  is_long(srv_stop(&s), 0, "server stops with exit 0");
  unlink(path);

  static const struct {
    const char *yaml;
    const char *where;
  } broken[] = {
    {"- username: a\n  password: [x\n", ":3:1: error:"},
    {"- username: a\n  password: b\n  colour: red\n", ":3:3: error: unknown key"},
    {"- username: a\n", ":1:3: error:"},
    {"- username: a\n  password: b\n- username: a\n  password: c\n", "duplicate user"},
    {"- username: a\n  password: b\n  lifetime: 0\n", ":3:13: error: lifetime"},
    {"username: a\n", ":1:1: error: the users file must be a list"},
    {"- username: a\n  password: b\n  scopes: read\n", ":3:11: error: scopes must be a list"},
    {"- username: a\n  password: b\n  scopes: [\"a b\"]\n", ":3:12: error: scopes must be a list"},
  };
  for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    const char *p = temp_file(1, broken[i].yaml);
    const char *bad[] = {"--port", "0", "--users", p, NULL};
    char *out = NULL;
    /* stderr is not captured; the exit code and the position are checked through a pipe below. */
    is_long(run_binary(bad, NULL, &out), 2, "a bad users file exits 2 (%s)", broken[i].where);
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' --port 0 --users '%s' 2>&1 >/dev/null", h_binary, p);
    FILE *f = popen(cmd, "r");
    char msg[512] = "";
    if (f) {
      if (!fgets(msg, sizeof msg, f))
        msg[0] = '\0';
      pclose(f);
    }
    ok(contains(msg, p) && contains(msg, broken[i].where), "... and says where: %s", msg);
    unlink(p);
  }
}

void group_lifecycle(void)
{
  struct srv s;
  const char *args[] = {"--user", "alice:secret", NULL};
  if (ok(srv_start(&s, args) == 0, "server starts")) {
    kill(s.pid, SIGINT);
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    int status = 0;
    pid_t done = waitpid(s.pid, &status, WNOHANG);
    ok(done == s.pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "SIGINT ends the server with exit 0");
    if (done != s.pid)
      srv_stop(&s);
    else
      srv_forget(&s);
  }

  const char *slow[] = {"--latency-ms", "1500", NULL};
  if (ok(srv_start(&s, slow) == 0, "server starts with --latency-ms 1500")) {
    CURLM *multi = curl_multi_init();
    CURL *easy[3];
    char url[512];
    snprintf(url, sizeof url, "%s/test/healthcheck", s.api);
    FILE *sink = fopen("/dev/null", "w");
    for (int i = 0; i < 3; i++) {
      easy[i] = curl_easy_init();
      curl_easy_setopt(easy[i], CURLOPT_URL, url);
      curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, sink);
      curl_easy_setopt(easy[i], CURLOPT_FORBID_REUSE, 1L);
      curl_multi_add_handle(multi, easy[i]);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int running = 1;
    while (running) {
      curl_multi_perform(multi, &running);
      if (running)
        curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int n200 = 0;
    for (int i = 0; i < 3; i++) {
      long code = 0;
      curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &code);
      n200 += code == 200;
      curl_multi_remove_handle(multi, easy[i]);
      curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    if (sink)
      fclose(sink);
    is_long(n200, 3, "three concurrent requests all succeed");
    ok(secs >= 1.4 && secs < 2.9, "... in about one latency, not three (%.2f s)", secs);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }

  const char *prefixed[] = {"--prefix", "/custom/", NULL};
  if (ok(srv_start(&s, prefixed) == 0, "server starts with --prefix /custom/")) {
    struct resp r;
    char url[512];
    snprintf(url, sizeof url, "%s/custom/test/healthcheck", s.base);
    http(&r, "GET", url, NULL, NULL);
    is_long(r.status, 200, "the API lives under the new prefix");
    resp_free(&r);
    expect_get(&s, "/test/healthcheck", NULL, 404, "... and not under /apiops");
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }

  if (ok(srv_start(&s, NULL) == 0, "a server holds a port")) {
    const char *colon = strrchr(s.base, ':');
    const char *busy[] = {"--port", colon ? colon + 1 : "1", NULL};
    char *out = NULL;
    is_long(run_binary(busy, NULL, &out), 1, "a second server on the same port exits 1");
    free(out);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  const char *bad_bind[] = {"--bind", "not-an-address", NULL};
  char *out = NULL;
  is_long(run_binary(bad_bind, NULL, &out), 1, "--bind with a bad address exits 1");
  free(out);
}

/* Writes a throwaway self-signed EC certificate and key; 0 or -1. */
static int make_cert(const char *cert_path, const char *key_path)
{
  int rc = -1;
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  FILE *cf = NULL, *kf = NULL;
  if (!key || !x)
    goto out;
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME *name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  if (!X509_sign(x, key, EVP_sha256()))
    goto out;
  cf = fopen(cert_path, "w");
  kf = fopen(key_path, "w");
  if (cf && kf && PEM_write_X509(cf, x) && PEM_write_PrivateKey(kf, key, NULL, NULL, 0, NULL, NULL))
    rc = 0;
out:
  if (cf)
    fclose(cf);
  if (kf)
    fclose(kf);
  X509_free(x);
  EVP_PKEY_free(key);
  return rc;
}

void group_tls(void)
{
  char cert[64], key[64];
  snprintf(cert, sizeof cert, "/tmp/refserver-cert-%d.pem", (int)getpid());
  snprintf(key, sizeof key, "/tmp/refserver-key-%d.pem", (int)getpid());
  if (!ok(make_cert(cert, key) == 0, "a throwaway certificate is made"))
    return;
  struct srv s;
  const char *args[] = {"--cert", cert, "--key", key, "--user", "alice:secret", NULL};
  if (ok(srv_start(&s, args) == 0, "server starts with --cert/--key")) {
    ok(strncmp(s.base, "https://", 8) == 0, "the listening line says https (%s)", s.base);
    expect_get(&s, "/test/healthcheck", NULL, 200, "health over TLS");
    char *t = get_token(&s, "alice", "secret");
    ok(t != NULL, "a token over TLS");
    free(t);
    char url[2048]; /* gcc sizes s.base + 8 by the whole struct srv */
    snprintf(url, sizeof url, "http://%s/apiops/test/healthcheck", s.base + 8);
    struct resp r;
    http(&r, "GET", url, NULL, NULL);
    ok(r.status != 200, "plain HTTP to the TLS port gets no 200");
    resp_free(&r);
    is_long(srv_stop(&s), 0, "server stops with exit 0");
  }
  const char *missing[] = {"--cert", "/nonexistent/c.pem", "--key", key, NULL};
  char *out = NULL;
  is_long(run_binary(missing, NULL, &out), 1, "an unreadable certificate exits 1");
  free(out);
  unlink(cert);
  unlink(key);
}

void group_log(void)
{
  char path[64];
  snprintf(path, sizeof path, "/tmp/refserver-log-%d.txt", (int)getpid());
  for (int with_tokens = 0; with_tokens < 2; with_tokens++) {
    unlink(path);
    struct srv s;
    const char *args[] = {"--user", "alice:secret", "--log", path,
                          with_tokens ? "--log-tokens" : NULL, NULL};
    if (!ok(srv_start(&s, args) == 0, "server starts with --log%s",
            with_tokens ? " --log-tokens" : ""))
      continue;
    char *t = get_token(&s, "alice", "secret");
    expect_get(&s, "/test/hello/a%0ab", NULL, 401, "a request to log");
    is_long(srv_stop(&s), 0, "server stops with exit 0");
    char *text = NULL;
    FILE *f = fopen(path, "r");
    if (f) {
      text = calloc(1, 65536);
      if (text && fread(text, 1, 65535, f) == 0)
        text[0] = '\0';
      fclose(f);
    }
    ok(contains(text, " POST /apiops/auth/token 200\n"), "the log has the token request");
    ok(contains(text, " GET /apiops/test/hello/a?b 401\n"),
       "the log has the hello request with its control character replaced");
    if (with_tokens)
      ok(t && contains(text, t), "--log-tokens logs the issued token");
    else
      ok(t && !contains(text, t), "without --log-tokens no token is logged");
    free(text);
    free(t);
  }
  unlink(path);
}
