/* Private to runner/template: the value type the functions compute on, the function table, and
 * the compiled form of a template (parts and expression trees) shared by parse.c and eval.c. */
#ifndef AC_TEMPLATE_IMPL_H
#define AC_TEMPLATE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vars.h"

/* Bounds that keep a hostile or mistaken template from exhausting memory or the stack. */
#define VARS_MAX_DEPTH 64
#define VARS_MAX_VALUE (16u * 1024 * 1024)

/* ---- values and functions ---- */

typedef struct val {
    char *s;        /* owned, NUL-terminated */
    size_t len;
    bool secret;
} val;

static inline void val_free(val *v)
{
    free(v->s);
    v->s = NULL;
    v->len = 0;
}

static inline val val_take(char *s) { return (val){ s, strlen(s), false }; }

typedef int (*fn_impl)(val *a, size_t n, val *out, char **err);

typedef struct fn_def {
    const char *name;
    size_t min_args, max_args;
    bool untainted;     /* the result reveals nothing of its input (a length, a yes/no) */
    fn_impl impl;
} fn_def;

#define MANY ((size_t)-1)

/* The JWT/JWS functions (functions_jwt.c), sorted by name for bsearch. */
extern const fn_def ac_tmpl_jwt_fns[];
extern const size_t ac_tmpl_jwt_fns_n;

const fn_def *ac_tmpl_fn_find(const char *name);   /* NULL when unknown */
bool ac_tmpl_is_builtin(const char *name);          /* now, uuid, random */
int ac_tmpl_eval_builtin(const char *name, val *out, char **err);
/* The argument as shown in an error: short, and never a secret (caller frees). */
char *ac_tmpl_shown_arg(const val *v);

/* ---- the compiled form ---- */

typedef enum { EX_VAR, EX_ENV, EX_LIT, EX_BUILTIN, EX_CALL } ex_kind;

typedef struct ex {
    ex_kind kind;
    char *text;          /* variable/env/built-in name, or literal bytes (owned) */
    size_t len;
    const fn_def *fn;    /* EX_CALL */
    struct ex **args;
    size_t n_args;
} ex;

typedef struct part {
    bool is_expr;
    char *lit;           /* literal text (owned), with $${ already turned into ${ */
    size_t lit_len;
    ex *expr;
} part;

typedef struct tmpl {
    part *parts;
    size_t n;
} tmpl;

/* Parses s[0..len) into t; -1 with *err (caller frees) on a syntax error, t left empty. */
int ac_tmpl_parse(const char *s, size_t len, tmpl *t, char **err);
void ac_tmpl_free(tmpl *t);

/* The compiled form of the template text s[0..len) (NULL: empty), parsed once per distinct text
 * and shared read-only by every caller and thread until exit (cache.c). When the cache cannot
 * keep it, the text is parsed into *scratch and scratch is returned. NULL with *err (caller
 * frees) on a syntax error. Pass the result and scratch to ac_tmpl_release when done. */
const tmpl *ac_tmpl_compile(const char *s, size_t len, tmpl *scratch, char **err);
void ac_tmpl_release(const tmpl *t, tmpl *scratch);

#endif
