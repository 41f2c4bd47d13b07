/* harness: what the reference-server tests share: starting and stopping the server, HTTP requests
 * through libcurl, running the binary as a client, and TAP output. */
#include "harness.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

const char *h_binary;

/* ---- TAP ---- */

static int n_tests;
static int n_failed;

static bool vreport(bool cond, const char *fmt, va_list ap)
{
  n_tests++;
  if (!cond)
    n_failed++;
  printf("%s %d - ", cond ? "ok" : "not ok", n_tests);
  vprintf(fmt, ap);
  putchar('\n');
  fflush(stdout);
  return cond;
}

bool ok(bool cond, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vreport(cond, fmt, ap);
  va_end(ap);
  return cond;
}

bool is_long(long got, long want, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vreport(got == want, fmt, ap);
  va_end(ap);
  if (got != want)
    printf("#   wanted: %ld\n#     seen: %ld\n", want, got);
  return got == want;
}

bool is_str(const char *got, const char *want, const char *fmt, ...)
{
  bool same = got && want && strcmp(got, want) == 0;
  va_list ap;
  va_start(ap, fmt);
  vreport(same, fmt, ap);
  va_end(ap);
  if (!same)
    printf("#   wanted: %s\n#     seen: %s\n", want ? want : "(null)", got ? got : "(null)");
  return same;
}

void diag(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("# ", stdout);
  vprintf(fmt, ap);
  putchar('\n');
  va_end(ap);
  fflush(stdout);
}

int done_testing(void)
{
  printf("1..%d\n", n_tests);
  if (n_failed)
    printf("# %d of %d failed\n", n_failed, n_tests);
  return n_failed || n_tests == 0 ? 1 : 0;
}

/* ---- processes ---- */

#define MAX_SERVERS 16
static pid_t running[MAX_SERVERS];

static void forget(pid_t pid)
{
  for (int i = 0; i < MAX_SERVERS; i++) {
    if (running[i] == pid)
      running[i] = 0;
  }
}

/* Kills whatever server a failed or aborted test left behind. */
static void kill_leftovers(void)
{
  for (int i = 0; i < MAX_SERVERS; i++) {
    if (running[i] > 0) {
      kill(running[i], SIGKILL);
      waitpid(running[i], NULL, 0);
      running[i] = 0;
    }
  }
}

static void remember(pid_t pid)
{
  static bool registered;
  if (!registered) {
    atexit(kill_leftovers);
    registered = true;
  }
  for (int i = 0; i < MAX_SERVERS; i++) {
    if (running[i] == 0) {
      running[i] = pid;
      return;
    }
  }
}

/* Child side of a spawn: stdout to out_fd, and die with the test program. */
static void child_exec(const char *const *argv, int out_fd, const char *token)
{
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  dup2(out_fd, STDOUT_FILENO);
  if (token)
    setenv("AUTHCONFORM_TOKEN", token, 1);
  else
    unsetenv("AUTHCONFORM_TOKEN");
  execv(h_binary, (char *const *)argv);
  _exit(127);
}

/* Reads a line from fd within timeout_ms into buf. 0 or -1. */
static int read_line(int fd, char *buf, size_t len, int timeout_ms)
{
  size_t n = 0;
  while (n + 1 < len) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0)
      return -1;
    ssize_t got = read(fd, buf + n, 1);
    if (got <= 0)
      return -1;
    if (buf[n] == '\n') {
      buf[n] = '\0';
      return 0;
    }
    n++;
  }
  return -1;
}

static int read_nodes(struct srv *s, const char *const *args);

