/* Loading and validating case files, the suite manifest and vars files into the case model.
 *
 * Everything docs/case-format.md describes is checked here, without contacting a target: keys,
 * types, operators, regexes, JSON paths, templates, undefined variables, id uniqueness across
 * the run. Problems go to an ac_diags as FILE:LINE:COL errors pointing at the offending node
 * (the key for an unknown key, the value for a bad value, the map for a missing key); all
 * problems of a file are collected in one pass. A YAML syntax error stops its file only.
 *
 * Ownership: the model filled by ac_load_model owns every string and document in it; free it
 * with ac_model_free() whether the load succeeded or not. Option structs are only borrowed. */
#ifndef AC_CASE_LOAD_H
#define AC_CASE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "model.h"
#include "util.h"
#include "varcheck.h"

typedef struct ac_load_opts {
    const char *manifest_path;     /* suite manifest, or NULL (then profiles are [documented, rfc]
                                      and no variable is declared) */
    const ac_manifest *manifest;   /* when not NULL: manifest_path already loaded (ac_load_manifest
                                      without errors), so it is not read again; the model borrows
                                      it, and it must outlive the model */
    const char *const *paths;      /* case files and directories (every *.yaml / *.yml below a
                                      directory, recursively, sorted by name; dot files skipped) */
    size_t n_paths;                /* 0: the manifest's `cases` */
    const ac_strlist *known_vars;  /* names set by --var / --vars-file (may be NULL) */
    const char *profile;           /* the run's profile, for ac_test.plan_severity (NULL:
                                      "documented") */
    bool release;                  /* a run: when the case text exceeds resident_max, release
                                      every file once validated (model.h, "Resident and released
                                      files"): memory then holds one file's YAML at a time while
                                      loading, and the files in flight while running */
    size_t resident_max;           /* with release: bytes of case text kept resident (0:
                                      AC_RESIDENT_MAX_BYTES, case_source.h) */
    ac_var_uses *uses;             /* when not NULL: every variable name the case files read,
                                      require or capture, and every ${env:NAME}, is added here
                                      (varcheck.h); reloading a released file never adds */
} ac_load_opts;

/* Loads the manifest (when given) and every case file into *out (zeroed first).
 * Returns 0, or -1 when any error was reported to diags. Either way *out holds what could be
 * loaded and must be freed with ac_model_free(); after -1 it must not be run.
 *
 * Model conventions: a single-request test gets one AC_STEP_REQUEST step named after the test
 * id (multi_step = false) whose node is the test's map; its `when`/`skip_on` stay on the test
 * (the step's are NULL). Multi-step tests (steps:) have multi_step = true and each step's kind
 * follows its key (request / run / wait); unnamed steps are "step N" (1-based). Test tags are the
 * file's tags followed by the test's, deduplicated. ac_test.file points into out->files.
 * Every file is read once; out->suite_hash is the suite hash (suite_hash.h) of those bytes. */
int ac_load_model(const ac_load_opts *opts, ac_model *out, ac_diags *diags);

/* As ac_load_model, but the case files are one in-memory document named `name` (the manifest,
 * if any, still comes from opts->manifest_path; opts->paths is ignored). For tests and fuzzing. */
int ac_load_model_text(const ac_load_opts *opts, const char *name, const char *text, size_t len,
                       ac_model *out, ac_diags *diags);

/* Loads only a suite manifest into *out (zeroed first; free with ac_manifest_free_contents()).
 * Case paths are resolved against the manifest's directory. Returns 0 or -1 (errors in diags). */
int ac_load_manifest(const char *path, ac_manifest *out, ac_diags *diags);

/* `authconform lint`: loads everything like a run would (including undefined variables and
 * duplicate ids) and discards the model. n_files / n_tests (may be NULL) get the counts of
 * what loaded. Returns 0 when there is no error, -1 otherwise (the errors are in diags). */
int ac_lint(const ac_load_opts *opts, ac_diags *diags, size_t *n_files, size_t *n_tests);

/* A vars file (--vars-file): a YAML map of `name: value` or `name: { value: ..., secret: true }`.
 * Values are the scalar's text as written (3 -> "3", true -> "true"). Never prints a value:
 * diagnostics about a vars file carry no source line. */
typedef struct ac_vars_entry {
    char *name;        /* owned */
    char *value;       /* owned, NUL-terminated */
    size_t len;
    bool secret;
    int line;          /* where it was given */
} ac_vars_entry;

typedef struct ac_vars_list {
    ac_vars_entry *items; size_t n;
} ac_vars_list;

/* Fills *out (zeroed first). Returns 0, or -1 with errors in diags (a file that is not a map:
 * "vars file must be a map of name: value" at 1:1). Free *out with ac_vars_list_free() either
 * way. */
int ac_load_vars_file(const char *path, ac_vars_list *out, ac_diags *diags);
void ac_vars_list_free(ac_vars_list *l);

/* Names every template may read without declaring them: the built-ins (now, uuid, random) and
 * target (the --target URL, set by the runner).
 * NULL-terminated. */
extern const char *const ac_builtin_var_names[];

/* Is s a valid variable name ([A-Za-z_][A-Za-z0-9_]*)? A valid test id / suite name / tag
 * ([A-Za-z0-9._-]+)? */
bool ac_is_var_name(const char *s);
bool ac_is_id(const char *s);

#endif
