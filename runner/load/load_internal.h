/* What the files of runner/load share while validating: the loader's state, the error and
 * type-check helpers, the variable context of templates, and each validator's entry point.
 *
 * Private to runner/load (case_load.h is the public face). Every message goes through ld_err,
 * which points at a node of the document being loaded (FILE:LINE:COL and its source line). */
#ifndef AC_LOAD_INTERNAL_H
#define AC_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "case_load.h"

/* ---- loader state (loader.c) ------------------------------------------------------------- */

typedef struct id_seen { char *id; const char *file; int line; } id_seen;   /* file: in id_files */
typedef struct fixture_cap { const char *var; const char *fixture; } fixture_cap;

typedef struct loader {
    const ac_load_opts *opts;
    ac_diags *diags;
    const ac_manifest *man;
    bool have_manifest;
    id_seen *ids; size_t n_ids, cap_ids;
    ac_strlist id_files;   /* the files of ids, one copy per file (ids outlive a lint's files) */
    size_t *id_slots; size_t n_id_slots;   /* open-addressing index into ids (i + 1; 0 = empty) */
    /* the file being loaded */
    const yn_doc *doc;
    ac_suite_file *sf;
    fixture_cap *fcaps; size_t n_fcaps, cap_fcaps;
    bool no_source;     /* vars files: never show a source line */
} loader;

/* Which variables a template at some place may read. */
typedef struct vctx {
    const char *kind;              /* "test" or "fixture" */
    const char *owner;             /* test id or fixture name (may be "?") */
    const ac_strlist *requires;    /* borrowed */
    ac_strlist caps;               /* owned: captures visible here */
    const ac_strlist *later_caps;  /* borrowed: every capture of the test's steps, or NULL */
} vctx;

void ld_loader_free(loader *L);   /* what L owns, not L */

/* Reports an error at node `at` (NULL: the document being loaded). */
void ld_err(loader *L, const yn_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- small helpers (loader.c) ------------------------------------------------------------ */

bool ld_in_list(const char *s, const char *const *list);
bool ld_is_req_name(const char *s);          /* fixture names, requires entries */
bool ld_is_token(const char *s);             /* an HTTP token (RFC 9110 5.6.2) */
bool ld_has_template(const yn_node *n);      /* a scalar holding "${" */
void ld_list_join(ac_buf *b, const char *const *list);   /* "a, b, c" */
void ld_strlist_join(ac_buf *b, const ac_strlist *l);
void ld_describe(const yn_node *n, char *buf, size_t size);   /* "a map", "integer 3", ... */
const char *ld_scalar_text(const yn_node *n);   /* a non-null scalar's text, else NULL */
const yn_node *ld_key_of(const yn_node *map, const char *key);   /* the key node, for messages */

/* Type checks: true when n has the type, else an error naming `what` and false. */
bool ld_want_map(loader *L, const yn_node *n, const char *what);
bool ld_want_list(loader *L, const yn_node *n, const char *what, bool nonempty);
bool ld_want_str(loader *L, const yn_node *n, const char *what);
const char *ld_want_text(loader *L, const yn_node *n, const char *what);
bool ld_want_bool(loader *L, const yn_node *n, const char *what);
/* The required name `key` of map, an id ([A-Za-z0-9._-]+): owned, or NULL when it is missing
 * (error `missing`) or not text; a text that is not an id is kept and reported as "LABEL ...". */
char *ld_required_id(loader *L, const yn_node *map, const char *key, const char *missing,
                     const char *label);
/* Reports every key of map that is not in allowed; ctx names the map ("test", "request"). */
void ld_check_keys(loader *L, const yn_node *map, const char *ctx, const char *const *allowed);

/* Test ids are unique across the run (a hash index: linear in the number of tests). */
void ld_register_id(loader *L, const yn_node *idn, const char *id);

/* ---- variables and templates (loader.c) -------------------------------------------------- */

void ld_vctx_init(vctx *V, const char *kind, const char *owner, const ac_strlist *requires);
void ld_vctx_copy(vctx *dst, const vctx *src);
void ld_vctx_free(vctx *V);
bool ld_known_var(const loader *L, const char *name);   /* built in, declared or given */
void ld_note_use(const loader *L, const char *name);    /* for the unused-name checks */
const char *ld_fixture_capturing(const loader *L, const char *var);   /* fixture name or NULL */
/* Template syntax, and that every variable it reads is defined (V NULL: syntax only). */
void ld_check_template(loader *L, const vctx *V, const yn_node *n);
void ld_check_template_tree(loader *L, const vctx *V, const yn_node *n);

/* ---- values and expectations (check_values.c) -------------------------------------------- */

void ld_check_regex(loader *L, const vctx *V, const yn_node *n, const char *what, bool ci);
void ld_check_jsonpath(loader *L, const yn_node *n, const char *what);
/* A number of seconds or "250ms", "2s", "1m"; max_s 0: no upper bound. */
void ld_check_duration(loader *L, const vctx *V, const yn_node *n, const char *what, double max_s,
                       bool positive);
void ld_check_severity(loader *L, const yn_node *n);
void ld_check_status(loader *L, const yn_node *n, const char *what, bool allow_map);
/* A map of operator -> value, with `extra` keys allowed beside the operators in `ops`. */
void ld_check_opmap(loader *L, const vctx *V, const yn_node *map, const char *ctx,
                    const char *const *ops, const char *const *extra);
void ld_check_expect(loader *L, const vctx *V, const yn_node *e, const char *ctx);
void ld_check_run_expect(loader *L, const yn_node *e);

/* ---- requests, captures, conditions, commands (check_request.c) -------------------------- */

void ld_check_request(loader *L, const vctx *V, const yn_node *r);
void ld_check_capture(loader *L, const yn_node *c, ac_strlist *names);   /* appends the names */
void ld_check_when(loader *L, const vctx *V, const yn_node *w);
void ld_check_skip_on(loader *L, const yn_node *s);
void ld_check_run(loader *L, const vctx *V, const yn_node *r);

/* ---- steps (steps.c), case files (case_file.c) ------------------------------------------- */

/* Validates a steps list. Vtest: the test's context. Returns the steps (caller owns them). */
ac_step *ld_load_steps(loader *L, const vctx *Vtest, const yn_node *steps, size_t *n_out);
/* Validates one parsed case document into sf (which takes the document). */
void ld_load_case_doc(loader *L, yn_doc *doc, ac_suite_file *sf);

/* ---- paths (walk.c), the manifest (manifest.c) ------------------------------------------- */

char *ld_path_join(const char *dir, const char *rel);   /* cleaned; owned */
char *ld_path_dirname(const char *p);                   /* owned */
/* Expands paths (files and directories) into a list of case files, without duplicates. */
void ld_collect_paths(loader *L, const char *const *paths, size_t n, ac_strlist *out);
void ld_manifest_defaults(ac_manifest *m);   /* profiles [documented, rfc] when none given */

/* ---- the model (case_load.c) ------------------------------------------------------------- */

void ld_file_fix_backpointers(ac_suite_file *f);
void ld_text_digest(const yn_doc *doc, unsigned char out[32]);   /* SHA-256 of the text */

#endif