int srv_start(struct srv *s, const char *const *args)
{
  const char *argv[64];
  size_t n = 0;
  argv[n++] = h_binary;
  argv[n++] = "--port";
  argv[n++] = "0";
  for (size_t i = 0; args && args[i] && n < 63; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  memset(s, 0, sizeof *s);
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    close(fds[0]);
    child_exec(argv, fds[1], NULL);
  }
  close(fds[1]);
  remember(pid);
  s->pid = pid;
  s->out_fd = fds[0];
  char line[256];
  const char *tag = "listening on ";
  if (read_line(s->out_fd, line, sizeof line, 10000) != 0 || strncmp(line, tag, strlen(tag)) != 0) {
    diag("server did not print its listening line");
    srv_stop(s);
    return -1;
  }
  /* The URL ends at the first space: a cluster's lines go on with " (balancer)", " (node K)". */
  snprintf(s->base, sizeof s->base, "%.*s", (int)strcspn(line + strlen(tag), " "), line + strlen(tag));
  snprintf(s->api, sizeof s->api, "%s/apiops", s->base);
  return read_nodes(s, args);
}

/* With "--cluster N" in args: reads the N node lines into s->nodes. 0, or -1 (server stopped). */
static int read_nodes(struct srv *s, const char *const *args)
{
  unsigned n = 0;
  for (size_t i = 0; args && args[i] && args[i + 1]; i++)
    if (strcmp(args[i], "--cluster") == 0)
      n = (unsigned)strtoul(args[i + 1], NULL, 10);
  if (n > SRV_MAX_NODES) {
    diag("the harness reads at most %d nodes", SRV_MAX_NODES);
    srv_stop(s);
    return -1;
  }
  for (unsigned k = 0; k < n; k++) {
    char line[256], url[128], want[32];
    unsigned node = 0;
    snprintf(want, sizeof want, "(node %u)", k + 1);
    if (read_line(s->out_fd, line, sizeof line, 10000) != 0 ||
        sscanf(line, "listening on %127s (node %u)", url, &node) != 2 || node != k + 1) {
      diag("no line 'listening on URL %s' from the cluster", want);
      srv_stop(s);
      return -1;
    }
    snprintf(s->nodes[k], sizeof s->nodes[k], "%s", url);
  }
  s->n_nodes = n;
  return 0;
}

struct srv srv_node(const struct srv *s, unsigned k)
{
  struct srv node = *s;
  node.pid = 0;
  node.out_fd = -1;
  if (k < s->n_nodes) {
    snprintf(node.base, sizeof node.base, "%s", s->nodes[k]);
    snprintf(node.api, sizeof node.api, "%s/apiops", node.base);
  }
  return node;
}

int srv_stop(struct srv *s)
{
  if (s->pid <= 0)
    return -1;
  int status = 0, result = -1;
  kill(s->pid, SIGTERM);
  for (int i = 0; i < 500; i++) {
    pid_t w = waitpid(s->pid, &status, WNOHANG);
    if (w == s->pid) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (result == -1 && waitpid(s->pid, &status, WNOHANG) == 0) {
    diag("server %d ignored SIGTERM; killing it", (int)s->pid);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
  }
  forget(s->pid);
  close(s->out_fd);
  s->pid = 0;
  return result;
}

void srv_forget(struct srv *s)
{
  forget(s->pid);
  close(s->out_fd);
  s->pid = 0;
}

int run_binary(const char *const *args, const char *token, char **out)
{
  const char *argv[64];
  size_t n = 0;
  argv[n++] = h_binary;
  for (size_t i = 0; args[i] && n < 63; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  *out = NULL;
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    close(fds[0]);
    child_exec(argv, fds[1], token);
  }
  close(fds[1]);
  remember(pid);
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  for (;;) {
    struct pollfd p = {fds[0], POLLIN, 0};
    if (!buf || poll(&p, 1, 10000) <= 0)
      break;
    if (len + 1024 > cap) {
      char *grown = realloc(buf, cap *= 2);
      if (!grown)
        break;
      buf = grown;
    }
    ssize_t got = read(fds[0], buf + len, cap - len - 1);
    if (got <= 0)
      break;
    len += (size_t)got;
  }
  close(fds[0]);
  int status = 0;
  for (int i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
    if (i == 999) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  forget(pid);
  if (buf)
    buf[len] = '\0';
  *out = buf;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- HTTP ---- */

struct grow {
  char *data;
  size_t len;
};

static size_t on_bytes(char *ptr, size_t size, size_t nmemb, void *ud)
{
  struct grow *g = ud;
  size_t n = size * nmemb;
  char *grown = realloc(g->data, g->len + n + 1);
  if (!grown)
    return 0;
  memcpy(grown + g->len, ptr, n);
  g->data = grown;
  g->len += n;
  g->data[g->len] = '\0';
  return n;
}

/* Keeps only the last header block (curl also reports 100 Continue blocks). */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
  struct grow *g = ud;
  if (size * nmemb >= 5 && strncmp(ptr, "HTTP/", 5) == 0)
    g->len = 0;
  return on_bytes(ptr, size, nmemb, ud);
}

int http(struct resp *r, const char *method, const char *url, const char *const *headers,
         const char *body)
{
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (!c)
    return -1;
  struct grow b = {0}, h = {0};
  struct curl_slist *list = NULL;
  for (size_t i = 0; headers && headers[i]; i++)
    list = curl_slist_append(list, headers[i]);
  /* curl would add "Expect: 100-continue" for large bodies; the tests want one plain exchange. */
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_bytes);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L); /* the TLS test uses a throwaway certificate */
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  r->curl_code = (int)curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  r->body = b.data ? b.data : strdup("");
  r->len = b.len;
  r->headers = h.data ? h.data : strdup("");
  return r->status ? 0 : -1;
}

