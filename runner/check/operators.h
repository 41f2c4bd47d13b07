/* The operators of expectations and conditions (case-format.md 5.3) and the values they test.
 * Internal to the runner: expect.c, cond.c and capture.c build on it; nothing else needs it.
 *
 * Values come in two flavours:
 *  - typed (JSON bodies, JWT parts): compared by type, numbers numerically (3 == 3.0), maps and
 *    lists structurally;
 *  - text (header values, the body, `when` values): a number or boolean expectation compares
 *    with the text's numeric or literal form, so `Retry-After: 3` matches "3".
 * Expected values are JSON (cJSON) built from YAML by ac_op_expected(). */
#ifndef AC_OPERATORS_H
#define AC_OPERATORS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "vars.h"
#include "ynode.h"

struct cJSON;

/* How much of a value reports show: ac_check.expected/.actual, messages, one value in a message. */
#define AC_OP_ACTUAL_CAP 512
#define AC_OP_MESSAGE_CAP 512
#define AC_OP_VALUE_CAP 120

/* One actual value; borrows what it points at. */
typedef struct ac_op_value {
    const struct cJSON *j;  /* a typed value, or NULL for text */
    const char *s;          /* text value (when j is NULL) */
    size_t len;
    bool core;              /* text typed by the YAML core schema for `type` (when values) */
} ac_op_value;

ac_op_value ac_op_json_value(const struct cJSON *j);
ac_op_value ac_op_text_value(const char *s, size_t len, bool core);
/* The value as a number: numbers, and strings/text that are decimal numbers. */
bool ac_op_number(const ac_op_value *a, double *d);
/* Bytes of a string, elements of an array or object; false for other values. */
bool ac_op_length(const ac_op_value *a, double *n);
/* A value inside a message: JSON for typed values, a JSON-quoted string for text; redacted, then
 * capped. Caller frees. */
char *ac_op_display(const ac_op_value *a);
/* Is s (len bytes) a finite decimal number? */
bool ac_op_parse_number(const char *s, size_t len, double *d);

typedef enum {
    AC_OP_ABSENT, AC_OP_CONTAINS, AC_OP_EQUALS, AC_OP_EQUALS_CI, AC_OP_EXISTS, AC_OP_GE, AC_OP_GT, AC_OP_IN,
    AC_OP_LE, AC_OP_LENGTH, AC_OP_LT, AC_OP_MATCHES, AC_OP_MATCHES_CI, AC_OP_NOT_CONTAINS, AC_OP_NOT_EQUALS,
    AC_OP_NOT_IN, AC_OP_NOT_MATCHES, AC_OP_NOT_MATCHES_CI, AC_OP_TYPE
} ac_op_kind;

typedef struct ac_op {
    const char *name;       /* as written in YAML: "not_contains" */
    ac_op_kind kind;
    bool negative;          /* must hold for every value; holds when there is no value */
    const char *fail;       /* message phrase when it does not hold: %A actual, %E expected */
    const char *pass;       /* ... and when it holds */
    const char *sym;        /* in `when` reasons: "<=", "in", "matches" */
} ac_op;

/* NULL when name is not an operator. */
const ac_op *ac_op_find(const char *name);
bool ac_op_is_regex(const ac_op *op);        /* matches, not_matches and their _ci forms */
bool ac_op_is_comparison(const ac_op *op);   /* gt, ge, lt, le */
/* Compiles the regex of a matches-type operator (REG_ICASE for _ci). -1 with *err otherwise. */
int ac_op_regcomp(const ac_op *op, const struct cJSON *e, regex_t *re, char **err);

/* The outcome of testing one value. */
typedef struct ac_op_verdict {
    bool holds;
    char *why;                     /* owned phrase overriding op->fail (type mismatch, not a number) */
    const struct cJSON *culprit;   /* the list element to show instead of the whole expectation */
} ac_op_verdict;
void ac_op_verdict_free(ac_op_verdict *v);

/* Tests a against e. re: the compiled regex for matches-type operators, else NULL. exists,
 * absent and length are not single-value tests: the caller handles them (verdict: false). */
ac_op_verdict ac_op_test(const ac_op *op, const ac_op_value *a, const struct cJSON *e, const regex_t *re);

/* Converts an expected YAML value to JSON, interpolating strings with scope; an unquoted scalar
 * that is exactly one ${...} is re-typed by the core schema after interpolation. NULL with *err
 * when interpolation fails. Caller deletes. */
struct cJSON *ac_op_expected(const yn_node *n, const ac_scope *scope, char **err);
/* Comparisons convert numeric strings ("${max_wait}" quoted), so they are shown and compared as
 * the numbers they are. Takes e; returns e or its replacement. */
struct cJSON *ac_op_numeric_form(struct cJSON *e);

/* ---- showing values ---- */
/* Cuts s (owned) to at most cap bytes plus "...", never inside a UTF-8 sequence or a redaction
 * marker. Returns s or its replacement. */
char *ac_op_cap(char *s, size_t cap);
/* Redacts, then caps, so a cut never leaves a fragment of a secret. Caller frees. */
char *ac_op_shown(const char *s, size_t len, size_t cap);
/* A value in YAML flow style: [unauthorized_client, invalid_token]; strings that could be
 * misread (numbers, empty, "a: b") are JSON-quoted. Caller frees. */
char *ac_op_flow(const struct cJSON *v);
/* Replaces %A and %E in a phrase. Caller frees. */
char *ac_op_phrase(const char *tpl, const char *a, const char *e);

#endif
