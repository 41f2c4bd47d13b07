/* `compare` on a step: this response against an earlier step's (status, body, header names,
 * a JSON path, a header), e.g. unknown user vs wrong password must be indistinguishable. */
#ifndef AC_COMPARE_H
#define AC_COMPARE_H

#include "expect.h"

/* The response durations (ms) of a step that ran with `repeat`; n == 0 when it did not. */
typedef struct ac_durations {
    const double *ms;
    size_t n;
} ac_durations;

/* The median of n durations (n > 0); the array is not modified. */
double ac_durations_median(const double *ms, size_t n);

/* Appends one check per item of `same` and `differ`. other_name says what the other response
 * is in messages: "step wrong-password", "node a". cur_d / other_d: the two steps' response
 * durations, for `duration_median`. Returns 0, or -1 with *err. */
int ac_compare_eval(const yn_node *compare, ac_response *cur, ac_response *other,
                    const char *other_name, ac_durations cur_d, ac_durations other_d,
                    const ac_eval_ctx *ctx, ac_checks *out, char **err);

#endif
