/* The result model that every reporter consumes: run > test > (step) > check.
 * Everything in here is already redacted: reporters never see a secret and never need to know
 * what one is. Strings are owned by the struct that holds them. */
#ifndef AC_RESULT_H
#define AC_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include "basics.h"

/* How much a test or check matters in the chosen profile. The case model (model.h) resolves it;
 * the result only carries it. */
typedef enum { AC_SEV_MUST = 0, AC_SEV_SHOULD = 1, AC_SEV_INFO = 2 } ac_severity;
const char *ac_severity_name(ac_severity s);           /* "must" | "should" | "info" */
/* The inverse of ac_severity_name; false (and *out untouched) for any other word or NULL. */
bool ac_severity_parse(const char *s, ac_severity *out);

/* One evaluated expectation. */
typedef struct ac_check {
    char *check;        /* what was checked, e.g. "status", "header Cache-Control contains",
                           "json $.error equals", "jwt claims exp - iat" */
    char *expected;     /* human-readable expected value */
    char *actual;       /* human-readable actual value (redacted, truncated) */
    char *message;      /* one line: "status 500, expected one of 400, 401" */
    ac_severity severity;
    bool passed;
    char *file; int line, col;   /* where the expectation was declared; file owned */
} ac_check;

typedef enum {
    AC_OUT_PASS,        /* every check passed (info failures allowed) */
    AC_OUT_FAIL,        /* a must-level check failed */
    AC_OUT_WARN,        /* only should-level checks failed: TAP # TODO, JUnit pass with warning */
    AC_OUT_ERROR,       /* could not run (transport error, fixture failed, run failed) */
    AC_OUT_SKIP,        /* requires/when/skip_on/429 */
    AC_OUT_NOTRUN       /* a later step after a failing step, or a test not reached (bail out) */
} ac_outcome;
/* How an outcome is spelt, all from one table (result.c): */
const char *ac_outcome_name(ac_outcome o);  /* text: "pass" "fail" "warn" "error" "skip" "not run" */
const char *ac_outcome_key(ac_outcome o);   /* records and HTML classes: ... "not_run" */
const char *ac_outcome_phrase(ac_outcome o);   /* messages: "passed", "failed", "skipped", ... */
/* The outcome whose key is s; false (and *out untouched) for anything else. */
bool ac_outcome_parse(const char *s, ac_outcome *out);
/* True when the outcome counts against the run: a must failure, an error, a test the run never
 * reached, and a should-level warning under strict. The one rule every writer and the exit code use. */
bool ac_outcome_is_failure(ac_outcome o, bool strict);
/* How bad an outcome is, for a result made of parts that disagree (a cluster test's nodes):
 * fail 5 > error 4 > warn 3 > not run 2 > skip 1 > pass 0. A failure is the finding, an error a
 * part that could not be judged, a skip one that was not reached. */
int ac_outcome_rank(ac_outcome o);
/* The worse of a and b by ac_outcome_rank; a when they rank the same. */
ac_outcome ac_outcome_worse(ac_outcome a, ac_outcome b);

/* Why a test was skipped. A skip either says the check does not apply to this target (never a
 * gap in coverage), or that it could not be judged: a must-level test skipped that way makes the
 * run incomplete (exit 4) unless the user accepted the gap (--allow-skip, --allow-incomplete). */
typedef enum {
    AC_SKIP_NONE = 0,         /* not skipped */
    AC_SKIP_NOT_APPLICABLE,   /* a `when` marked not-applicable, a skip_on status, ... */
    AC_SKIP_NOT_CONFIGURED,   /* a variable, fixture or control it needs is not configured */
    AC_SKIP_RATE_LIMITED      /* a 429 answer stopped it */
} ac_skip_kind;
/* "not-applicable", "not-configured", "rate-limited"; "" for AC_SKIP_NONE. Static. */
const char *ac_skip_kind_name(ac_skip_kind k);
/* The kind named by `name` (as above); AC_SKIP_NONE for anything else. */
ac_skip_kind ac_skip_kind_parse(const char *name);
/* True for the kinds that leave a check unjudged (not configured, rate limited). */
bool ac_skip_kind_is_gap(ac_skip_kind k);

