/* authconform-test-resource: a protected resource (RFC 6750) whose Bearer tokens are checked on
 * every request through an RFC 7662 introspection endpoint, so revoked tokens are refused at once.
 * Built for the tests only (tests/realserver): it serves GET /resource on 127.0.0.1, and GET
 * /resource/extra, which also needs the token's introspected scope to include "extra" (else 403
 * insufficient_scope, RFC 6750 3.1).
 *   authconform-test-resource --port N --introspect URL --client-id ID --client-secret-env VAR
 * The client secret comes from the environment variable VAR, never from argv. Prints
 * "listening on http://127.0.0.1:PORT" once ready; SIGTERM or SIGINT stop it (exit 0). */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REALM "authconform-test"
#define MAX_HEADER_BYTES (16 * 1024) /* request headers larger than this: 431 */
#define CONNECTION_MEMORY (64 * 1024) /* so that a 16+ KiB header still reaches the handler */
#define INTROSPECT_TIMEOUT_MS 5000L
#define MAX_REPLY (64 * 1024)
#define SCOPED_PATH "/resource/extra"
#define SCOPED_SCOPE "extra" /* glewlwyd.sh grants it to client1 only */

struct res_config {
  unsigned port;
  const char *introspect_url; /* borrowed from argv */
  const char *client_id;      /* borrowed from argv */
  const char *client_secret;  /* borrowed from the environment */
};

/* The verdict of one introspection call. */
enum res_verdict { RES_ACTIVE, RES_INACTIVE, RES_UNAVAILABLE };

struct res_buf {
  char *data; /* owned, NUL-terminated */
  size_t len;
  bool overflow;
};

static size_t res_buf_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct res_buf *b = userdata;
  size_t n = size * nmemb;
  if (b->len + n > MAX_REPLY) {
    b->overflow = true;
    return 0; /* makes curl fail the transfer */
  }
  char *grown = realloc(b->data, b->len + n + 1);
  if (!grown)
    return 0;
  b->data = grown;
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

/* True when the space-separated list has name. */
static bool res_has_scope(const char *list, const char *name)
{
  size_t len = strlen(name);
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, " ");
    if (n == len && strncmp(p, name, n) == 0)
      return true;
    p += n;
    p += strspn(p, " ");
  }
  return false;
}

/* res_introspect: POST token= to the introspection endpoint with the client's HTTP Basic
 * credentials; RES_ACTIVE only for a 200 JSON object with "active": true. *has_extra is set when
 * the answer's scope includes SCOPED_SCOPE. */
static enum res_verdict res_introspect(const struct res_config *cfg, const char *token,
                                       bool *has_extra)
{
  *has_extra = false;
  enum res_verdict verdict = RES_UNAVAILABLE;
  struct res_buf reply = {0};
  char *form = NULL, *escaped = NULL;
  cJSON *json = NULL;
  CURL *curl = curl_easy_init();
  if (!curl)
    goto done;
  escaped = curl_easy_escape(curl, token, 0);
  if (!escaped || !(form = malloc(strlen(escaped) + sizeof "token=&token_type_hint=access_token")))
    goto done;
  sprintf(form, "token=%s&token_type_hint=access_token", escaped);
  curl_easy_setopt(curl, CURLOPT_URL, cfg->introspect_url);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
  curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
  curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->client_id);
  curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->client_secret);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, INTROSPECT_TIMEOUT_MS);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, res_buf_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200 || !reply.data) {
    fprintf(stderr, "resource: introspection failed: %s, HTTP %ld\n",
            rc != CURLE_OK ? curl_easy_strerror(rc) : "no error", status);
    goto done;
  }
  json = cJSON_Parse(reply.data);
  const cJSON *active = cJSON_GetObjectItemCaseSensitive(json, "active");
  if (!cJSON_IsBool(active)) {
    fprintf(stderr, "resource: introspection answer without a boolean \"active\"\n");
    goto done;
  }
  verdict = cJSON_IsTrue(active) ? RES_ACTIVE : RES_INACTIVE;
  const cJSON *scope = cJSON_GetObjectItemCaseSensitive(json, "scope");
  *has_extra = cJSON_IsString(scope) && res_has_scope(scope->valuestring, SCOPED_SCOPE);
done:
  cJSON_Delete(json);
  free(form);
  curl_free(escaped);
  free(reply.data);
  curl_easy_cleanup(curl);
  return verdict;
}

/* res_reply: queues STATUS with BODY (copied) and up to two extra headers (NULL name: none). */
static enum MHD_Result res_reply(struct MHD_Connection *conn, unsigned status, const char *type,
                                 const char *body, const char *h1, const char *v1, const char *h2,
                                 const char *v2)
{
  struct MHD_Response *r =
    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (h1)
    MHD_add_response_header(r, h1, v1);
  if (h2)
    MHD_add_response_header(r, h2, v2);
  enum MHD_Result ret = MHD_queue_response(conn, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result res_challenge(struct MHD_Connection *conn, unsigned status, const char *error)
{
  char value[96];
  if (error)
    snprintf(value, sizeof value, "Bearer error=\"%s\"", error);
  else
    snprintf(value, sizeof value, "Bearer realm=\"%s\"", REALM);
  char body[64] = "{}\n"; /* no credentials: no error code, in the body either */
  if (error)
    snprintf(body, sizeof body, "{\"error\":\"%s\"}\n", error);
  return res_reply(conn, status, "application/json", body, MHD_HTTP_HEADER_WWW_AUTHENTICATE, value,
                   NULL, NULL);
}

struct res_headers {
  size_t bytes;         /* "name: value\r\n" summed over the request's headers */
  unsigned authorization; /* how many Authorization headers */
};

static enum MHD_Result res_count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                        const char *value)
{
  struct res_headers *h = cls;
  (void)kind;
  h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
  if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0)
    h->authorization++;
  return MHD_YES;
}

