/* throttle: counts failed logins per client_id and locks a name out for a while (--throttle N).
 * Thread-safe. Unknown and known names are counted alike so the lock-out reveals nothing. */
#ifndef RS_THROTTLE_H
#define RS_THROTTLE_H

#include <stdbool.h>
#include <time.h>

typedef struct rs_throttle rs_throttle;

/* A throttle allowing limit failures per window seconds; NULL when out of memory. */
rs_throttle *rs_throttle_new(unsigned limit, unsigned window);

/* Frees it. Accepts NULL. */
void rs_throttle_free(rs_throttle *t);

/* True when name is locked out at now; *retry_after gets the seconds left. */
bool rs_throttle_locked(rs_throttle *t, const char *name, time_t now, long *retry_after);

/* Records a failed login of name. */
void rs_throttle_failure(rs_throttle *t, const char *name, time_t now);

/* Forgets the failures of name after a successful login. */
void rs_throttle_success(rs_throttle *t, const char *name);

#endif