typedef struct ac_step_result {
    char *name;
    ac_outcome outcome;
    char *reason;            /* skip/error/not-run reason or failure summary; may be NULL */
    ac_check *checks; size_t n_checks;
    long status;             /* last HTTP status, 0 when none */
    double duration_ms;
    int attempts;            /* `until`: how many times the step ran */
    char *request_excerpt;   /* redacted, capped: "POST http://.../auth/token\nHeader: v\n\nbody" */
    char *response_excerpt;  /* redacted, capped: "HTTP/1.1 401\nHeader: v\n\nbody" */
    /* Cluster tests (--node): the node this step's request was pinned to, and the node of the
     * test's `for_each_node` round it belongs to (the node a token was issued through); each
     * NULL when there is none. Names are the user's (--node NAME=...). Reports group a test's
     * steps by node (reports/report_common.h ac_node_sections). */
    char *node;
    char *for_node;
} ac_step_result;

typedef struct ac_test_result {
    char *id, *name;         /* owned copies */
    char *suite;             /* the case file's suite name (JUnit classname) */
    char *file;              /* case file path */
    int line;                /* line of the test in its file */
    ac_severity severity;    /* the test's severity in the chosen profile */
    ac_outcome outcome;
    bool strict;             /* --strict was on (WARN reported as failure) */
    char *reason;            /* skip reason, error message or first failure message; NULL on pass */
    ac_skip_kind skip_kind;  /* with AC_OUT_SKIP: why it was skipped; AC_SKIP_NONE otherwise */
    ac_strlist missing_vars; /* skipped because variables were not set: each "name" or
                                "name (ENV)" */
    ac_strlist controls;     /* the positive controls this test depends on (fixture or step names) */
    bool multi_step;         /* report steps as subtests */
    ac_step_result *steps; size_t n_steps;   /* single-request tests have exactly one */
    ac_strlist tags;
    ac_strlist refs;
    ac_strlist notes;        /* informational findings (info-level failures), one line each */
    long *statuses; size_t n_statuses;        /* every HTTP status seen, in order */
    double duration_ms;
    char *transcript;        /* redacted full transcript for -v / system-out; may be NULL */
} ac_test_result;

void ac_check_free(ac_check *c);
void ac_step_result_free(ac_step_result *s);
void ac_test_result_free(ac_test_result *t);   /* frees members, not t itself */

/* ac_outcome_is_failure for the test, under its own --strict. */
bool ac_test_result_is_failure(const ac_test_result *t);

/* "SIGINT", "SIGTERM", or "signal N" (static storage): how reports name ac_run_summary.interrupted. */
const char *ac_signal_name(int signo);

/* Turns a test's reference ("RFC 6750 3.1", "CVE-...", a documentation slug) into a link and,
 * for a documentation page, its title: each out is set to an owned string or left NULL. The run
 * sets it from the suite manifest (runner/record/record.c); ctx must live until the writers end. */
typedef struct ac_ref_linker {
    void (*fn)(const void *ctx, const char *ref, char **url, char **title);
    const void *ctx;
} ac_ref_linker;

