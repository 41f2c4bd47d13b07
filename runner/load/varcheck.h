/* No silent configuration mistakes: names the user set that nothing reads.
 *
 *   --var NAME=...        NAME used by no loaded case file and not declared by the suite
 *                         manifest: a usage error (exit 2, nothing sent).
 *   a vars file's NAME    the same test, but a warning: one vars file is often shared by
 *                         several suites, so a name another suite reads is not a mistake.
 *   the environment       variables whose name starts with the suite's prefix (ac_env_prefix)
 *                         or AUTHCONFORM_ and that nothing reads: one warning. CI systems put
 *                         many unrelated variables into the environment, so nothing outside
 *                         those prefixes is looked at.
 *
 * "Used" is collected by the loader while it validates (loader.c fills an ac_var_uses in the
 * same walk that reports undefined variables), plus the manifest's declarations and the
 * built-in names (ac_builtin_var_names). Every message names variables, never values: values
 * may be secrets. Suggestions come from suggest.h. */
#ifndef AC_VARCHECK_H
#define AC_VARCHECK_H

#include <stddef.h>
#include "diag.h"
#include "model.h"
#include "util.h"

/* What the loaded case files read. Each name appears once. */
typedef struct ac_var_uses {
    ac_strlist vars;   /* ${name} (also inside function calls), `requires` entries that are not
                          fixtures, and capture names (a capture defines the name it sets) */
    ac_strlist env;    /* NAME of every ${env:NAME} (read from the environment directly) */
} ac_var_uses;

void ac_var_uses_add(ac_var_uses *u, const char *name);   /* no-op when already there */
void ac_var_uses_free(ac_var_uses *u);                    /* accepts NULL */

/* The variables the user set by name, in the order given: with --var (file NULL, line 0) or in
 * a vars file (its path and the entry's line). */
typedef struct ac_given_var {
    char *name;        /* owned */
    char *file;        /* owned; NULL for --var */
    int line;
} ac_given_var;

typedef struct ac_given_vars {
    ac_given_var *items; size_t n, cap;
} ac_given_vars;

void ac_given_vars_add(ac_given_vars *g, const char *name, const char *file, int line);   /* copies */
void ac_given_vars_free(ac_given_vars *g);                                                 /* accepts NULL */

/* Adds to diags an error for every --var name (once per name) and a warning for every
 * vars-file entry that the loaded files do not use, the manifest (man, may be NULL) does not
 * declare and is not built in. Returns the number of errors added. */
/* --secret names that no loaded case file uses and the suite does not declare: errors with a
 * did-you-mean (a misspelt --secret would leave the intended variable printable). Returns how
 * many. */
size_t ac_varcheck_secrets(const ac_strlist *secrets, const ac_var_uses *u, const ac_manifest *man,
                           ac_diags *diags);
size_t ac_varcheck_given(const ac_given_vars *g, const ac_var_uses *u, const ac_manifest *man,
                         ac_diags *diags);

/* The suite's environment prefix: the text up to and including the first '_' of the env
 * fallbacks the manifest declares, when at least two of them and more than half of them share
 * it ("APINIZER_" for the bundled suite), and it is not a prefix that CI systems or the system
 * own (CI_, GITHUB_, ...: checking those would only produce noise). NULL when there is none
 * (no manifest, no env fallbacks, no shared prefix) or it is AUTHCONFORM_ (always checked).
 * Caller frees. */
char *ac_env_prefix(const ac_manifest *man);

/* The AUTHCONFORM_* environment variables authconform and its reference server read: one
 * table, so the check below knows them all. { NULL, NULL } ends it; a test keeps every
 * AUTHCONFORM_ name in the sources in this table. */
typedef struct ac_tool_env {
    const char *name;
    const char *what;
} ac_tool_env;
extern const ac_tool_env ac_tool_env_vars[];

/* Adds at most one warning naming every variable of envp (NAME=VALUE strings, NULL-terminated,
 * as environ) that starts with the suite's prefix (ac_env_prefix(man)) or AUTHCONFORM_ and that
 * is not a declared env fallback of man, not read by a case file through ${env:NAME}, and not
 * in ac_tool_env_vars. Returns how many names it named. */
size_t ac_varcheck_environ(char *const *envp, const ac_manifest *man, const ac_var_uses *u,
                           ac_diags *diags);

#endif
