/* users: the accounts the server knows, from --user flags and a YAML users file. */
#include "users.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct rs_users {
  rs_user *v;
  size_t n;
  unsigned char pepper[32];
  unsigned char dummy_mac[32]; /* what an unknown user's password is compared against */
};

static int mac_bytes(const rs_users *u, const char *data, size_t n, unsigned char out[32])
{
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), u->pepper, (int)sizeof u->pepper, (const unsigned char *)data, n, out,
            &len) ||
      len != 32)
    return -1;
  return 0;
}

static int mac_password(const rs_users *u, const char *password, unsigned char out[32])
{
  return mac_bytes(u, password, strlen(password), out);
}

/* The MAC of data[0..n) in ASCII lower case; 0 or -1. */
static int mac_folded(const rs_users *u, const char *data, size_t n, unsigned char out[32])
{
  char *low = malloc(n + 1);
  if (!low)
    return -1;
  for (size_t i = 0; i < n; i++)
    low[i] = data[i] >= 'A' && data[i] <= 'Z' ? (char)(data[i] - 'A' + 'a') : data[i];
  int rc = mac_bytes(u, low, n, out);
  OPENSSL_cleanse(low, n);
  free(low);
  return rc;
}

/* Sets both MACs of x from password; 0 or -1. */
static int user_set_password(const rs_users *u, rs_user *x, const char *password)
{
  if (mac_password(u, password, x->secret_mac) != 0)
    return -1;
  return mac_folded(u, password, strlen(password), x->folded_mac);
}

bool rs_users_secret_is(const rs_users *u, const rs_user *x, const char *data, size_t len)
{
  unsigned char mac[32];
  return mac_bytes(u, data, len, mac) == 0 && CRYPTO_memcmp(mac, x->secret_mac, sizeof mac) == 0;
}

bool rs_users_secret_is_folded(const rs_users *u, const rs_user *x, const char *data,
                               size_t len)
{
  unsigned char mac[32];
  return mac_folded(u, data, len, mac) == 0 && CRYPTO_memcmp(mac, x->folded_mac, sizeof mac) == 0;
}

rs_users *rs_users_new(void)
{
  rs_users *u = calloc(1, sizeof *u);
  if (!u)
    return NULL;
  if (RAND_bytes(u->pepper, sizeof u->pepper) != 1 ||
      RAND_bytes(u->dummy_mac, sizeof u->dummy_mac) != 1) {
    free(u);
    return NULL;
  }
  return u;
}

static void user_clear(rs_user *x)
{
  free(x->name);
  for (size_t i = 0; i < x->n_roles; i++)
    free(x->roles[i]);
  free(x->roles);
  for (size_t i = 0; i < x->n_scopes; i++)
    free(x->scopes[i]);
  free(x->scopes);
  memset(x, 0, sizeof *x);
}

void rs_users_free(rs_users *u)
{
  if (!u)
    return;
  for (size_t i = 0; i < u->n; i++)
    user_clear(&u->v[i]);
  free(u->v);
  OPENSSL_cleanse(u->pepper, sizeof u->pepper);
  free(u);
}

size_t rs_users_count(const rs_users *u) { return u->n; }

const rs_user *rs_users_at(const rs_users *u, size_t i) { return &u->v[i]; }

const rs_user *rs_users_find(const rs_users *u, const char *name)
{
  for (size_t i = 0; i < u->n; i++) {
    if (strcmp(u->v[i].name, name) == 0)
      return &u->v[i];
  }
  return NULL;
}

rs_users_auth rs_users_authenticate(const rs_users *u, const char *name, const char *password,
                                    const rs_user **who)
{
  const rs_user *x = rs_users_find(u, name);
  unsigned char mac[32];
  *who = x;
  if (mac_password(u, password, mac) != 0)
    return USERS_BAD_PASSWORD; /* cannot check: refuse */
  /* Always one MAC and one constant-time compare, against the dummy when the user is unknown. */
  bool same = CRYPTO_memcmp(mac, x ? x->secret_mac : u->dummy_mac, sizeof mac) == 0;
  if (!x)
    return USERS_UNKNOWN;
  /* Locked before the password is judged: a locked account's answer must not tell a right
   * password from a wrong one. */
  if (x->locked)
    return USERS_LOCKED;
  if (!same)
    return USERS_BAD_PASSWORD;
  return x->disabled ? USERS_DISABLED : USERS_OK;
}

static void errf(char *err, size_t err_len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_len, fmt, ap);
  va_end(ap);
}

/* Parses a lifetime in seconds; 0 or -1. */
static int parse_lifetime(const char *s, long long *out)
{
  if (!*s)
    return -1;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
  }
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno || v < 1 || v > USERS_MAX_LIFETIME)
    return -1;
  *out = v;
  return 0;
}

/* Appends a user; takes ownership of the fields of *x whatever happens. */
static int users_push(rs_users *u, rs_user *x, char *err, size_t err_len)
{
  if (rs_users_find(u, x->name)) {
    errf(err, err_len, "duplicate user '%s'", x->name);
    user_clear(x);
    return -1;
  }
  rs_user *grown = realloc(u->v, (u->n + 1) * sizeof *grown);
  if (!grown) {
    errf(err, err_len, "out of memory");
    user_clear(x);
    return -1;
  }
  u->v = grown;
  u->v[u->n++] = *x;
  memset(x, 0, sizeof *x);
  return 0;
}

