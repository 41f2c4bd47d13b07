/* The run record (docs/run-record.md): what a run tells the report writers about the suite and
 * the options (ac_run_info_fill), and reading a record back (for `authconform diff`, --baseline
 * and merging). The writer is reports/json.c. */
#ifndef AC_RECORD_H
#define AC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "model.h"
#include "record_json.h"
#include "result.h"

/* AC_RECORD_VERSION (record_json.h): the record_version this program writes and the newest it
 * reads; it reads every older one. 2: exit_code 4 (incomplete), a top-level `coverage`, per test
 * `skip_kind`, `missing_var` and `controls`, options `allow_skip` and `allow_incomplete`. 3: per test `detail` (steps, checks with expected and
 * actual, request and response excerpts, transcript), as the events file has it. */
/* The newest events_version (docs/report-formats.md) this program reads. */
#define AC_EVENTS_READ_VERSION 1

/* SHA-256 over the manifest and every case file of the model, in load order: for each file its
 * base name, a NUL, its length in decimal, a NUL and its bytes. Writes "sha256:<64 hex>" into
 * out. Returns the number of files hashed, or -1 with *err (caller frees) when one cannot be
 * read (out is then ""). A model from ac_load_model carries the hash of the bytes it read
 * (ac_model.suite_hash), and then no file is read. */
int ac_model_hash(const ac_model *m, char out[72], char **err);

/* Fills the suite and option fields of *info from the model and the configuration (the suite
 * hash is computed here; left "" when a file cannot be read). Pointers borrow from m and cfg. */
void ac_run_info_fill(ac_run_info *info, const ac_model *m, const ac_config *cfg);

/* ---- reading records ----------------------------------------------------------------------- */

/* The outcomes as written in a record: ac_outcome_key and ac_outcome_parse (result.h). */

typedef struct ac_record_test {
    char *id, *name, *area, *severity;   /* owned; severity "must"|"should"|"info" */
    ac_outcome outcome;
    ac_skip_kind skip_kind;              /* for a skip in a version 2 record; AC_SKIP_NONE otherwise */
    char *message;                       /* owned or NULL: the redacted failure/skip message */
    long *statuses; size_t n_statuses;   /* owned */
    double duration_ms;
    /* What the writers show besides (`authconform report` rebuilds reports from them); each
     * empty when absent. */
    char *file;                          /* owned or NULL: the case file */
    int line;                            /* 0 when unknown */
    char *missing_var;                   /* owned or NULL: "NAME (ENV)", several joined by ", " */
    ac_strlist controls, notes, tags, refs;
    /* An events file's "detail" (has_detail): the raw reason, the steps with their checks and
     * excerpts, and the transcript, as the live writers saw them. All owned. */
    bool has_detail, multi_step, strict;
    char *reason, *transcript;
    ac_step_result *steps; size_t n_steps;
} ac_record_test;

typedef struct ac_record {
    char *path;                          /* owned: the file it was read from */
    int record_version;
    char *tool_version;                  /* owned; "" when absent */
    char *suite_name, *suite_version, *suite_hash;   /* owned; "" when absent */
    size_t suite_files;                  /* suite.files; 0 when absent */
    char *target, *profile, *started_at; /* owned; "" when absent */
    bool strict;                         /* options.strict: a warn counts as a failure */
    ac_strlist option_names;             /* every member of "options", in file order */
    ac_strlist option_values;            /* ... and its value as compact JSON */
    bool has_merged_shards;              /* a merged record: "merged_shards" */
    ac_strlist merged_shards;            /* its items, "" for null */
    ac_strlist nodes;                    /* "nodes" (a cluster run), each "NAME=ADDRESS" as
                                            ac_run_info.nodes has it; empty when absent */
    double duration_ms;
    size_t planned;                      /* "planned"; 0 when absent */
    bool has_summary;                    /* the record has a `summary` object */
    size_t n_total, n_pass, n_fail, n_warn, n_error, n_skip, n_not_run;   /* summary counts */
    bool stopped_early;                  /* summary.stopped_early */
    char *stop_reason;                   /* owned or NULL: summary.stop_reason */
    char *interrupted;                   /* owned or NULL: summary.interrupted, "SIGINT" or "SIGTERM" */
    int exit_code;                       /* summary.exit_code; -1 when absent */
    bool has_coverage;                   /* the record has `coverage` (version 2 and later) */
    ac_coverage coverage;                /* owned members; empty without has_coverage */
    ac_record_test *tests; size_t n_tests;
    /* Read from an events file (--events, ac_record_load_any): */
    bool from_events;
    bool finished;                       /* a run record, or an events file with its end line;
                                            false: the run died before it wrote the end */
    bool torn_tail;                      /* the file ended inside a line, which was left out */
} ac_record;

/* Reads and validates a record (the required members and their types, known outcomes, unique
 * test ids, a record_version this program understands). Returns 0, or -1 with *err (caller
 * frees) that names the file and what is wrong. *out is always safe to ac_record_free. */
int ac_record_load(const char *path, ac_record *out, char **err);
/* The same for a record held in memory; `name` stands for the file in messages. */
int ac_record_parse(const char *name, const char *text, size_t len, ac_record *out, char **err);
void ac_record_free(ac_record *r);

/* Reads a run record or an events file (runner/record/record_events.c, docs/report-formats.md), told
 * apart by the first line:
 * an events file's is one JSON object with "event":"start". An events file becomes the record
 * the run would have written: the header, the tests in file order and, when the end line is
 * there, the summary and coverage (finished true). Without the end line finished is false, and
 * summary and coverage are absent. A last line cut short by the kill (no newline and not valid
 * JSON) is left out (torn_tail). Errors name the line: "FILE:LINE: error: ...". Returns 0, or
 * -1 with *err (caller frees). *out is always safe to ac_record_free. */
int ac_record_load_any(const char *path, ac_record *out, char **err);

/* Whether a test counts against its run: fail, error, not run, and warn when the run was strict
 * (the same rule as ac_test_result_is_failure). */
bool ac_record_test_failing(const ac_record *r, const ac_record_test *t);

#endif