typedef struct ac_run_info {
    const char *tool_version;
    const char *libcurl_version, *tls_version;   /* the libraries the run used; NULL: unknown */
    const char *target;          /* URL without credentials */
    const char *profile;
    bool strict;
    int tap_version;             /* 13 or 14 */
    double start_wall;           /* seconds since the epoch */
    size_t planned;              /* number of tests that will be reported */
    /* Which suite ran and which options change results: for the run record (reports/json.c)
     * and the HTML report. Filled by the runner (ac_run_info_fill); each may be NULL, 0
     * or empty when unknown (hand-made runs in tests). Borrowed for the duration of the run. */
    const char *suite_name, *suite_version;   /* from the suite manifest */
    char suite_hash[72];         /* "sha256:" + 64 hex digits over the manifest and case files */
    size_t suite_files;          /* case files in the hash */
    const ac_strlist *tags, *skip_tags, *include, *ids;   /* filters as given; may be NULL */
    const char *shard;           /* "K/N" when the run is one shard of a split run, else NULL */
    /* A run merged from shards (`authconform merge`): each input's shard ("K/N", or "" for an
     * unsharded input), in input order; NULL for any other run. */
    const ac_strlist *merged_shards;
    const ac_strlist *allow_skip;   /* --allow-skip patterns (ids or tags); may be NULL */
    /* The nodes of the run (--node NAME=ADDR, or the `nodes` variable), each "NAME=ADDR" in the
     * order given; NULL or empty when requests were not pinned. */
    const ac_strlist *nodes;
    bool allow_incomplete;
    /* The summary's coverage is this run's, so TAP and JUnit end with the coverage test. Set by
     * ac_run_info_fill; false for reports that are not a run of the suite (`authconform diff
     * --tap/--junit` compares two records and has no coverage of its own). */
    bool coverage;
    bool fail_fast;
    double run_deadline_s;       /* 0: none */
    /* Links for the refs in the HTML report (the manifest's `references`, RFCs, CVEs); fn NULL:
     * refs are shown as text. */
    ac_ref_linker ref_link;
} ac_run_info;

/* A must-level test that was selected but not judged. */
typedef struct ac_gap {
    char *id;                /* owned */
    char *reason;            /* owned: the skip reason (redacted) */
    ac_skip_kind kind;       /* not configured or rate limited */
    bool allowed;            /* accepted by --allow-skip / --allow-incomplete */
    char *missing_var;       /* owned or NULL: the variables whose absence made the gap, "name (ENV)"
                                or several joined by ", ";
                                reports name each variable once and list the tests under it */
} ac_gap;

/* What the run judged, for the verdict: a run whose must-level tests were not all judged is
 * incomplete, however green the rest is. Filters (--tags, --id, --shard) decide what is
 * selected; they never make a gap. */
typedef struct ac_coverage {
    size_t must_selected;    /* must-level tests in the plan */
    size_t must_judged;      /* ... that reached a verdict: pass, fail, warning or error */
    size_t must_na;          /* ... skipped as not applicable */
    ac_gap *gaps; size_t n_gaps;
    ac_strlist missing;      /* variables whose absence made gaps, "name (ENV)", each once */
    ac_strlist allowed;      /* what the user accepted as missing: the --allow-skip patterns, and
                                "--allow-incomplete" when given */
    bool incomplete;         /* at least one gap that was not allowed */
} ac_coverage;

/* Accounts for one reported test. allow_skip: ID globs or tags whose gaps are accepted;
 * allow_all: --allow-incomplete. */
void ac_coverage_add(ac_coverage *c, const ac_test_result *t, const ac_strlist *allow_skip, bool allow_all);
void ac_coverage_free(ac_coverage *c);   /* frees members; accepts NULL */
/* One line: "45 of 51 must-level tests judged (4 not applicable, 2 not judged)"; also "N allowed
 * to be missing" and "N not run" (the run stopped before them) when there are any. Caller frees. */
char *ac_coverage_line(const ac_coverage *c);

typedef struct ac_run_summary {
    size_t total, passed, failed, warned, errored, skipped, not_run;
    double duration_ms;
    ac_coverage coverage;        /* owned members: ac_coverage_free */
    size_t failed_logins;        /* wrong-secret token requests sent for the configured account */
    char *diagnosis;             /* owned or NULL: one line on a likely misconfiguration (a wrong
                                    base path), printed once by the program */
    bool bailed;                 /* the run stopped early */
    char *bail_reason;           /* owned or NULL */
    int interrupted;             /* the signal that interrupted the run (SIGINT, SIGTERM), or 0 */
    int exit_code;
} ac_run_summary;

/* Counts one reported test into s: total and its outcome's count (a warning under its own
 * strict counts as failed). Coverage is the caller's (ac_coverage_add takes the run's options). */
void ac_run_summary_count(ac_run_summary *s, const ac_test_result *t);

#endif
