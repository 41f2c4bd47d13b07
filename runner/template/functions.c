/* The template function library (base64, repeat, substr, add, json, ...) and the built-in
 * values now, uuid and random; the JWT and JWS functions live in functions_jwt.c. */
#include "template_impl.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"

/* Strict integer: optional sign and digits only. */
static bool parse_ll(const val *v, long long *out)
{
    const char *s = v->s;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (v->len == i || v->len > 20) return false;
    for (size_t k = i; k < v->len; k++)
        if (!isdigit((unsigned char)s[k])) return false;
    errno = 0;
    long long r = strtoll(s, NULL, 10);
    if (errno == ERANGE) return false;
    *out = r;
    return true;
}

static bool parse_num(const val *v, double *out)
{
    if (v->len == 0 || isspace((unsigned char)v->s[0])) return false;
    char *end;
    errno = 0;
    double d = strtod(v->s, &end);
    if (end != v->s + v->len || errno == ERANGE || !isfinite(d)) return false;
    *out = d;
    return true;
}

char *ac_tmpl_shown_arg(const val *v)
{
    if (v->secret) return ac_strdup("(a secret value)");
    if (v->len > 40) return ac_sprintf("'%.37s...'", v->s);
    return ac_sprintf("'%s'", v->s);
}

static int arg_int(const char *fn, const char *what, const val *v, long long *out, char **err)
{
    if (parse_ll(v, out)) return 0;
    char *a = ac_tmpl_shown_arg(v);
    *err = ac_sprintf("%s(): %s must be an integer, got %s", fn, what, a);
    free(a);
    return -1;
}

static int arg_num(const char *fn, const val *v, double *d, long long *i, bool *is_int, char **err)
{
    if (parse_ll(v, i)) {
        *is_int = true;
        *d = (double)*i;
        return 0;
    }
    *is_int = false;
    if (parse_num(v, d)) return 0;
    char *a = ac_tmpl_shown_arg(v);
    *err = ac_sprintf("%s(): %s is not a number", fn, a);
    free(a);
    return -1;
}

static int fn_base64(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    *out = val_take(ac_base64_encode(a[0].s, a[0].len));
    return 0;
}

static int fn_base64url(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    *out = val_take(ac_base64url_encode(a[0].s, a[0].len));
    return 0;
}

static int fn_urlencode(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    *out = val_take(ac_urlencode(a[0].s, a[0].len));
    return 0;
}

static int fn_repeat(val *a, size_t n, val *out, char **err)
{
    (void)n;
    long long k;
    if (!parse_ll(&a[1], &k) || k < 0) {
        char *s = ac_tmpl_shown_arg(&a[1]);
        *err = ac_sprintf("repeat(): n must be a non-negative integer, got %s", s);
        free(s);
        return -1;
    }
    if (a[0].len > 0 && (unsigned long long)k > VARS_MAX_VALUE / a[0].len) {
        *err = ac_sprintf("repeat(): the result would exceed %u bytes", VARS_MAX_VALUE);
        return -1;
    }
    size_t total = a[0].len * (size_t)k;
    char *s = ac_malloc(total + 1);
    for (long long i = 0; i < k; i++) memcpy(s + (size_t)i * a[0].len, a[0].s, a[0].len);
    s[total] = '\0';
    *out = (val){ s, total, false };
    return 0;
}

static int change_case(val *a, val *out, bool up)
{
    char *s = ac_strndup(a[0].s, a[0].len);
    for (size_t i = 0; i < a[0].len; i++)
        s[i] = (char)(up ? toupper((unsigned char)s[i]) : tolower((unsigned char)s[i]));
    *out = (val){ s, a[0].len, false };
    return 0;
}

static int fn_upper(val *a, size_t n, val *out, char **err) { (void)n; (void)err; return change_case(a, out, true); }

/* Every ASCII letter's case inverted: a token with "its case changed" for altered-token checks,
 * guaranteed to differ from the original whenever it has a letter at all. */
static int fn_swapcase(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    char *s = ac_strndup(a[0].s, a[0].len);
    for (size_t i = 0; i < a[0].len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c)) s[i] = (char)tolower(c);
        else if (islower(c)) s[i] = (char)toupper(c);
    }
    *out = (val){ s, a[0].len, false };
    return 0;
}
static int fn_lower(val *a, size_t n, val *out, char **err) { (void)n; (void)err; return change_case(a, out, false); }

