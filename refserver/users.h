/* users: the accounts the server knows, from --user flags and a YAML users file. The table is
 * built before the server starts and read-only afterwards, so lookups need no lock. */
#ifndef RS_USERS_H
#define RS_USERS_H

#include <stdbool.h>
#include <stddef.h>

#define USERS_DEFAULT_LIFETIME 3600LL
#define USERS_DEFAULT_SCOPES "read write" /* what a user is allowed without a scopes key */
#define USERS_MAX_LIFETIME 315360000LL /* ten years: keeps iat + lifetime far from overflow */

/* One account. Owned by the table. */
typedef struct rs_user {
  char *name;
  unsigned char secret_mac[32]; /* HMAC-SHA256(pepper, password): the password itself is not kept */
  unsigned char folded_mac[32]; /* the same of the password in ASCII lower case (cred-near-case) */
  long long lifetime;           /* token lifetime in seconds, >= 1 */
  char **roles;
  size_t n_roles;
  char **scopes; /* the scopes a token of this client may be granted (the rfc flavour) */
  size_t n_scopes;
  bool disabled;
  bool locked; /* every login is refused like a wrong password, whatever the password */
} rs_user;

typedef struct rs_users rs_users;

/* A new empty table with a random pepper, or NULL when out of memory or without randomness. */
rs_users *rs_users_new(void);

/* Frees the table and its users. Accepts NULL. */
void rs_users_free(rs_users *u);

/* Adds NAME:PASSWORD[:LIFETIME] with roles [ROLE_ADMIN], scopes USERS_DEFAULT_SCOPES, locked when
 * locked is true. The last ':' field is the lifetime when it is all digits, so a password may
 * contain ':' if a lifetime follows. On error returns -1 and writes a one-line message to err. */
int rs_users_add_spec(rs_users *u, const char *spec, bool locked, char *err, size_t err_len);

/* Adds every user of a YAML file: a sequence of mappings with username, password (required),
 * lifetime (default 3600), roles (default [ROLE_ADMIN]; [] means none), disabled and locked
 * (default false). On error returns -1 with "FILE:LINE:COL: error: ..." in err. */
int rs_users_load_file(rs_users *u, const char *path, char *err, size_t err_len);

/* How many users the table holds. */
size_t rs_users_count(const rs_users *u);

/* The i-th user (i < rs_users_count()), in the order they were added. Lives as long as the
 * table. */
const rs_user *rs_users_at(const rs_users *u, size_t i);

/* The user called name, or NULL. The pointer lives as long as the table. */
const rs_user *rs_users_find(const rs_users *u, const char *name);

typedef enum rs_users_auth {
  USERS_OK,
  USERS_UNKNOWN,
  USERS_BAD_PASSWORD,
  USERS_DISABLED,
  USERS_LOCKED
} rs_users_auth;

/* Checks a password. Does the same work for unknown users (a MAC compared against a dummy) so the
 * answer time does not reveal which names exist. A locked account gets USERS_LOCKED whatever the
 * password. *who is set for every result but USERS_UNKNOWN. */
rs_users_auth rs_users_authenticate(const rs_users *u, const char *name, const char *password,
                                    const rs_user **who);

/* True when x may be granted the scope token name. */
bool rs_users_scope_allowed(const rs_user *x, const char *name);

/* True when data[0..len) is x's password. One MAC and a constant-time compare; for the
 * deviations that accept near-misses of it. */
bool rs_users_secret_is(const rs_users *u, const rs_user *x, const char *data, size_t len);

/* True when data[0..len) equals x's password ignoring ASCII case. */
bool rs_users_secret_is_folded(const rs_users *u, const rs_user *x, const char *data,
                               size_t len);

#endif
