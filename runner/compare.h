/* `compare` on a step: this response against an earlier step's (status, body, header names,
 * a JSON path, a header), e.g. unknown user vs wrong password must be indistinguishable. */
#ifndef AC_COMPARE_H
#define AC_COMPARE_H

#include "expect.h"

/* Appends one check per item of `same` and `differ`. Returns 0, or -1 with *err. */
int ac_compare_eval(const yn_node *compare, ac_response *cur, ac_response *other,
                    const char *other_name, const ac_eval_ctx *ctx, ac_checks *out, char **err);

#endif