/* Resolves a possibly negative index into s; -1 with *err when outside the string. */
static int resolve_index(const char *fn, const val *s, const val *idx, size_t *pos, char **err)
{
    long long i;
    if (arg_int(fn, "index", idx, &i, err) < 0) return -1;
    long long n = (long long)s->len;
    long long r = i < 0 ? n + i : i;
    if (r < 0 || r >= n) {
        *err = ac_sprintf("%s(): index %lld is out of range for a string of %lld bytes", fn, i, n);
        return -1;
    }
    *pos = (size_t)r;
    return 0;
}

static int fn_replace_at(val *a, size_t n, val *out, char **err)
{
    (void)n;
    size_t pos;
    if (resolve_index("replace_at", &a[0], &a[1], &pos, err) < 0) return -1;
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_append(&b, a[0].s, pos);
    ac_buf_append(&b, a[2].s, a[2].len);
    ac_buf_append(&b, a[0].s + pos + 1, a[0].len - pos - 1);
    size_t len = b.len;
    *out = (val){ ac_buf_steal(&b), len, false };
    return 0;
}

static const char B64URL_ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The replacement differs in the highest of the character's six bits, which is a data bit even
 * in the last character of a segment (whose low bits may be padding a decoder ignores), so the
 * decoded bytes are guaranteed to change. Characters outside the alphabet become 'A'. */
static int fn_flip_at(val *a, size_t n, val *out, char **err)
{
    (void)n;
    size_t pos;
    if (resolve_index("flip_at", &a[0], &a[1], &pos, err) < 0) return -1;
    char *s = ac_strndup(a[0].s, a[0].len);
    const char *p = s[pos] ? strchr(B64URL_ALPHABET, s[pos]) : NULL;
    s[pos] = p ? B64URL_ALPHABET[(p - B64URL_ALPHABET) ^ 32] : 'A';
    *out = (val){ s, a[0].len, false };
    return 0;
}

static int fn_substr(val *a, size_t n, val *out, char **err)
{
    long long start, len = -1;
    if (arg_int("substr", "start", &a[1], &start, err) < 0) return -1;
    if (n > 2) {
        if (arg_int("substr", "len", &a[2], &len, err) < 0) return -1;
        if (len < 0) {
            *err = ac_sprintf("substr(): len must not be negative, got %lld", len);
            return -1;
        }
    }
    long long size = (long long)a[0].len;
    if (start < 0) start = size + start < 0 ? 0 : size + start;
    if (start > size) start = size;
    long long avail = size - start;
    if (len < 0 || len > avail) len = avail;
    *out = (val){ ac_strndup(a[0].s + start, (size_t)len), (size_t)len, false };
    return 0;
}

static int fn_concat(val *a, size_t n, val *out, char **err)
{
    (void)err;
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; i < n; i++) ac_buf_append(&b, a[i].s, a[i].len);
    size_t len = b.len;
    *out = (val){ ac_buf_steal(&b), len, false };
    return 0;
}

static int fn_len(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    *out = val_take(ac_sprintf("%zu", a[0].len));
    return 0;
}

static int arith(const char *fn, val *a, val *out, int sign, char **err)
{
    double x, y;
    long long xi, yi, r;
    bool x_int, y_int;
    if (arg_num(fn, &a[0], &x, &xi, &x_int, err) < 0 || arg_num(fn, &a[1], &y, &yi, &y_int, err) < 0)
        return -1;
    if (x_int && y_int &&
        !(sign > 0 ? __builtin_add_overflow(xi, yi, &r) : __builtin_sub_overflow(xi, yi, &r))) {
        *out = val_take(ac_sprintf("%lld", r));
        return 0;
    }
    *out = val_take(ac_number_text(sign > 0 ? x + y : x - y));
    return 0;
}

static int fn_add(val *a, size_t n, val *out, char **err) { (void)n; return arith("add", a, out, 1, err); }
static int fn_sub(val *a, size_t n, val *out, char **err) { (void)n; return arith("sub", a, out, -1, err); }

/* min(a, b, ...): the smallest number, as given (a bound that must hold for two reasons at once,
 * such as a revocation wait that must end before the token could have expired anyway). */
static int fn_min(val *a, size_t n, val *out, char **err)
{
    size_t best = 0;
    double bx = 0;
    for (size_t i = 0; i < n; i++) {
        double x;
        long long xi;
        bool is_int;
        if (arg_num("min", &a[i], &x, &xi, &is_int, err) < 0) return -1;
        if (i == 0 || x < bx) {
            best = i;
            bx = x;
        }
    }
    *out = val_take(ac_strndup(a[best].s, a[best].len));
    return 0;
}
/* count(json_text): the number of elements of a JSON array or members of an object. */
static int fn_count(val *a, size_t n, val *out, char **err)
{
    (void)n;
    cJSON *doc = strlen(a[0].s) == a[0].len ? cJSON_ParseWithLengthOpts(a[0].s, a[0].len + 1, NULL, 1) : NULL;
    if (!doc || !(cJSON_IsArray(doc) || cJSON_IsObject(doc))) {
        cJSON_Delete(doc);
        *err = ac_strdup("count(): the argument is not a JSON array or object");
        return -1;
    }
    *out = val_take(ac_sprintf("%d", cJSON_GetArraySize(doc)));
    cJSON_Delete(doc);
    return 0;
}