/* res_token68: true when S is 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * (RFC 6750 2.1). */
static bool res_token68(const char *s)
{
  size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
  if (n == 0)
    return false;
  return s[n + strspn(s + n, "=")] == '\0';
}

static enum MHD_Result res_handle(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
  const struct res_config *cfg = cls;
  (void)version, (void)upload, (void)upload_size, (void)req_cls;
  struct res_headers h = {0};
  MHD_get_connection_values(conn, MHD_HEADER_KIND, res_count_header, &h);
  if (h.bytes > MAX_HEADER_BYTES)
    return res_reply(conn, 431, "text/plain", "request header fields too large\n", "Connection",
                     "close", NULL, NULL);
  bool scoped = strcmp(url, SCOPED_PATH) == 0;
  if (strcmp(url, "/resource") != 0 && !scoped)
    return res_reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", NULL, NULL, NULL, NULL);
  if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
    return res_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n",
                     MHD_HTTP_HEADER_ALLOW, "GET", NULL, NULL);

  const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (!auth)
    return res_challenge(conn, MHD_HTTP_UNAUTHORIZED, NULL);
  size_t scheme_len = strcspn(auth, " \t");
  if (scheme_len != 6 || strncasecmp(auth, "Bearer", 6) != 0)
    return res_challenge(conn, MHD_HTTP_UNAUTHORIZED, NULL); /* another scheme: no credentials */
  const char *token = auth + 6;
  if (h.authorization != 1 || *token != ' ')
    return res_challenge(conn, MHD_HTTP_BAD_REQUEST, "invalid_request");
  token += strspn(token, " ");
  if (!res_token68(token))
    return res_challenge(conn, MHD_HTTP_BAD_REQUEST, "invalid_request");

  bool has_extra = false;
  switch (res_introspect(cfg, token, &has_extra)) {
  case RES_ACTIVE:
    if (scoped && !has_extra)
      return res_reply(conn, MHD_HTTP_FORBIDDEN, "application/json",
                       "{\"error\":\"insufficient_scope\"}\n", MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                       "Bearer error=\"insufficient_scope\", scope=\"" SCOPED_SCOPE "\"", NULL,
                       NULL);
    return res_reply(conn, MHD_HTTP_OK, "application/json", "{\"ok\":true}\n", NULL, NULL, NULL, NULL);
  case RES_INACTIVE:
    return res_challenge(conn, MHD_HTTP_UNAUTHORIZED, "invalid_token");
  default:
    return res_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
                     "the token cannot be checked now: introspection unavailable\n",
                     MHD_HTTP_HEADER_RETRY_AFTER, "1", NULL, NULL);
  }
}

static int res_usage(const char *msg)
{
  fprintf(stderr, "authconform-test-resource: %s\n"
          "usage: authconform-test-resource --port N --introspect URL --client-id ID "
          "--client-secret-env VAR\n", msg);
  return 2;
}

int main(int argc, char **argv)
{
  struct res_config cfg = {0};
  const char *secret_env = NULL;
  for (int i = 1; i < argc; i++) {
    const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!val)
      return res_usage("an option lacks its value");
    if (strcmp(opt, "--port") == 0) {
      char *end;
      unsigned long p = strtoul(val, &end, 10);
      if (*end || end == val || p > 65535)
        return res_usage("--port takes 0 to 65535");
      cfg.port = (unsigned)p;
    } else if (strcmp(opt, "--introspect") == 0) {
      cfg.introspect_url = val;
    } else if (strcmp(opt, "--client-id") == 0) {
      cfg.client_id = val;
    } else if (strcmp(opt, "--client-secret-env") == 0) {
      secret_env = val;
    } else {
      return res_usage("unknown option");
    }
    i++;
  }
  if (!cfg.introspect_url || !cfg.client_id || !secret_env)
    return res_usage("--introspect, --client-id and --client-secret-env are required");
  cfg.client_secret = getenv(secret_env);
  if (!cfg.client_secret || !*cfg.client_secret)
    return res_usage("the variable named by --client-secret-env is unset or empty");

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  /* Blocked before the daemon's threads start, so that only sigwait() below sees them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg.port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
    (uint16_t)cfg.port, NULL, NULL, res_handle, &cfg, MHD_OPTION_SOCK_ADDR, &addr,
    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
    30u, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "authconform-test-resource: cannot listen on 127.0.0.1:%u\n", cfg.port);
    curl_global_cleanup();
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  printf("listening on http://127.0.0.1:%u\n", info ? (unsigned)info->port : cfg.port);
  fflush(stdout);

  int sig = 0;
  sigwait(&stop, &sig);
  MHD_stop_daemon(d);
  curl_global_cleanup();
  return 0;
}
