/* admin_client: the "admin revoke", "admin mint" and "admin failed-logins" subcommands. The only
 * file that uses libcurl. */
#include "admin_client.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "authconform-refserver admin"
#define MAX_ANSWER (64 * 1024)

struct args {
  const char *command;
  const char *url;
  const char *username;
  const char *kind;
  const char *user; /* failed-logins --user */
  const char *cacert;
  bool insecure;
};

struct buffer {
  char *data;
  size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct buffer *b = userdata;
  size_t n = size * nmemb;
  if (b->len + n > MAX_ANSWER)
    return 0; /* abort: the admin endpoints never answer this much */
  char *grown = realloc(b->data, b->len + n + 1);
  if (!grown)
    return 0;
  memcpy(grown + b->len, ptr, n);
  b->data = grown;
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

static int usage(const char *msg)
{
  fprintf(stderr, PROG ": %s (see authconform-refserver --help)\n", msg);
  return 2;
}

static int parse_args(int argc, char **argv, struct args *a)
{
  memset(a, 0, sizeof *a);
  if (argc < 1)
    return usage("expected 'revoke', 'mint' or 'failed-logins'");
  a->command = argv[0];
  if (strcmp(a->command, "revoke") != 0 && strcmp(a->command, "mint") != 0 &&
      strcmp(a->command, "failed-logins") != 0)
    return usage("expected 'revoke', 'mint' or 'failed-logins'");
  for (int i = 1; i < argc; i++) {
    const char **slot = NULL;
    if (strcmp(argv[i], "--url") == 0)
      slot = &a->url;
    else if (strcmp(argv[i], "--username") == 0)
      slot = &a->username;
    else if (strcmp(argv[i], "--kind") == 0)
      slot = &a->kind;
    else if (strcmp(argv[i], "--user") == 0)
      slot = &a->user;
    else if (strcmp(argv[i], "--cacert") == 0)
      slot = &a->cacert;
    else if (strcmp(argv[i], "--insecure") == 0) {
      a->insecure = true;
      continue;
    } else if (strcmp(argv[i], "--token") == 0) {
      return usage("the token is read from $AUTHCONFORM_TOKEN, never from the command line");
    } else {
      return usage("unknown argument");
    }
    if (i + 1 >= argc)
      return usage("an option needs a value");
    *slot = argv[++i];
  }
  if (!a->url)
    return usage("--url is required");
  if (strcmp(a->command, "mint") == 0) {
    if (!a->username)
      return usage("mint needs --username");
    if (!a->kind || (strcmp(a->kind, "expired") != 0 && strcmp(a->kind, "revoked") != 0))
      return usage("mint needs --kind expired|revoked");
  }
  if (a->user && strcmp(a->command, "failed-logins") != 0)
    return usage("--user goes with failed-logins");
  return 0;
}

/* Appends name=escaped(value) to the form; 0 or -1. */
static int form_append(CURL *curl, char **form, const char *name, const char *value)
{
  char *esc = curl_easy_escape(curl, value, 0);
  if (!esc)
    return -1;
  size_t old = *form ? strlen(*form) : 0;
  size_t add = (old ? 1 : 0) + strlen(name) + 1 + strlen(esc) + 1;
  char *grown = realloc(*form, old + add);
  if (grown)
    snprintf(grown + old, add, "%s%s=%s", old ? "&" : "", name, esc);
  curl_free(esc);
  if (!grown)
    return -1;
  *form = grown;
  return 0;
}

/* Prints the server's error_description (or the status) as the one failure line. */
static void report_failure(const struct args *a, long status, const struct buffer *answer)
{
  const char *why = "unexpected answer";
  cJSON *j = answer->data ? cJSON_Parse(answer->data) : NULL;
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "error_description");
  if (cJSON_IsString(d))
    why = d->valuestring;
  fprintf(stderr, PROG " %s: HTTP %ld: %s\n", a->command, status, why);
  cJSON_Delete(j);
}

