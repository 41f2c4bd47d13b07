/* `authconform vars` (--list-vars): every variable the suite declares, with its default, its
 * environment fallbacks, whether it is set and where, and the tests that need it. Never a value
 * that is set: revoke_command and vars-file entries can embed credentials. */
#ifndef AC_VARLIST_H
#define AC_VARLIST_H

#include <stdio.h>
#include "model.h"
#include "varcheck.h"

/* Where a variable's value comes from, as the run would take it (build_scope in main.c):
 * --var > vars file > environment fallbacks > another variable (`fallback`) > default. */
typedef struct ac_varlist_input {
    const ac_model *model;        /* loaded without releasing files: the tests' YAML is read */
    const ac_given_vars *given;   /* --var (file NULL) and vars-file entries, in order given */
    const char *(*getenv_fn)(const char *name);   /* getenv, or a test double (tests/unit) */
    bool issuer_option;           /* --issuer was given: it sets the variable issuer */
} ac_varlist_input;

/* Writes the list to out. Returns the number of variables listed. */
size_t ac_varlist_print(const ac_varlist_input *in, FILE *out);

#endif
