/* Private to expect.c and expect_jwt.c: the evaluation state of one expect block and the
 * helpers every kind of expectation uses to judge values and record checks. */
#ifndef AC_EXPECT_IMPL_H
#define AC_EXPECT_IMPL_H

#include <cjson/cJSON.h>

#include "expect.h"
#include "operators.h"

typedef struct ev {
    const ac_eval_ctx *ctx;
    ac_response *resp;
    ac_checks *out;
    char **err;
} ev;

/* What an expectation is tested against: zero or more values of one thing. */
typedef struct subject {
    const char *name;      /* "json $.error", "header Cache-Control" */
    const ac_op_value *vals;
    size_t n;
    bool any;              /* positive operators hold when any value holds (repeated headers) */
    const char *absent;    /* how "no value" reads: "no value", "absent" */
    const char *failure;   /* set when nothing could be evaluated ("body is not JSON") */
} subject;

/* The severity of map's checks: its own `severity` resolved for the profile, else dflt. */
ac_severity ac_expect_sev(const ev *E, const yn_node *map, ac_severity dflt);
/* Fails the evaluation with an error of the test (msg taken) that points at the YAML; -1. */
int ac_expect_error(const ev *E, const yn_node *where, const char *what, char *msg);
/* Records one check; takes name, expected, actual and message. */
void ac_expect_push(ev *E, char *name, char *expected, char *actual, char *message, bool passed,
                    ac_severity sev, const yn_node *where);
/* Evaluates one operator over a subject and pushes one check. check_name overrides the default
 * "SUBJECT OP". Returns -1 only for errors of the test (bad template, bad regex). */
int ac_expect_op(ev *E, const subject *sub, const char *opname, const yn_node *exp_node,
                 const yn_node *where, ac_severity sev, const char *check_name);
/* A spec is a scalar (equals), an operator map (with an optional severity), or a list of maps. */
int ac_expect_spec(ev *E, const subject *sub, const yn_node *spec, const yn_node *key, ac_severity dflt);
/* Evaluates a JSON path against root into an ac_op_value array (caller frees *vals). */
int ac_expect_path_values(ev *E, const cJSON *root, const char *path, const yn_node *where,
                          ac_op_value **vals, size_t *n);
/* The `jwt` expectation (expect_jwt.c). */
int ac_expect_jwt(ev *E, const yn_node *key, const yn_node *spec, ac_severity dflt);

#endif