static int fn_json(val *a, size_t n, val *out, char **err)
{
    (void)n;
    cJSON *doc = strlen(a[0].s) == a[0].len ? cJSON_ParseWithLengthOpts(a[0].s, a[0].len + 1, NULL, 1) : NULL;
    if (!doc) {
        *err = ac_strdup("json(): the first argument is not JSON");
        return -1;
    }
    ac_jp_result r;
    int rc = -1;
    if (ac_jsonpath_eval(doc, a[1].s, &r, err) < 0) {
        char *e = *err;
        *err = ac_sprintf("json(): %s", e);
        free(e);
    } else if (r.n != 1) {
        *err = r.n == 0 ? ac_sprintf("json(): no value at %s", a[1].s)
                        : ac_sprintf("json(): %s matched %zu values, expected one", a[1].s, r.n);
    } else {
        *out = val_take(ac_json_text(r.items[0]));
        rc = 0;
    }
    ac_jp_result_free(&r);
    cJSON_Delete(doc);
    return rc;
}

/* Sorted by name for bsearch. */
static const fn_def FUNCS[] = {
    { "add", 2, 2, false, fn_add },
    { "base64", 1, 1, false, fn_base64 },
    { "base64url", 1, 1, false, fn_base64url },
    { "concat", 1, MANY, false, fn_concat },
    { "count", 1, 1, true, fn_count },
    { "flip_at", 2, 2, false, fn_flip_at },
    { "json", 2, 2, false, fn_json },
    { "len", 1, 1, true, fn_len },
    { "lower", 1, 1, false, fn_lower },
    { "min", 2, MANY, false, fn_min },
    { "repeat", 2, 2, false, fn_repeat },
    { "replace_at", 3, 3, false, fn_replace_at },
    { "sub", 2, 2, false, fn_sub },
    { "substr", 2, 3, false, fn_substr },
    { "swapcase", 1, 1, false, fn_swapcase },
    { "upper", 1, 1, false, fn_upper },
    { "urlencode", 1, 1, false, fn_urlencode },
};

static int fn_cmp(const void *key, const void *def)
{
    return strcmp(key, ((const fn_def *)def)->name);
}

const fn_def *ac_tmpl_fn_find(const char *name)
{
    const fn_def *f = bsearch(name, FUNCS, sizeof FUNCS / sizeof *FUNCS, sizeof *FUNCS, fn_cmp);
    return f ? f : bsearch(name, ac_tmpl_jwt_fns, ac_tmpl_jwt_fns_n, sizeof *ac_tmpl_jwt_fns, fn_cmp);
}

bool ac_tmpl_is_builtin(const char *name)
{
    return strcmp(name, "now") == 0 || strcmp(name, "uuid") == 0 || strcmp(name, "random") == 0;
}

static int random_hex(unsigned char *bytes, size_t n, char **err)
{
    if (RAND_bytes(bytes, (int)n) != 1) {
        *err = ac_strdup("random: the system random generator failed");
        return -1;
    }
    return 0;
}

int ac_tmpl_eval_builtin(const char *name, val *out, char **err)
{
    static const char hex[] = "0123456789abcdef";
    if (strcmp(name, "now") == 0) {
        *out = val_take(ac_sprintf("%lld", (long long)ac_wall_time()));
        return 0;
    }
    unsigned char b[16];
    if (strcmp(name, "random") == 0) {
        if (random_hex(b, 8, err) < 0) return -1;
        char s[17];
        for (int i = 0; i < 8; i++) {
            s[2 * i] = hex[b[i] >> 4];
            s[2 * i + 1] = hex[b[i] & 15];
        }
        s[16] = '\0';
        *out = val_take(ac_strdup(s));
        return 0;
    }
    /* uuid: RFC 4122 version 4 (random), variant 10xx. */
    if (random_hex(b, 16, err) < 0) return -1;
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    char s[37];
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s[o++] = '-';
        s[o++] = hex[b[i] >> 4];
        s[o++] = hex[b[i] & 15];
    }
    s[o] = '\0';
    *out = val_take(ac_strdup(s));
    return 0;
}
