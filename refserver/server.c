/* server: the HTTP(S) listener (libmicrohttpd, one thread per connection) that feeds
 * rs_handle_request(). The only file that includes microhttpd.h. */
#include "server.h"

#include "cluster.h"
#include "deviations.h"
#include "handlers.h"
#include "reqlog.h"
#include "request.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* Per-connection memory for the request line and headers. Large enough that a 16 KiB
 * Authorization header reaches the handler (which answers 431 itself); a 64 KiB one is refused
 * by libmicrohttpd before any handler runs. */
#define CONNECTION_MEMORY (48 * 1024)
#define CONNECTION_MEMORY_LARGE (128 * 1024) /* deviation bearer-huge-64k-500 */
#define CONNECTION_TIMEOUT 30 /* seconds of client silence before a connection is dropped */
#define CONNECTION_LIMIT 512

struct rs_server {
  struct MHD_Daemon *daemon;
  rs_app *app;
  int role; /* RS_SERVER_SINGLE, RS_SERVER_BALANCER or a node */
  char *cert_pem; /* owned; libmicrohttpd reads them while it runs */
  char *key_pem;
  char url[128];
};

static void sleep_ms(unsigned long ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* Queues r on conn after the configured latency. */
static enum MHD_Result send_reply(rs_server *s, rs_request *rq,
                                  const rs_reply *r)
{
  /* Each connection has its own thread, so sleeping here delays only this client. */
  if (s->app->cfg->latency_ms)
    sleep_ms(s->app->cfg->latency_ms);
  struct MHD_Response *resp =
    MHD_create_response_from_buffer(r->body_len, r->body ? r->body : (char *)"",
                                    MHD_RESPMEM_MUST_COPY);
  if (!resp)
    return MHD_NO;
  enum MHD_Result ok = MHD_YES;
  if (r->content_type && MHD_add_response_header(resp, "Content-Type", r->content_type) != MHD_YES)
    ok = MHD_NO;
  for (size_t i = 0; ok == MHD_YES && i < r->n_headers; i++)
    ok = MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
  if (ok == MHD_YES)
    ok = MHD_queue_response(rs_rq_connection(rq), r->status, resp);
  MHD_destroy_response(resp);
  rs_reqlog_request(s->app->log, rs_rq_method(rq) ? rs_rq_method(rq) : "-",
                    rs_rq_path(rq) ? rs_rq_path(rq) : "-", r->status);
  return ok;
}

/* Answers with a fixed JSON error when the handler could not build a reply. */
static enum MHD_Result send_error(rs_server *s, rs_request *rq, unsigned status,
                                  const char *code, const char *description)
{
  rs_reply r = {0};
  enum MHD_Result ok = MHD_NO;
  if (rs_reply_error(&r, status, code, description) == 0)
    ok = send_reply(s, rq, &r);
  rs_reply_clear(&r);
  return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
  rs_server *s = cls;
  rs_request *rq = *req_cls;
  (void)version;
  if (!rq) {
    /* First call: only the headers are known. Refuse a declared oversized body before reading
     * it. */
    rq = rs_rq_new(conn, method, url);
    if (!rq)
      return MHD_NO;
    *req_cls = rq;
    if (s->role != RS_SERVER_SINGLE) {
      unsigned node = s->role == RS_SERVER_BALANCER ? rs_cluster_next(s->app->cluster) : (unsigned)s->role;
      rs_rq_set_node(rq, (int)node);
      rs_cluster_count(s->app->cluster, node);
    }
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > RQ_MAX_BODY)
      return send_error(s, rq, 413, "invalid_request", "Request body too large");
    return MHD_YES;
  }
  if (*upload_data_size) {
    rs_rq_append_body(rq, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (rs_rq_too_large(rq))
    return send_error(s, rq, 413, "invalid_request", "Request body too large");
  rs_reply r = {0};
  enum MHD_Result ok;
  if (rs_handle_request(s->app, rq, &r) == 0 && r.status)
    ok = send_reply(s, rq, &r);
  else
    ok = send_error(s, rq, 500, "server_error", "An unexpected error occurred");
  rs_reply_clear(&r);
  return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
  rs_request *rq = *req_cls;
  (void)cls;
  (void)conn;
  (void)toe;
  rs_rq_free(rq);
  *req_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  fputs("authconform-refserver: http: ", stderr);
  vfprintf(stderr, fmt, ap);
}

/* Reads a whole file into a NUL-terminated string (caller frees), or NULL with errno set. */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      char *grown = cap <= 4 * 1024 * 1024 ? realloc(buf, cap) : NULL;
      if (!grown) {
        free(buf);
        fclose(f);
        errno = EFBIG;
        return NULL;
      }
      buf = grown;
    }
    size_t n = fread(buf + len, 1, 4096, f);
    len += n;
    if (n < 4096)
      break;
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

static int load_tls(rs_server *s, const rs_config *cfg, char *err, size_t err_len)
{
  if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
    snprintf(err, err_len, "this libmicrohttpd was built without TLS support; drop --cert/--key");
    return -1;
  }
  s->cert_pem = slurp(cfg->cert_file);
  if (!s->cert_pem) {
    snprintf(err, err_len, "%s: cannot read the certificate: %s", cfg->cert_file, strerror(errno));
    return -1;
  }
  s->key_pem = slurp(cfg->key_file);
  if (!s->key_pem) {
    snprintf(err, err_len, "%s: cannot read the key: %s", cfg->key_file, strerror(errno));
    return -1;
  }
  return 0;
}

