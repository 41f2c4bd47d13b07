/* The account guard: the runner protects the configured account from lock-out, whatever the case
 * files say.
 *
 * Every request is classified before it is sent: does it carry the configured username as a
 * client identity (form, query or JSON client_id, or the user of an HTTP Basic header), with the
 * configured password or another one, and is it a token request (it names a grant_type or goes
 * to the token URL)? Then:
 * - The first login (a token request with the configured username and password that the case
 *   expects to succeed) completes before any other request with the account is sent, under any
 *   -j: others wait for it.
 * - Once a login is refused (400 invalid_client or unauthorized_client, 401, 403, 429), the
 *   account's credentials are sent no more in this run: such requests are refused by the guard
 *   with that one cause.
 * - A token request with the username and another secret (a deliberate wrong password) is sent
 *   only after a successful login, and at most AC_GUARD_FAILED_LOGIN_BUDGET times per run.
 * The guard is shared by all workers (thread-safe). */
#ifndef AC_GUARD_H
#define AC_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* Failed logins a run may cause for the configured username: lock-out policies commonly start
 * at 3. */
#define AC_GUARD_FAILED_LOGIN_BUDGET 2

typedef struct ac_guard ac_guard;

/* A guard for `username` with `password` (both borrowed only for the call; copied). token_url:
 * the target joined with token_path, or NULL. Returns NULL when username is NULL or empty: with
 * no configured account there is nothing to guard. */
ac_guard *ac_guard_new(const char *username, const char *password, const char *token_url);
void ac_guard_free(ac_guard *g);   /* accepts NULL */

typedef enum {
    AC_GUARD_NONE,      /* the request does not carry the configured account */
    AC_GUARD_LOGIN,     /* a token request with the right secret, expected to succeed */
    AC_GUARD_WRONG,     /* a token request with the username and another (or no) secret */
    AC_GUARD_OTHER      /* carries the account otherwise (right secret, failure expected; or a
                           non-token endpoint) */
} ac_guard_kind;

/* What ac_guard_enter decided; pass it to ac_guard_done. */
typedef struct ac_guard_ticket {
    ac_guard_kind kind;
    bool first;         /* this request is the run's login attempt in flight */
    bool token_request;
    unsigned method;    /* where the credentials travel (guard.c) */
} ac_guard_ticket;

/* Classifies r; expects_success: the step's expectations accept a 200. */
ac_guard_kind ac_guard_classify(const ac_guard *g, const ac_built_req *r, bool expects_success, bool *token_request);

/* Before sending r (g may be NULL: always allowed). Returns 0 to send, filling *t; or -1 with
 * *why (caller frees): the request must not be sent. Blocks while another worker's first login
 * is in flight. */
int ac_guard_enter(ac_guard *g, const ac_built_req *r, bool expects_success, ac_guard_ticket *t, char **why);

/* After the answer to a request that ac_guard_enter let through: status (0 when there was no
 * HTTP answer) and the body's OAuth2 `error` (or NULL). When this answer refuses the account,
 * returns the one message that says so (caller frees; print it once), else NULL. */
char *ac_guard_done(ac_guard *g, const ac_guard_ticket *t, long status, const char *oauth_error);

/* Wrong-secret token requests sent for the configured username so far. */
size_t ac_guard_failed_logins(ac_guard *g);

#endif
