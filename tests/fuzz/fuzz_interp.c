/* Fuzz target (b): variable interpolation and the template functions. The input is a template
 * (any bytes) interpolated with ac_interpolate in a scope holding the bundled suite's variables
 * (secrets among them, a JWT, JSON text, a value with a NUL) under a capture scope, and checked
 * statically with ac_template_vars. Invariants: a template the static check (what `lint` and the
 * loader use) accepts never fails at run time with a syntax error, and one it rejects never
 * interpolates; a value derived from a secret is marked secret and redacts to something without
 * the secret; an error message, once redacted, shows no secret of the scope in either letter case
 * (unless the template itself spells it out: the fuzzer learns compared strings). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "case_load.h"
#include "fuzz_common.h"
#include "redact.h"
#include "util.h"
#include "vars.h"

static bool mentions(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n) return false;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return true;
    return false;
}

static bool mentions_ci(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n) return false;
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j])) j++;
        if (j == k) return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ac_scope root, step;
    fz_fill_scope(&root);
    ac_scope_init(&step, &root);
    ac_scope_set(&step, "captured", "from-the-step", 13, false, AC_VSRC_CAPTURE);
    ac_scope_set(&step, "n", "7", 1, false, AC_VSRC_CAPTURE);   /* shadows the root's */

    const char *tmpl = (const char *)data;
    ac_strlist names = { 0 };
    char *serr = NULL, *rerr = NULL;
    int src = ac_template_vars(tmpl, size, &names, &serr);
    FZ_CHECK(src == 0 || serr, "static check failed without a message");
    for (size_t i = 0; i < names.n; i++) FZ_CHECK(ac_is_var_name(names.items[i]), "bad name listed");

    ac_ival v = { 0 };
    int rrc = ac_interpolate(&step, tmpl, size, &v, &rerr);
    FZ_CHECK(rrc == 0 || rerr, "interpolation failed without a message");
    if (rrc == 0) {
        FZ_CHECK(v.str != NULL && v.str[v.len] == '\0', "result not NUL-terminated");
        FZ_CHECK(src == 0, "interpolated although the static check said: %s", serr);
        if (v.secret) {
            /* Registered for redaction: the redacted text no longer holds the value. */
            size_t n = 0;
            char *red = ac_redact(v.str, v.len, &n);
            if (v.len >= 8 && memchr(v.str, '\0', v.len) == NULL &&
                strspn(v.str, "[]redact:0123456789abcdef") < v.len)
                FZ_CHECK(!mentions(red, n, v.str), "secret value survives redaction");
            free(red);
        }
    } else if (src == 0 && rerr) {
        /* The static check accepted it, so the run-time failure is not a syntax error. */
        FZ_CHECK(strncmp(rerr, "template error", 14) != 0,
                 "lint accepts a template that fails to parse at run time: %s", rerr);
    }
    /* An error message reaches the user after ac_redact: no secret of the scope, in any letter
     * case, may survive that. */
    if (rerr) {
        size_t n = 0;
        char *red = ac_redact(rerr, strlen(rerr), &n);
        for (size_t i = 0; i < root.n; i++) {
            const ac_var *var = &root.vars[i];
            /* The error may quote the template, and the fuzzer may have written the secret
             * into it (it learns compared strings): only a secret it did not write counts. */
            if (!var->secret || var->len < 8 || mentions_ci(tmpl, size, var->value)) continue;
            FZ_CHECK(!mentions(red, n, var->value), "secret '%s' in the error: %s", var->name, red);
            char *up = ac_strdup(var->value), *low = ac_strdup(var->value);
            for (char *q = up; *q; q++) *q = (char)toupper((unsigned char)*q);
            for (char *q = low; *q; q++) *q = (char)tolower((unsigned char)*q);
            FZ_CHECK(!mentions(red, n, up) && !mentions(red, n, low),
                     "case-changed secret '%s' in the error: %s", var->name, red);
            free(up);
            free(low);
        }
        free(red);
    }
    ac_ival_free(&v);
    free(serr);
    free(rerr);
    ac_strlist_free(&names);
    ac_scope_free(&step);
    ac_scope_free(&root);
    ac_redact_reset();
    return 0;
}