void resp_free(struct resp *r)
{
  free(r->body);
  free(r->headers);
  memset(r, 0, sizeof *r);
}

/* Calls fn for each "name: value" line of the header block. */
static void each_header(const struct resp *r, void (*fn)(const char *, size_t, const char *,
                                                         size_t, void *),
                        void *ud)
{
  const char *p = r->headers;
  while (p && *p) {
    const char *eol = strstr(p, "\r\n");
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    if (colon && strncmp(p, "HTTP/", 5) != 0) {
      const char *v = colon + 1;
      while (v < p + len && (*v == ' ' || *v == '\t'))
        v++;
      size_t vlen = (size_t)(p + len - v);
      while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
      fn(p, (size_t)(colon - p), v, vlen, ud);
    }
    p = eol ? eol + 2 : p + len;
  }
}

struct find_ctx {
  const char *name;
  char *value;
  int count;
};

static void find_fn(const char *n, size_t nlen, const char *v, size_t vlen, void *ud)
{
  struct find_ctx *f = ud;
  if (strlen(f->name) == nlen && strncasecmp(n, f->name, nlen) == 0) {
    if (!f->value)
      f->value = strndup(v, vlen);
    f->count++;
  }
}

char *resp_header(const struct resp *r, const char *name)
{
  struct find_ctx f = {name, NULL, 0};
  each_header(r, find_fn, &f);
  return f.value;
}

int resp_header_count(const struct resp *r, const char *name)
{
  struct find_ctx f = {name, NULL, 0};
  each_header(r, find_fn, &f);
  free(f.value);
  return f.count;
}

struct names_ctx {
  char *names[32];
  int n;
};