/* Prints the failed-logins answer: the count alone for --user, else "NAME<TAB>COUNT" lines.
 * Returns the exit code. */
static int print_failed_logins(const struct args *a, const struct buffer *answer)
{
  cJSON *j = cJSON_Parse(answer->data ? answer->data : "");
  const cJSON *m;
  int code = cJSON_IsObject(j) ? 0 : 1;
  cJSON_ArrayForEach(m, j) {
    if (!cJSON_IsNumber(m)) {
      code = 1;
      break;
    }
    if (a->user)
      printf("%.0f\n", m->valuedouble);
    else
      printf("%s\t%.0f\n", m->string, m->valuedouble);
  }
  cJSON_Delete(j);
  if (code != 0)
    fprintf(stderr, PROG " failed-logins: the answer is not a JSON object of counts\n");
  return code == 0 && fflush(stdout) != 0 ? 1 : code;
}

static int run(const struct args *a, CURL *curl)
{
  char *form = NULL; /* the POST body; the query string for failed-logins */
  char *url = NULL;
  struct buffer answer = {0};
  int code = 1;
  bool get = strcmp(a->command, "failed-logins") == 0;
  if (strcmp(a->command, "revoke") == 0) {
    const char *token = getenv("AUTHCONFORM_TOKEN");
    if (!token || !*token) {
      fprintf(stderr, PROG " revoke: AUTHCONFORM_TOKEN is not set\n");
      return 2;
    }
    if (form_append(curl, &form, "token", token) != 0)
      goto out;
  } else if (get) {
    if (a->user && form_append(curl, &form, "user", a->user) != 0)
      goto out;
  } else if (form_append(curl, &form, "username", a->username) != 0 ||
             form_append(curl, &form, "kind", a->kind) != 0) {
    goto out;
  }
  size_t base = strlen(a->url);
  while (base > 0 && a->url[base - 1] == '/')
    base--;
  const char *query = get && form ? form : "";
  size_t url_len = base + sizeof "/_refserver/?" + strlen(a->command) + strlen(query);
  url = malloc(url_len);
  if (!url)
    goto out;
  snprintf(url, url_len, "%.*s/_refserver/%s%s%s", (int)base, a->url, a->command,
           *query ? "?" : "", query);

  curl_easy_setopt(curl, CURLOPT_URL, url);
  if (!get)
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (a->cacert)
    curl_easy_setopt(curl, CURLOPT_CAINFO, a->cacert);
  if (a->insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode cc = curl_easy_perform(curl);
  if (cc != CURLE_OK) {
    fprintf(stderr, PROG " %s: %s\n", a->command, curl_easy_strerror(cc));
    goto out;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    report_failure(a, status, &answer);
    goto out;
  }
  if (strcmp(a->command, "mint") == 0) {
    cJSON *j = cJSON_Parse(answer.data ? answer.data : "");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    if (cJSON_IsString(t)) {
      printf("%s\n", t->valuestring);
      code = fflush(stdout) == 0 ? 0 : 1;
    } else {
      fprintf(stderr, PROG " mint: the answer has no access_token\n");
    }
    cJSON_Delete(j);
  } else if (get) {
    code = print_failed_logins(a, &answer);
  } else {
    code = 0;
  }
out:
  if (code == 1 && !url)
    fprintf(stderr, PROG " %s: out of memory\n", a->command);
  free(form);
  free(url);
  free(answer.data);
  return code;
}

int rs_admin_client_main(int argc, char **argv)
{
  struct args a;
  int code = parse_args(argc, argv, &a);
  if (code != 0)
    return code;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, PROG ": cannot initialise libcurl\n");
    return 1;
  }
  CURL *curl = curl_easy_init();
  if (!curl) {
    fprintf(stderr, PROG ": cannot initialise libcurl\n");
    code = 1;
  } else {
    code = run(&a, curl);
    curl_easy_cleanup(curl);
  }
  curl_global_cleanup();
  return code;
}
