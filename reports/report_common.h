/* Read-only views of a test result that several writers need: which check is the headline of a
 * failure, which step holds the evidence, what message to show. All returned pointers are
 * borrowed from the result and valid as long as it is. */
#ifndef AC_REPORT_COMMON_H
#define AC_REPORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include "report.h"

/* The reporter every writer's constructor returns: its format name, its context (owned, freed by
 * destroy) and its four functions. */
ac_reporter *ac_reporter_make(const char *format, void *ctx,
                              int (*begin)(ac_reporter *, const ac_run_info *, char **),
                              int (*test)(ac_reporter *, const ac_test_result *, size_t, char **),
                              int (*end)(ac_reporter *, const ac_run_summary *, char **),
                              void (*destroy)(ac_reporter *));
/* *dst = *o, or the defaults when the caller passed no options. */
void ac_report_opts_copy(ac_report_opts *dst, const ac_report_opts *o);

/* Hands msg (owned) to *err, or frees it when the caller passed no err. */
void ac_report_set_err(char **err, char *msg);

/* Report files are written to PATH.tmp and renamed to PATH once complete, so a crash or an
 * interrupted run never leaves a half-written report under the name a CI job publishes.
 * ac_report_open_tmp opens PATH.tmp (*tmp_path: owned by the caller) or returns NULL with *err
 * ("PATH.tmp: cannot open the WHAT: ..."). */
FILE *ac_report_open_tmp(const char *path, char **tmp_path, const char *what, char **err);
/* Closes *out (and sets it to NULL), then renames tmp_path to path. write_ok false (an earlier
 * write failed with write_errno) or a failing close makes it fail; on failure the temporary file
 * is removed and *err says why. Returns 0 or -1. */
int ac_report_commit_tmp(FILE **out, bool write_ok, int write_errno, const char *tmp_path,
                         const char *path, const char *what, char **err);
/* Writes a whole file the same way (PATH.tmp, then rename). Returns 0, or -1 with *err. */
int ac_report_write_file(const char *path, const void *data, size_t len, const char *what, char **err);
/* For destroy(): when end() never ran, close *out and leave no PATH.tmp behind. */
void ac_report_discard_tmp(FILE **out, const char *tmp_path);

/* Default for ac_report_opts.stream_cap when it is 0. */
#define AC_REPORT_DEFAULT_CAP ((size_t)65536)

/* True when opts->deterministic is set or AC_REPORT_DETERMINISTIC=1 is in the environment. */
bool ac_report_deterministic(const ac_report_opts *o);

/* opts->stream_cap, or AC_REPORT_DEFAULT_CAP when it is 0. */
size_t ac_report_cap(const ac_report_opts *o);

/* The headline failed check of a step / a test: the first failed check of the most severe
 * severity present (must before should before info). NULL when no check failed.
 * *step_out (may be NULL) receives the step holding it. */
const ac_check *ac_report_step_primary(const ac_step_result *s);
const ac_check *ac_report_primary(const ac_test_result *t, const ac_step_result **step_out);

/* Number of failed checks in a step / across a test's steps. */
size_t ac_report_step_failed(const ac_step_result *s);
size_t ac_report_failed(const ac_test_result *t);

/* "refs: RFC 6750 3.1; create-token: 401 response\n" after prefix, each ref on one line (control
 * characters made visible), capped at max bytes per ref; nothing when the test has no refs.
 * The console (under FAIL/WARN lines) and JUnit's failure text show it. */
void ac_report_refs_line(ac_buf *b, const ac_test_result *t, const char *prefix, size_t max);

/* One message for the test: its reason, else the headline check's message, else a word for the
 * outcome. Never NULL. */
const char *ac_report_message(const ac_test_result *t);
/* The same for one step. */
const char *ac_report_step_message(const ac_step_result *s);

/* The message of the first failed should-level check (for `# TODO should: ...`), falling back to
 * ac_report_message. */
const char *ac_report_should_message(const ac_test_result *t);

/* The step whose request/response best explains the outcome: the headline check's step, else
 * the last step that ran and did not pass, else the last step with an excerpt. May be NULL. */
const ac_step_result *ac_report_evidence_step(const ac_test_result *t);


/* Cluster tests (--node): a test's steps grouped by node. A step goes to the section of its
 * `node`, or, without one, of its `for_node` (a round's command step); a step with neither is
 * in no section. Sections come in the order of their node's first appearance; each has the
 * worst outcome of its steps (ac_outcome_worse, result.h) and its steps in
 * test order. */
typedef struct ac_node_section {
    const char *node;                  /* borrowed from a step */
    ac_outcome outcome;                /* the worst of its steps */
    const ac_step_result **steps;      /* owned array of borrowed steps */
    size_t n_steps;
} ac_node_section;

/* The sections of t and their number in *n; NULL and *n = 0 when no step names a node. The
 * array is owned by the caller (ac_node_sections_free); the names and steps are borrowed from t
 * and valid as long as it is. */
ac_node_section *ac_node_sections(const ac_test_result *t, size_t *n);
/* True when some step of t names a node or a round (t has node sections). */
bool ac_report_has_nodes(const ac_test_result *t);
/* Frees what ac_node_sections returned; accepts NULL. */
void ac_node_sections_free(ac_node_section *secs, size_t n);
/* The first step of the section with its worst outcome, when that is not a pass: the step that
 * explains the node's verdict. NULL for a passing section. Borrowed. */
const ac_step_result *ac_node_section_culprit(const ac_node_section *sec);

/* Formats milliseconds as seconds with exactly three decimals ("0.012"), never negative, never
 * an exponent: the only form junit-10.xsd accepts. "0.000" when deterministic. */
void ac_report_seconds(char out[32], double ms, bool deterministic);

#endif
