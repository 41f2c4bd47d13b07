/* probes_perm: the probes of the permission deviations (roles and scopes, issue 16). */
#ifndef RS_TEST_PROBES_PERM_H
#define RS_TEST_PROBES_PERM_H

#include "harness.h"

#include <stdbool.h>

/* Server arguments adding the account "limited" (password "limitedpw", no roles) through a
 * users file that perm_users_create() writes; the rfc variant adds the oauth2 users too.
 * NULL-terminated. */
extern const char *const PERM_LIMITED_ARGS[];

/* Writes the users file PERM_LIMITED_ARGS names; 0 or -1. perm_users_remove() deletes it. */
int perm_users_create(void);
void perm_users_remove(void);

bool p_roles_ignored(const struct srv *s);
bool p_forbidden_not_json(const struct srv *s);
bool p_hello_requires_role(const struct srv *s);
bool p_scope_ignored(const struct srv *s);
bool p_scope_widened(const struct srv *s);
bool p_scope_narrowed_unstated(const struct srv *s);
bool p_insufficient_scope_401(const struct srv *s);

#endif
