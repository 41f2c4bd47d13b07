/* The loaded case model: suites (case files), fixtures, tests and steps, plus the suite manifest.
 *
 * Requests, expectations and captures stay as validated YAML nodes (yn_node): the loader
 * (runner/load) has checked every key and type, so the executor and expect.c can read them
 * without re-validating, and every check result can point back at the line that declared it.
 * String values are templates (${...}) interpolated at send time.
 *
 * Ownership: ac_suite_file owns its yn_doc and everything below; ac_model owns its files.
 *
 * Resident and released files: a run reads each case file once. When the suite's case text fits
 * AC_RESIDENT_MAX_BYTES (case_source.h: the bundled suites and any normal suite), every file
 * stays parsed and validated in the model for the whole run and is never read again. A huge
 * suite must not hold every file's YAML tree for its whole length, so there each file is
 * validated in full, then released (ac_suite_file_release) down to what planning and --list
 * need: the file's path, suite name and tags, and per test its id, name, tags and severity in
 * the run's profile. The case source (case_source.h) loads a released file again when its
 * first test runs and frees it after its last; the digest of the file's text proves the reload
 * saw what was validated. */
#ifndef AC_MODEL_H
#define AC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "refs.h"
#include "result.h"
#include "util.h"
#include "ynode.h"

/* ac_severity and ac_severity_name: result.h (a result concept the model resolves). */

/* A severity given as one word or as a map profile -> word. */
typedef struct ac_sevspec {
    const yn_node *node;      /* NULL: the default (must) */
} ac_sevspec;
/* Resolves for a profile; a profile missing from a map falls back to key "default", then to
 * dflt (pass AC_SEV_MUST for a test, the test's severity for a check); NULL node -> dflt. */
ac_severity ac_sevspec_resolve(ac_sevspec s, const char *profile, ac_severity dflt);

typedef enum {
    AC_STEP_REQUEST,   /* request (+ expect, capture, until, compare) */
    AC_STEP_RUN,       /* run a command from a variable */
    AC_STEP_WAIT       /* bounded pause */
} ac_step_kind;

typedef struct ac_step {
    ac_step_kind kind;
    char *name;                 /* owned; "step N" when not given; unique within a test */
    const yn_node *node;        /* the step's map (or the test's map for single-request tests) */
    const yn_node *request;     /* AC_STEP_REQUEST: the request map */
    const yn_node *expect;      /* map or NULL */
    const yn_node *capture;     /* map or NULL */
    const yn_node *until;       /* map {every, within} or NULL */
    const yn_node *compare;     /* map or NULL */
    const yn_node *run;         /* AC_STEP_RUN: the run map */
    const yn_node *wait;        /* AC_STEP_WAIT: duration scalar */
    const yn_node *when;        /* condition; false -> the whole test is skipped */
    const yn_node *skip_on;     /* list or NULL */
    long repeat;                /* AC_STEP_REQUEST in a multi-step test: `repeat: N`; 0 when absent */
    bool control;               /* `control: true`: a positive control; its failure makes the test
                                   an error ("control failed"), never a failure or a pass */
    /* Cluster keys of a request step (section "Nodes" of docs/case-format.md), each NULL when
     * absent: `node` (template naming one node), `each_node` (plain text: what a failure on a
     * node means), `compare_nodes` ({same, ignore_headers}), `error_on` (status matcher). */
    const yn_node *pin, *each_node, *compare_nodes, *error_on;
} ac_step;

typedef struct ac_profile_override {
    char *profile;              /* owned */
    const yn_node *node;        /* the override map: may hold request, expect, severity, steps */
    ac_step *steps; size_t n_steps;   /* owned: the overriding steps of a multi-step test */
} ac_profile_override;

typedef struct ac_test {
    char *id;                   /* owned, [A-Za-z0-9._-]+ */
    char *name;                 /* owned */
    const yn_node *node;        /* the test's map: file:line for every message about it */
    int line;                   /* the test's line (kept when released) */
    ac_sevspec severity;
    ac_strlist tags;            /* file tags + test tags, deduplicated */
    ac_strlist refs;
    ac_strlist requires;        /* fixture names or variable names */
    ac_strlist controls;        /* `control:` fixtures that must succeed before the test is judged,
                                   then the names of its `control: true` steps (kept when
                                   released: --list shows them) */
    const yn_node *when;        /* condition or NULL */
    const yn_node *skip_on;     /* list or NULL */
    long repeat;                /* 1 unless repeat: N */
    long concurrency;           /* 1 unless concurrency: C */
    const yn_node *expect_all;  /* map or NULL */
    bool multi_step;            /* written with steps: (reported as subtests) */
    ac_step *steps; size_t n_steps;
    /* `for_each_node: PHRASE`: the steps run once per node with ${node} and ${node_addr} set;
     * the phrase says what the round's node did ("issued by"). NULL when absent. */
    const yn_node *for_each_node;
    bool needs_nodes;           /* for_each_node, or a step with node or each_node (in any
                                   profile): not applicable when the run has no nodes */
    ac_profile_override *overrides; size_t n_overrides;
    struct ac_suite_file *file; /* back pointer, borrowed */
    ac_severity plan_severity;  /* in the profile the model was loaded for, overrides applied:
                                   what --list shows; kept when the file is released */
    long plan_requests;         /* the requests the test sends itself (not fixtures or controls) in
                                   that profile: an upper bound, what --list shows; kept */
    bool plan_requests_open;    /* a step repeats `until`, or the test needs nodes (its count is
                                   for one node): plan_requests is a lower bound */
    bool exclusive;             /* `exclusive: true`: under -j it starts after every test before
                                   it has finished, and nothing starts while it runs (it changes
                                   what other tests depend on, such as locking out an account);
                                   kept when released: the scheduler reads it */
} ac_test;

