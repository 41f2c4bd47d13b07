/* logins: the failed logins of every account since the server started, which the admin endpoint
 * failed-logins reports so a test can see how many failed logins a run caused for an account (a
 * lock-out budget). Only accounts of the users table are counted: unknown names are unbounded and
 * chosen by the client, and nothing can be locked out for them. Thread-safe. */
#ifndef RS_LOGINS_H
#define RS_LOGINS_H

#include <stdbool.h>

typedef struct rs_users rs_users;
typedef struct rs_logins rs_logins;

/* One counter per account of u, all 0. Borrows the account names: u must outlive the result.
 * NULL when out of memory. */
rs_logins *rs_logins_new(const rs_users *u);

/* Frees it. Accepts NULL. */
void rs_logins_free(rs_logins *l);

/* Counts one failed login of name. Returns true when name is an account (and was counted). */
bool rs_logins_failed(rs_logins *l, const char *name);

/* The failed logins of name so far, or -1 when name is not an account. */
long rs_logins_count(rs_logins *l, const char *name);

/* {"NAME":COUNT,...} for every account with at least one failed login, in the users table's
 * order ({} when none). Caller frees; NULL when out of memory. */
char *rs_logins_json(rs_logins *l);

#endif
