/* How every report words coverage (DESIGN 4.4, 8), so the console, TAP, JUnit and HTML say the
 * same thing: the verdict, the gaps grouped so that each missing variable is named once, the
 * hint that says what to do, and the plain-text form of the JUnit coverage test case, which
 * `merge` reads back from the shards' reports.
 *
 * Ownership: functions returning char * return a string the caller frees; groups are freed with
 * ac_cov_groups_free; a group owns its ids and variable name, its reason is borrowed from the
 * coverage. */
#ifndef AC_COVERAGE_TEXT_H
#define AC_COVERAGE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "result.h"

/* Gaps that read as one: every gap made by the same missing variable (a gap that lacks two is in
 * both groups), or a single other gap. */
typedef struct ac_gap_group {
    char *missing_var;         /* owned: "name (ENV)", or NULL for a gap of its own */
    size_t var_len;            /* strlen(missing_var) */
    const char *reason;        /* the first gap's reason */
    ac_skip_kind kind;         /* the first gap's kind */
    ac_strlist ids;            /* owned: the test ids, in plan order */
} ac_gap_group;

/* The gaps whose `allowed` equals `allowed`, grouped in order of first appearance. Sets *n;
 * returns NULL when there is none. */
ac_gap_group *ac_cov_groups(const ac_coverage *c, bool allowed, size_t *n);
void ac_cov_groups_free(ac_gap_group *g, size_t n);   /* accepts NULL */

/* Gaps that make the run incomplete, and gaps the user accepted. */
size_t ac_cov_not_judged(const ac_coverage *c);
size_t ac_cov_allowed(const ac_coverage *c);

/* "INCOMPLETE: 2 must-level tests not judged" (the count of unaccepted gaps). */
char *ac_cov_verdict(const ac_coverage *c);

/* What to do about the unaccepted gaps, one sentence: set the variables (when a variable is
 * missing), configure what the reasons name, wait for the rate limit; or accept the gaps. */
char *ac_cov_hint(const ac_coverage *c);

/* "allowed to be missing (--allow-skip X, --allow-incomplete)": the heading of accepted gaps. */
char *ac_cov_allowed_heading(const ac_coverage *c);

/* The plain text of the JUnit coverage test case, one fact per line:
 *   the coverage line (ac_coverage_line)
 *   not judged: ID (KIND): REASON
 *   allowed to be missing: ID (KIND): REASON
 *   missing variable: NAME (ENV)          (variables of unaccepted gaps, each once)
 *   allowed by: PATTERN | --allow-incomplete
 *   the hint, when incomplete
 * Reasons are made one line. ac_cov_parse_text reads the gap, variable and "allowed by" lines
 * back into *c (appending; other lines are ignored), which is how `merge` unions the shards. */
char *ac_cov_text(const ac_coverage *c);
void ac_cov_parse_text(ac_coverage *c, const char *text);

/* The JUnit form: a testsuite of its own, AC_COV_JUNIT_NAME, with the counts as properties
 * (must_selected, must_judged, must_not_applicable, complete) and one test case, classname
 * AC_COV_JUNIT_NAME and name AC_COV_JUNIT_CASE, with ac_cov_text as system-out, that fails
 * (type "incomplete", the verdict as message, ac_cov_text again as text) when the run is
 * incomplete. stamp and host are the other suites' timestamp and hostname. Written by
 * reports/junit.c, and by runner/record/junit_merge.c from the shards' coverage suites. */
#define AC_COV_JUNIT_NAME "authconform"
#define AC_COV_JUNIT_CASE "coverage"
void ac_cov_junit_suite(ac_buf *b, const ac_coverage *cov, const char *stamp, const char *host);

#endif
