/* YAML 1.2 core schema resolution (https://yaml.org/spec/1.2.2/#1032-tag-resolution). */
#include "coreschema.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool is_one_of(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0) return true;
    return false;
}

static bool all_digits(const char *s, size_t len, int base)
{
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = base == 8 ? (c >= '0' && c <= '7')
                : base == 16 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
                : (c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool is_float_text(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') { i++; int_digits++; }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') { i++; frac_digits++; }
    }
    if (int_digits == 0 && frac_digits == 0) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+')) i++;
        size_t exp_digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') { i++; exp_digits++; }
        if (exp_digits == 0) return false;
    }
    return i == len;
}

ac_scalar ac_core_resolve(const char *s, size_t len)
{
    static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
    static const char *const trues[] = { "true", "True", "TRUE", NULL };
    static const char *const falses[] = { "false", "False", "FALSE", NULL };
    static const char *const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
    static const char *const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };
    static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
    ac_scalar r = { .type = YN_STR };
    if (len == 0 || is_one_of(s, len, nulls)) { r.type = YN_NULL; return r; }
    if (is_one_of(s, len, trues)) { r.type = YN_BOOL; r.b = true; return r; }
    if (is_one_of(s, len, falses)) { r.type = YN_BOOL; r.b = false; return r; }
    if (memchr(s, '\0', len)) return r;

    char *text = ac_strndup(s, len);
    const char *digits = text;
    int base = 10;
    if (len > 2 && text[0] == '0' && text[1] == 'o') { base = 8; digits = text + 2; }
    else if (len > 2 && text[0] == '0' && text[1] == 'x') { base = 16; digits = text + 2; }
    else if (text[0] == '-' || text[0] == '+') digits = text + 1;
    if (all_digits(digits, strlen(digits), base)) {
        errno = 0;
        long long v = strtoll(base == 10 ? text : digits, NULL, base);
        if (errno == 0) {
            r.type = YN_INT;
            r.i = v;
            r.f = (double)v;
        } else {          /* too large for 64 bits: still a number */
            r.type = YN_FLOAT;
            r.f = strtod(text, NULL);
        }
    } else if (is_one_of(s, len, infs)) {
        r.type = YN_FLOAT; r.f = INFINITY;
    } else if (is_one_of(s, len, ninfs)) {
        r.type = YN_FLOAT; r.f = -INFINITY;
    } else if (is_one_of(s, len, nans)) {
        r.type = YN_FLOAT; r.f = NAN;
    } else if (is_float_text(text, len)) {
        r.type = YN_FLOAT; r.f = strtod(text, NULL);
    }
    free(text);
    return r;
}
