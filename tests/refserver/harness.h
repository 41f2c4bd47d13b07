/* harness: what the reference-server tests share: starting and stopping the server, HTTP requests
 * through libcurl, running the binary as a client, and TAP output. */
#ifndef RS_TEST_HARNESS_H
#define RS_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The server binary under test (argv[1] of the test program). */
extern const char *h_binary;

/* The most nodes a test starts with --cluster. */
#define SRV_MAX_NODES 4

/* A running server. */
struct srv {
  pid_t pid;
  int out_fd;       /* read end of its stdout */
  char base[256];   /* "http://127.0.0.1:PORT"; with --cluster the balancer's */
  char api[320];    /* base + "/apiops" */
  unsigned n_nodes; /* --cluster N: N; 0 for one server */
  char nodes[SRV_MAX_NODES][128]; /* --cluster: node K+1's "http://127.0.0.1:PORT" */
};

/* Starts the server with --port 0 plus args (NULL-terminated) and reads its listening line; with
 * "--cluster N" among args (N <= SRV_MAX_NODES), the balancer's line and then the N lines
 * "listening on URL (node K)", which fill nodes. 0, or -1 (diagnostic printed). Every started
 * server is killed at exit if still running. */
int srv_start(struct srv *s, const char *const *args);

/* A copy of cluster s whose base and api are node k's (0-based; k < s->n_nodes), so every helper
 * that takes a server talks to that node alone. For requests only: it owns no process, so never
 * pass it to srv_stop(). */
struct srv srv_node(const struct srv *s, unsigned k);

/* SIGTERMs the server and waits up to 5 s. Returns its exit status, or -1 when it had to be
 * killed or died of a signal. */
int srv_stop(struct srv *s);

/* Releases a server that already exited (reaped by the caller). */
void srv_forget(struct srv *s);

/* One HTTP exchange. */
struct resp {
  long status;       /* 0 when no response was received */
  int curl_code;     /* CURLcode */
  char *body;        /* NUL-terminated */
  size_t len;
  char *headers;     /* raw header block of the last response */
  double seconds;    /* total time */
};

/* Sends a request. headers is a NULL-terminated list of "Name: value" lines (may be NULL); body
 * may be NULL. Returns 0 when a response arrived. Free r with resp_free(). */
int http(struct resp *r, const char *method, const char *url, const char *const *headers,
         const char *body);

void resp_free(struct resp *r);

/* The first value of header name (case-insensitive), trimmed; caller frees. NULL when absent. */
char *resp_header(const struct resp *r, const char *name);

/* How many times header name occurs. */
int resp_header_count(const struct resp *r, const char *name);

/* The sorted, comma-joined lower-case header names except Date (caller frees). */
char *resp_header_names(const struct resp *r);

/* POSTs the form to {api}/auth/token. */
int token_request(struct resp *r, const struct srv *s, const char *form);

/* A token for user/password from {api}/auth/token, or NULL (caller frees). */
char *get_token(const struct srv *s, const char *user, const char *password);

/* GET {api}{path} with "Authorization: {auth}" when auth is not NULL. */
int get_with_auth(struct resp *r, const struct srv *s, const char *path, const char *auth);

/* Runs the server binary with args (NULL-terminated); AUTHCONFORM_TOKEN is set to token when not
 * NULL. Captures stdout into *out (caller frees). Returns the exit status, -1 on failure. */
int run_binary(const char *const *args, const char *token, char **out);

/* base64url helpers for building tokens. Caller frees. */
char *t_b64url(const unsigned char *data, size_t len);
char *t_b64url_decode(const char *s, size_t len);

/* The decoded JSON payload segment of a JWT, or NULL (caller frees). */
char *jwt_payload(const char *token);

/* A JSON string member of body, or NULL (caller frees). */
char *json_str(const char *body, const char *name);

/* True when hay and needle are not NULL and hay contains needle. */
bool contains(const char *hay, const char *needle);

/* Writes text to a fresh temporary file and returns its path: a static buffer per slot (0..3),
 * overwritten by the next call with the same slot; NULL on failure. The caller unlinks it. */
const char *temp_file(int slot, const char *text);

/* TAP. */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool is_long(long got, long want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool is_str(const char *got, const char *want, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan and returns the exit code: 0 when every test passed. */
int done_testing(void);

/* Expects status for GET path with auth (a whole Authorization value, or NULL). */
void expect_get(const struct srv *s, const char *path, const char *auth, long status,
                const char *what);

/* fmt (one %s) filled with token: an Authorization value. Caller frees; NULL when out of memory. */
char *bearer(const char *fmt, const char *token);

#endif
