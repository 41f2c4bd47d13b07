/* Comparing two run records (`authconform diff OLD NEW`, and `--baseline OLD` at the end of a
 * run): which tests newly fail, which must-level tests lost coverage, which were fixed, whose
 * outcome or HTTP statuses changed, which were added or removed, and whether the two runs are
 * comparable at all (suite, profile, result-changing options). */
#ifndef AC_DIFF_H
#define AC_DIFF_H

#include <stdio.h>
#include "record.h"
#include "report.h"

typedef enum {
    AC_DIFF_SAME,          /* same outcome and statuses */
    AC_DIFF_NEW_FAILURE,   /* fails in NEW, did not fail in OLD */
    AC_DIFF_LOST_COVERAGE, /* must-level in NEW, passed in OLD, now skipped, not run or errored */
    AC_DIFF_FIXED,         /* failed in OLD, passes (or only warns) in NEW */
    AC_DIFF_OUTCOME,       /* any other change of outcome (pass -> skip, fail -> error, ...) */
    AC_DIFF_STATUSES,      /* same outcome, different HTTP statuses */
    AC_DIFF_ADDED,         /* only in NEW */
    AC_DIFF_REMOVED,       /* only in OLD */
    AC_DIFF_N_KINDS
} ac_diff_kind;

/* "same" "new failure" "lost coverage" "fixed" "changed" "statuses" "added" "removed" */
const char *ac_diff_kind_name(ac_diff_kind k);

typedef struct ac_diff_entry {
    ac_diff_kind kind;
    const ac_record_test *old_t, *new_t;   /* borrowed from the records; NULL when absent */
    bool new_failure;   /* counts against NEW and not against OLD: a new failure, or an added
                           test that fails (it was not failing before either) */
} ac_diff_entry;

typedef struct ac_diff {
    ac_diff_entry *entries; size_t n;   /* NEW's order, then the removed tests in OLD's order */
    size_t count[AC_DIFF_N_KINDS];
    size_t new_failures;                /* entries with new_failure */
    size_t lost_failing;                /* lost coverage that counts against NEW (error, not run) */
    ac_strlist warnings;                /* the runs differ in what decides results */
    ac_strlist notes;                   /* differences that do not: tool version, target */
} ac_diff;

/* Compares two loaded records. The diff borrows from both; free it before them. */
void ac_diff_compute(const ac_record *old_r, const ac_record *new_r, ac_diff *out);
void ac_diff_free(ac_diff *d);

/* 1 when there is a new failure or a lost-coverage test that counts against NEW (errored or not
 * run), else 4 when a test lost coverage (only skipped), else 0. */
int ac_diff_exit_code(const ac_diff *d);

/* The more serious of two exit statuses by the run's precedence 2 > 3 > 1 > 4 > 0 (DESIGN 8). */
int ac_diff_exit_worst(int a, int b);

/* "warning: ..." and "note: ..." lines. */
void ac_diff_print_warnings(const ac_diff *d, FILE *out);
/* The comparison as a table: a heading naming both runs, one row per change (with the new
 * failure's message under it), and a summary line. Unchanged tests are only counted. */
void ac_diff_print_table(const ac_diff *d, const ac_record *old_r, const ac_record *new_r, FILE *out);

/* Feeds the comparison to report writers (TAP, JUnit) as one test per compared test: a new
 * failure or lost coverage is a failing test (with the old and new outcome as expected/actual),
 * a removed test is a skip, everything else passes with the change as a note. Returns 0, or -1
 * with *err. */
int ac_diff_report(const ac_diff *d, const ac_record *old_r, const ac_record *new_r,
                   ac_reporter **reps, size_t n_reps, char **err);

/* `authconform diff`: loads both records, prints warnings to errout and the table to out (to
 * errout when tap_path is "-", TAP on stdout), writes TAP/JUnit when paths are given. Returns the
 * exit status: ac_diff_exit_code's 0, 1 or 4, or 2 (a record cannot be read or is invalid; the
 * message names the file). */
int ac_diff_command(const char *old_path, const char *new_path, const char *tap_path,
                    const char *junit_path, int tap_version, FILE *out, FILE *errout);

/* --baseline OLD.json on a run: a temporary file for the run's record when --json was not given
 * (created empty, mode 0600, in $TMPDIR or /tmp). Caller removes and frees it. NULL with *err. */
char *ac_diff_temp_record(char **err);
/* After the run: reads its record from new_path and prints the warnings and the table to out.
 * Returns the run's exit status after the comparison: run_code, or the comparison's exit code
 * when that one is more serious (ac_diff_exit_worst), with a line on out saying why it changed.
 * When the record cannot be read, a message is printed and run_code is returned. shown_as, when
 * not NULL, names the run in the table instead of new_path (a temporary file that is removed
 * after the run means nothing to a reader). */
int ac_diff_baseline(const ac_record *baseline, const char *new_path, const char *shown_as,
                     int run_code, FILE *out);

#endif
