/* Variables, scopes and ${...} interpolation with functions.
 *
 * A scope is a chain: a test's step captures -> the file's fixture captures -> the run's
 * variables (CLI --var > vars file > manifest environment fallbacks > suite defaults, already
 * merged by precedence into one scope by the caller). Lookup walks the chain. Values are byte
 * strings. Each value carries `secret` (redaction) and its source (so `run` can refuse commands
 * that did not come from the environment, --var or a vars file).
 *
 * Template syntax: literal text with ${EXPR}; "$${" is a literal "${". EXPR is
 *   NAME                      a variable ([A-Za-z_][A-Za-z0-9_]*)
 *   env:NAME                  the process environment (unset -> error)
 *   now | uuid | random       built-ins: unix seconds (integer), a v4 UUID, 16 random hex chars
 *   FUNC(ARG, ...)            ARG is an EXPR, a 'single' or "double" quoted literal, or a number
 *                             (inside quotes the quote character doubled stands for itself:
 *                             'it''s'; a backslash is an ordinary character, so JSON with
 *                             escapes can be written as is)
 * Functions: base64(s) base64url(s) urlencode(s) repeat(s, n) upper(s) lower(s)
 *   replace_at(s, index, c)   s with the character at index replaced by c (negative index counts
 *                             from the end; c may be any string, even the same character)
 *   flip_at(s, index)         s with the character at index replaced by a guaranteed different
 *                             base64url character (the 6-bit value with its top bit flipped:
 *                             A<->g, B<->h, ...; a character outside the alphabet becomes 'A'),
 *                             so the decoded bytes change even at a segment's last character
 *   substr(s, start[, len])   (negative start counts from the end)
 *   concat(a, b, ...)   len(s)   add(a, b)   sub(a, b)
 *   jwt_header(t) jwt_claims(t)   the decoded JSON text of a JWT's header / claims
 *   jwt_signature(t)          the third segment as is
 *   jwt_with(t, header_json, claims_json, signature)
 *                             rebuild a JWT: header_json and claims_json are JSON objects whose
 *                             keys are merged over t's (a null value removes the key; '' keeps
 *                             t's part unchanged, byte for byte); signature is used verbatim
 *                             ('' gives an empty signature, as for alg none; pass
 *                             jwt_signature(t) to keep t's). Merging is shallow (top-level
 *                             keys). t = '' builds a token from scratch (both parts start as {}).
 *   is_jwt(t)                 "true"/"false"
 *   swapcase(s)               every ASCII letter's case inverted
 *   count(json_text)          elements of a JSON array / members of an object
 *   json(s, PATH)             the value at a JSON path in the JSON text s (strings unquoted)
 * A value computed from any secret input is itself secret (and registered for redaction), except
 * the results of len() and is_jwt(), which reveal nothing of their input. Built-in names (now,
 * uuid, random) cannot be shadowed by variables.
 */
#ifndef AC_VARS_H
#define AC_VARS_H

#include <stdbool.h>
#include <stddef.h>
#include "util.h"

typedef enum {
    AC_VSRC_DEFAULT,   /* suite manifest default */
    AC_VSRC_ENV,       /* environment fallback declared by the manifest */
    AC_VSRC_VARSFILE,  /* --vars-file */
    AC_VSRC_CLI,       /* --var */
    AC_VSRC_CAPTURE,   /* captured from a response */
    AC_VSRC_COMPUTED   /* set by the runner (e.g. target) */
} ac_vsrc;

typedef struct ac_var {
    char *name;        /* owned */
    char *value;       /* owned unless borrowed; NUL-terminated; may contain NULs (len is the truth) */
    size_t len;
    bool secret;
    bool borrowed;     /* value belongs to someone else (ac_scope_set_borrowed) */
    ac_vsrc source;
} ac_var;

typedef struct ac_scope {
    ac_var *vars; size_t n, cap;
    const struct ac_scope *parent;   /* borrowed; NULL at the root */
} ac_scope;

void ac_scope_init(ac_scope *s, const ac_scope *parent);
void ac_scope_free(ac_scope *s);           /* frees own vars; not the parent */
/* Sets (replacing) a variable in this scope; copies name and value. A secret value is also
 * registered with the redactor. */
void ac_scope_set(ac_scope *s, const char *name, const char *value, size_t len, bool secret,
                  ac_vsrc source);
/* As ac_scope_set, without copying: value (NUL-terminated at len) must outlive the scope, or
 * the variable's next set. For large transient values such as a response body. Never secret. */
void ac_scope_set_borrowed(ac_scope *s, const char *name, const char *value, size_t len,
                           ac_vsrc source);
const ac_var *ac_scope_get(const ac_scope *s, const char *name);   /* walks parents */

/* Interpolated value. */
typedef struct ac_ival {
    char *str;          /* owned, NUL-terminated */
    size_t len;
    bool secret;        /* derived from a secret */
    bool whole_expr;    /* the template was exactly one ${...} and nothing else */
    bool literal;       /* the template held no ${...}: the text is written in the case file */
} ac_ival;
void ac_ival_free(ac_ival *v);

/* Interpolates a template. Returns 0, or -1 with *err (caller frees) such as
 * "undefined variable 'password'" or "repeat(): n must be a non-negative integer". Each distinct
 * template text is parsed once per process and the parse shared by every thread (cache.c);
 * ac_template_vars/refs share it too. */
int ac_interpolate(const ac_scope *s, const char *tmpl, size_t len, ac_ival *out, char **err);

/* Static check for lint/load: syntax errors and the variable names a template reads
 * (appended to names; env: and built-ins are not listed). Returns 0 or -1 with *err. */
int ac_template_vars(const char *tmpl, size_t len, ac_strlist *names, char **err);
/* As ac_template_vars, and also appends the NAME of every ${env:NAME} to env (when not NULL):
 * what the unused-variable checks (varcheck.h) count as read. */
int ac_template_refs(const char *tmpl, size_t len, ac_strlist *names, ac_strlist *env, char **err);

#endif