static void server_free(rs_server *s)
{
  if (!s)
    return;
  if (s->key_pem)
    memset(s->key_pem, 0, strlen(s->key_pem));
  free(s->key_pem);
  free(s->cert_pem);
  free(s);
}

rs_server *rs_server_start(rs_app *app, int role, char *err, size_t err_len)
{
  const rs_config *cfg = app->cfg;
  rs_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  s->app = app;
  s->role = role;
  unsigned port = role >= 0 ? 0 : cfg->port; /* nodes pick free ports */
  bool tls = cfg->cert_file != NULL;
  if (tls && load_tls(s, cfg, err, err_len) != 0) {
    server_free(s);
    return NULL;
  }

  struct sockaddr_in sin = {0};
  struct sockaddr_in6 sin6 = {0};
  struct sockaddr *addr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO |
                   MHD_USE_ERROR_LOG;
  bool v6 = false;
  if (inet_pton(AF_INET, cfg->bind, &sin.sin_addr) == 1) {
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    addr = (struct sockaddr *)&sin;
  } else if (inet_pton(AF_INET6, cfg->bind, &sin6.sin6_addr) == 1) {
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons((uint16_t)port);
    addr = (struct sockaddr *)&sin6;
    flags |= MHD_USE_IPv6;
    v6 = true;
  } else {
    snprintf(err, err_len, "--bind %s: not an IPv4 or IPv6 address", cfg->bind);
    server_free(s);
    return NULL;
  }
  if (tls)
    flags |= MHD_USE_TLS;

  /* The logger goes first so that libmicrohttpd uses it for every message. */
  struct MHD_OptionItem opts[] = {
    {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL},
    {MHD_OPTION_SOCK_ADDR, 0, addr},
    {MHD_OPTION_CONNECTION_MEMORY_LIMIT,
     rs_dev_on(DEV_BEARER_HUGE_64K_500) ? CONNECTION_MEMORY_LARGE : CONNECTION_MEMORY, NULL},
    {MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT, NULL},
    {MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, NULL},
    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
    {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert_pem},
    {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key_pem},
    {MHD_OPTION_END, 0, NULL},
  };
  errno = 0;
  s->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
                               MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
  if (!s->daemon) {
    int e = errno;
    snprintf(err, err_len, "cannot listen on %s port %u%s%s", cfg->bind, port,
             e ? ": " : "", e ? strerror(e) : "");
    server_free(s);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  port = info ? info->port : port;
  snprintf(s->url, sizeof s->url, "%s://%s%s%s:%u", tls ? "https" : "http", v6 ? "[" : "",
           cfg->bind, v6 ? "]" : "", port);
  return s;
}

void rs_server_url(const rs_server *s, char *buf, size_t len) { snprintf(buf, len, "%s", s->url); }

void rs_server_stop(rs_server *s)
{
  if (!s)
    return;
  if (s->daemon)
    MHD_stop_daemon(s->daemon);
  server_free(s);
}