typedef struct ac_fixture {
    char *name;                 /* owned */
    char *description;          /* owned or NULL: what the fixture proves, for "control failed" */
    bool shared;                /* `shared: true`: one result per run for identical fixtures */
    ac_step step;               /* a request step */
    ac_strlist requires;        /* variables the fixture itself needs */
} ac_fixture;

typedef struct ac_suite_file {
    char *path;                 /* owned */
    char *suite;                /* owned: the `suite:` name (JUnit classname) */
    char *description;          /* owned or NULL */
    ac_strlist tags;
    ac_fixture *fixtures; size_t n_fixtures;
    ac_test *tests; size_t n_tests;
    yn_doc *doc;                /* owned; NULL once released */
    bool released;              /* only the planning fields are left (see above) */
    unsigned char digest[32];   /* SHA-256 of the text that was validated (ac_load_model) */
} ac_suite_file;

/* A variable declared by the suite manifest. */
typedef struct ac_var_decl {
    char *name;
    char *default_value;        /* owned or NULL */
    char *env;                  /* owned environment fallback name, or NULL: the first of `env` */
    ac_strlist env_aliases;     /* further names of an `env` list, read in order when env is unset */
    char *description;          /* owned or NULL */
    bool secret;
    bool command;               /* may be used as a `run` command (never from a default) */
    char *fallback;             /* owned or NULL: another declared variable whose value is used
                                   when this one is not set (applied before the default) */
} ac_var_decl;

typedef struct ac_manifest {
    char *path;                 /* owned; NULL when there is none */
    char *name, *version;       /* owned */
    ac_strlist case_paths;      /* resolved against the manifest's directory */
    ac_var_decl *vars; size_t n_vars;
    ac_strlist profiles;        /* known profile names; default [documented, rfc] */
    /* `references`: slug -> page title and URL. When the key is present (even empty), every ref
     * of every loaded test must be in it or be an RFC, CVE or OWASP reference (refs.h). */
    ac_ref_doc *ref_docs; size_t n_ref_docs;
    bool has_ref_docs;
    yn_doc *doc;
} ac_manifest;

typedef struct ac_model {
    ac_manifest manifest;
    ac_suite_file *files; size_t n_files;
    /* What loading a released file again needs (copies of the load options). */
    ac_strlist known_vars;      /* --var / --vars-file names */
    char *profile;              /* owned: the profile of ac_test.plan_severity */
    bool manifest_borrowed;     /* manifest is the caller's (ac_load_opts.manifest): not freed here */
    char suite_hash[72];        /* the suite hash (suite_hash.h) of what ac_load_model read, or "" */
} ac_model;

/* Key `key` of the test's override for `profile` (profiles: { NAME: {...} }), or NULL. */
const yn_node *ac_test_override(const ac_test *t, const char *profile, const char *key);
/* A test's severity in a profile: its profile override's `severity:`, else its own, else must.
 * A released test (node == NULL) only knows its plan_severity (the load profile's). */
ac_severity ac_test_severity(const ac_test *t, const char *profile);
/* Frees everything of a validated file except what planning needs (see "Resident and released
 * files"). */
void ac_suite_file_release(ac_suite_file *f);
/* The requests t sends itself in profile (see plan_requests); *open when a step repeats until. */
long ac_test_request_bound(const ac_test *t, const char *profile, bool *open);

void ac_model_free(ac_model *m);   /* frees what m owns (not m itself); accepts NULL */
/* Free what one file / the manifest owns (not the struct itself); accept NULL. */
void ac_suite_file_free_contents(ac_suite_file *f);
void ac_manifest_free_contents(ac_manifest *m);
const ac_var_decl *ac_manifest_find_var(const ac_manifest *m, const char *name);

#endif