static void names_fn(const char *n, size_t nlen, const char *v, size_t vlen, void *ud)
{
  struct names_ctx *c = ud;
  (void)v;
  (void)vlen;
  if (c->n == 32 || (nlen == 4 && strncasecmp(n, "date", 4) == 0))
    return;
  char *s = strndup(n, nlen);
  for (char *p = s; s && *p; p++)
    *p = (char)tolower((unsigned char)*p);
  if (s)
    c->names[c->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char *resp_header_names(const struct resp *r)
{
  struct names_ctx c = {{0}, 0};
  each_header(r, names_fn, &c);
  qsort(c.names, (size_t)c.n, sizeof c.names[0], cmp_str);
  size_t len = 1;
  for (int i = 0; i < c.n; i++)
    len += strlen(c.names[i]) + 1;
  char *out = calloc(1, len);
  for (int i = 0; i < c.n; i++) {
    if (out) {
      if (i)
        strcat(out, ",");
      strcat(out, c.names[i]);
    }
    free(c.names[i]);
  }
  return out;
}

int token_request(struct resp *r, const struct srv *s, const char *form)
{
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s->api);
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  return http(r, "POST", url, h, form);
}

char *get_token(const struct srv *s, const char *user, const char *password)
{
  char form[512];
  snprintf(form, sizeof form, "grant_type=client_credentials&client_id=%s&client_secret=%s", user,
           password);
  struct resp r;
  token_request(&r, s, form);
  char *t = r.status == 200 ? json_str(r.body, "access_token") : NULL;
  if (!t)
    diag("no token for %s: HTTP %ld %s", user, r.status, r.body ? r.body : "");
  resp_free(&r);
  return t;
}

int get_with_auth(struct resp *r, const struct srv *s, const char *path, const char *auth)
{
  char url[512];
  snprintf(url, sizeof url, "%s%s", s->api, path);
  char *line = NULL;
  if (auth) {
    line = malloc(strlen(auth) + 32);
    if (line)
      sprintf(line, "Authorization: %s", auth);
  }
  const char *h[] = {line, NULL};
  int rc = http(r, "GET", url, line ? h : NULL, NULL);
  free(line);
  return rc;
}

/* ---- tokens and JSON ---- */

char *t_b64url(const unsigned char *data, size_t len)
{
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = malloc(len * 4 / 3 + 4);
  size_t o = 0;
  unsigned long acc = 0;
  int bits = 0;
  for (size_t i = 0; out && i < len; i++) {
    acc = (acc << 8 | data[i]) & 0xffffff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = a[acc >> bits & 63];
    }
  }
  if (out && bits > 0)
    out[o++] = a[acc << (6 - bits) & 63];
  if (out)
    out[o] = '\0';
  return out;
}

char *t_b64url_decode(const char *s, size_t len)
{
  char *out = malloc(len + 1);
  size_t o = 0;
  unsigned long acc = 0;
  int bits = 0;
  for (size_t i = 0; out && i < len; i++) {
    const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *p = strchr(a, s[i]);
    if (!p || !s[i]) {
      free(out);
      return NULL;
    }
    acc = (acc << 6 | (unsigned long)(p - a)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)(acc >> bits & 0xff);
    }
  }
  if (out)
    out[o] = '\0';
  return out;
}

char *jwt_payload(const char *token)
{
  const char *d1 = strchr(token, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  return d2 ? t_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
}

char *json_str(const char *body, const char *name)
{
  cJSON *j = cJSON_Parse(body ? body : "");
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
  char *v = cJSON_IsString(m) ? strdup(m->valuestring) : NULL;
  cJSON_Delete(j);
  return v;
}

bool contains(const char *hay, const char *needle)
{
  return hay && needle && strstr(hay, needle) != NULL;
}

const char *temp_file(int slot, const char *text)
{
  static char paths[4][64];
  snprintf(paths[slot], sizeof paths[slot], "/tmp/refserver-test-XXXXXX");
  int fd = mkstemp(paths[slot]);
  if (fd < 0)
    return NULL;
  size_t len = strlen(text);
  bool written = write(fd, text, len) == (ssize_t)len;
  close(fd);
  return written ? paths[slot] : NULL;
}

/* Expect status for GET path with auth. */
void expect_get(const struct srv *s, const char *path, const char *auth, long status,
                       const char *what)
{
  struct resp r;
  get_with_auth(&r, s, path, auth);
  is_long(r.status, status, "%s", what);
  resp_free(&r);
}

char *bearer(const char *fmt, const char *token)
{
  char *out = malloc(strlen(fmt) + strlen(token) + 1);
  if (out)
    sprintf(out, fmt, token);
  return out;
}
