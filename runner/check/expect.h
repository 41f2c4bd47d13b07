/* Evaluating expectations, captures and conditions against one HTTP response.
 *
 * The expect block was validated by the loader (load/check_values.c); this file only
 * evaluates. Every expectation yields one ac_check (passed or not) with expected/actual text,
 * its severity (the test's unless the expectation overrides it) and the source position of the
 * YAML that declared it. */
#ifndef AC_EXPECT_H
#define AC_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"
#include "response.h"
#include "result.h"
#include "vars.h"

/* Context that evaluation needs. */
typedef struct ac_eval_ctx {
    const ac_scope *scope;       /* variables for ${...} in expected values */
    const char *profile;         /* severity maps are resolved for it */
    ac_severity default_sev;     /* the test's severity */
    double now;                  /* wall clock seconds, for "iat near now" style checks */
} ac_eval_ctx;

typedef struct ac_checks {
    ac_check *items; size_t n, cap;
} ac_checks;
void ac_checks_free(ac_checks *c);                  /* frees the checks' strings and the array */
void ac_checks_push(ac_checks *c, ac_check chk);   /* takes ownership of chk's strings */

/* Evaluates an expect map against resp, appending one check per expectation.
 * Returns 0, or -1 with *err when an expected value could not be computed (undefined variable,
 * bad function call): that is an error of the test, not a failed check. */
int ac_expect_eval(const yn_node *expect, ac_response *resp, const ac_eval_ctx *ctx,
                   ac_checks *out, char **err);

/* Evaluates `capture` into scope `into` (name -> value; secret: true, and JSON values under
 * secret keys, are marked secret). A capture that finds nothing is an error naming it, unless it
 * has `optional: true` (the variable then stays unset). Templates in paths, header names and
 * regexes are interpolated with `lookup` (NULL: `into`). */
int ac_capture_eval(const yn_node *capture, ac_response *resp, ac_scope *into,
                    const ac_scope *lookup, char **err);

/* Evaluates a `when` condition (a map or list of maps {value: TEMPLATE, <operators>}).
 * *holds gets the result; *reason (caller frees) describes the failing part, e.g.
 * "expires_in + expiry_leeway (3605) <= max_wait (10) is false". Returns -1 with *err on error. */
int ac_cond_eval(const yn_node *when, const ac_scope *scope, bool *holds, char **reason,
                 char **err);

/* The condition of `when` that makes it false: for a list, its first item that does not hold
 * (or cannot be evaluated); for a single map, the map. Borrowed from when. Its `kind` says what
 * the skip means for coverage and its `reason`, when given, is the skip's reason in words. */
const yn_node *ac_cond_first_false(const yn_node *when, const ac_scope *scope);

/* Matches a status against a status matcher (number, "4xx", list, or {in:, not_in:}). Used for
 * expect.status and skip_on. */
bool ac_status_matches(const yn_node *matcher, long status);

#endif