/* Appends a copy of s to the list *v of *n strings; 0 or -1. */
static int list_add(char ***v, size_t *n, const char *s)
{
  char **grown = realloc(*v, (*n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  *v = grown;
  grown[*n] = strdup(s);
  if (!grown[*n])
    return -1;
  (*n)++;
  return 0;
}

/* Adds a role copy to x; 0 or -1. */
static int user_add_role(rs_user *x, const char *role)
{
  return list_add(&x->roles, &x->n_roles, role);
}

/* Adds each space-separated scope of list to x; 0 or -1. */
static int user_add_scopes(rs_user *x, const char *list)
{
  char *copy = strdup(list);
  if (!copy)
    return -1;
  int rc = 0;
  char *save = NULL;
  for (char *t = strtok_r(copy, " ", &save); t && rc == 0; t = strtok_r(NULL, " ", &save))
    rc = list_add(&x->scopes, &x->n_scopes, t);
  free(copy);
  return rc;
}

bool rs_users_scope_allowed(const rs_user *x, const char *name)
{
  for (size_t i = 0; i < x->n_scopes; i++) {
    if (strcmp(x->scopes[i], name) == 0)
      return true;
  }
  return false;
}

int rs_users_add_spec(rs_users *u, const char *spec, bool locked, char *err, size_t err_len)
{
  const char *flag = locked ? "--locked-user" : "--user";
  rs_user x = {.lifetime = USERS_DEFAULT_LIFETIME, .locked = locked};
  const char *colon = strchr(spec, ':');
  if (!colon || colon == spec) {
    errf(err, err_len, "%s wants NAME:PASSWORD[:LIFETIME_SECONDS]", flag);
    return -1;
  }
  char *password = strdup(colon + 1);
  x.name = strndup(spec, (size_t)(colon - spec));
  if (!password || !x.name || user_add_role(&x, "ROLE_ADMIN") != 0 ||
      user_add_scopes(&x, USERS_DEFAULT_SCOPES) != 0) {
    free(password);
    user_clear(&x);
    errf(err, err_len, "out of memory");
    return -1;
  }
  char *last = strrchr(password, ':');
  if (last && parse_lifetime(last + 1, &x.lifetime) == 0)
    *last = '\0';
  else if (last && last[1] && strspn(last + 1, "0123456789") == strlen(last + 1)) {
    errf(err, err_len, "%s %s: lifetime must be 1..%lld seconds", flag, x.name,
         USERS_MAX_LIFETIME);
    free(password);
    user_clear(&x);
    return -1;
  }
  if (!*password) {
    errf(err, err_len, "%s %s: empty password", flag, x.name);
    free(password);
    user_clear(&x);
    return -1;
  }
  int rc = user_set_password(u, &x, password);
  OPENSSL_cleanse(password, strlen(password));
  free(password);
  if (rc != 0) {
    errf(err, err_len, "cannot hash a password");
    user_clear(&x);
    return -1;
  }
  return users_push(u, &x, err, err_len);
}

/* ---- YAML users file ---- */

struct yctx {
  const char *path;
  char *err;
  size_t err_len;
};

/* Formats "FILE:LINE:COL: error: ..." at node n (libyaml marks are 0-based). Returns -1. */
static int yerr(const struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (n)
    errf(c->err, c->err_len, "%s:%lu:%lu: error: %s", c->path,
         (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1, msg);
  else
    errf(c->err, c->err_len, "%s: error: %s", c->path, msg);
  return -1;
}

static const char *scalar(const yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_bool(const char *s, bool *out)
{
  static const char *const yes[] = {"true", "yes", "on"};
  static const char *const no[] = {"false", "no", "off"};
  for (size_t i = 0; i < 3; i++) {
    if (strcasecmp(s, yes[i]) == 0)
      return *out = true, 0;
    if (strcasecmp(s, no[i]) == 0)
      return *out = false, 0;
  }
  return -1;
}

/* Adds the roles of the sequence v to x. 0, or -1 with the error reported. */
static int load_roles(rs_user *x, yaml_document_t *doc, yaml_node_t *v, const struct yctx *c)
{
  if (!v || v->type != YAML_SEQUENCE_NODE)
    return yerr(c, v, "roles must be a list of strings");
  for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
    yaml_node_t *r = yaml_document_get_node(doc, *i);
    if (!scalar(r) || !*scalar(r))
      return yerr(c, r, "roles must be a list of strings");
    if (user_add_role(x, scalar(r)) != 0)
      return yerr(c, r, "out of memory");
  }
  return 0;
}

/* Adds the scopes of the sequence v to x. 0, or -1 with the error reported. */
static int load_scopes(rs_user *x, yaml_document_t *doc, yaml_node_t *v, const struct yctx *c)
{
  if (!v || v->type != YAML_SEQUENCE_NODE)
    return yerr(c, v, "scopes must be a list of scope names");
  for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
    yaml_node_t *r = yaml_document_get_node(doc, *i);
    /* RFC 6749 3.3: a scope token is printable ASCII without space, '"' or '\\'. */
    const char *name = scalar(r);
    bool ok = name && *name;
    for (const char *q = name; ok && *q; q++)
      ok = *q > 0x20 && *q < 0x7f && *q != '"' && *q != '\\';
    if (!ok)
      return yerr(c, r, "scopes must be a list of scope names (printable ASCII, no space)");
    if (list_add(&x->scopes, &x->n_scopes, name) != 0)
      return yerr(c, r, "out of memory");
  }
  return 0;
}

/* Reads one mapping of the file into a new user. */
static int load_user(rs_users *u, yaml_document_t *doc, yaml_node_t *m, const struct yctx *c)
{
  if (m->type != YAML_MAPPING_NODE)
    return yerr(c, m, "each user must be a mapping with username and password");
  rs_user x = {.lifetime = USERS_DEFAULT_LIFETIME};
  const char *password = NULL;
  bool roles_given = false, scopes_given = false;
  int rc = -1;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    yaml_node_t *v = yaml_document_get_node(doc, p->value);
    const char *key = scalar(k);
    const char *val = scalar(v);
    if (!key) {
      yerr(c, k, "keys must be plain strings");
      goto out;
    }
    if (strcmp(key, "username") == 0) {
      if (!val || !*val || x.name) {
        yerr(c, v, x.name ? "username given twice" : "username must be a non-empty string");
        goto out;
      }
      x.name = strdup(val);
      if (!x.name) {
        yerr(c, v, "out of memory");
        goto out;
      }
    } else if (strcmp(key, "password") == 0) {
      if (!val || !*val) {
        yerr(c, v, "password must be a non-empty string");
        goto out;
      }
      password = val;
    } else if (strcmp(key, "lifetime") == 0) {
      if (!val || parse_lifetime(val, &x.lifetime) != 0) {
        yerr(c, v, "lifetime must be an integer number of seconds, 1..%lld", USERS_MAX_LIFETIME);
        goto out;
      }
    } else if (strcmp(key, "disabled") == 0) {
      if (!val || parse_bool(val, &x.disabled) != 0) {
        yerr(c, v, "disabled must be true or false");
        goto out;
      }
    } else if (strcmp(key, "locked") == 0) {
      if (!val || parse_bool(val, &x.locked) != 0) {
        yerr(c, v, "locked must be true or false");
        goto out;
      }
    } else if (strcmp(key, "roles") == 0) {
      roles_given = true;
      if (load_roles(&x, doc, v, c) != 0)
        goto out;
    } else if (strcmp(key, "scopes") == 0) {
      scopes_given = true;
      if (load_scopes(&x, doc, v, c) != 0)
        goto out;
    } else {
      yerr(c, k, "unknown key '%s' (expected username, password, lifetime, roles, scopes, "
                 "disabled, locked)", key);
      goto out;
    }
  }
  if (!x.name || !password) {
    yerr(c, m, "a user needs both username and password");
    goto out;
  }
  if ((!roles_given && user_add_role(&x, "ROLE_ADMIN") != 0) ||
      (!scopes_given && user_add_scopes(&x, USERS_DEFAULT_SCOPES) != 0)) {
    yerr(c, m, "out of memory");
    goto out;
  }
  if (user_set_password(u, &x, password) != 0) {
    yerr(c, m, "cannot hash a password");
    goto out;
  }
  char msg[200];
  if (users_push(u, &x, msg, sizeof msg) != 0) {
    yerr(c, m, "%s", msg);
    goto out;
  }
  rc = 0;
out:
  user_clear(&x);
  return rc;
}

int rs_users_load_file(rs_users *u, const char *path, char *err, size_t err_len)
{
  struct yctx c = {path, err, err_len};
  FILE *f = fopen(path, "rb");
  if (!f) {
    errf(err, err_len, "%s: error: cannot open: %s", path, strerror(errno));
    return -1;
  }
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = -1;
  if (!yaml_parser_initialize(&parser)) {
    fclose(f);
    errf(err, err_len, "%s: error: out of memory", path);
    return -1;
  }
  yaml_parser_set_input_file(&parser, f);
  if (!yaml_parser_load(&parser, &doc)) {
    errf(err, err_len, "%s:%lu:%lu: error: %s", path, (unsigned long)parser.problem_mark.line + 1,
         (unsigned long)parser.problem_mark.column + 1,
         parser.problem ? parser.problem : "YAML syntax error");
    yaml_parser_delete(&parser);
    fclose(f);
    return -1;
  }
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    rc = 0; /* an empty file: no users */
  } else if (root->type != YAML_SEQUENCE_NODE) {
    yerr(&c, root, "the users file must be a list of users");
  } else {
    rc = 0;
    for (yaml_node_item_t *i = root->data.sequence.items.start; rc == 0 &&
         i < root->data.sequence.items.top; i++)
      rc = load_user(u, &doc, yaml_document_get_node(&doc, *i), &c);
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  fclose(f);
  return rc;
}
