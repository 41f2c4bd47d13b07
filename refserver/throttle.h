/* throttle: counts failed logins per client_id and locks a name out for a while (--throttle N).
 * Thread-safe. Unknown and known names are counted alike so the lock-out reveals nothing. */
#ifndef RS_THROTTLE_H
#define RS_THROTTLE_H

#include <stdbool.h>
#include <time.h>

struct throttle;

/* A throttle allowing limit failures per window seconds; NULL when out of memory. */
struct throttle *throttle_new(unsigned limit, unsigned window);

/* Frees it. Accepts NULL. */
void throttle_free(struct throttle *t);

/* True when name is locked out at now; *retry_after gets the seconds left. */
bool throttle_locked(struct throttle *t, const char *name, time_t now, long *retry_after);

/* Records a failed login of name. */
void throttle_failure(struct throttle *t, const char *name, time_t now);

/* Forgets the failures of name after a successful login. */
void throttle_success(struct throttle *t, const char *name);

#endif
