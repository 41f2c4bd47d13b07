/* YAML 1.2 core schema resolution of a plain scalar's text, shared by the loader (for scalars
 * as written) and the executor (for unquoted scalars that are one ${...}, re-typed after
 * interpolation so `equals: ${expires_in}` compares as a number). */
#ifndef AC_CORESCHEMA_H
#define AC_CORESCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "ynode.h"

typedef struct ac_scalar {
    yn_stype type;
    bool b;
    long long i;
    double f;      /* also set for integers */
} ac_scalar;

/* Resolves text by the core schema: null (~, null, Null, NULL, empty), bool (true/True/TRUE,
 * false/False/FALSE), int (decimal, 0o octal, 0x hex), float (decimal, exponent, .inf, .nan),
 * else string. */
ac_scalar ac_core_resolve(const char *s, size_t len);

#endif
