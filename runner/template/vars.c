/* Variable scopes and ${...} template interpolation (syntax and functions: vars.h).
 *
 * A template is parsed into parts (literal text and expression trees) before anything is
 * evaluated, so ac_template_vars() and ac_interpolate() share one parser and a syntax error is
 * reported the same way at load time and at send time. */
#include "vars.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "jwks.h"
#include "jws.h"
#include "jwt.h"
#include "redact.h"
#include "weak_secret.h"

/* Bounds that keep a hostile or mistaken template from exhausting memory or the stack. */
#define VARS_MAX_DEPTH 64
#define VARS_MAX_VALUE (16u * 1024 * 1024)

/* ---- scopes ------------------------------------------------------------------------------ */

void ac_scope_init(ac_scope *s, const ac_scope *parent)
{
    s->vars = NULL;
    s->n = s->cap = 0;
    s->parent = parent;
}

void ac_scope_free(ac_scope *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->vars[i].name);
        if (!s->vars[i].borrowed) free(s->vars[i].value);
    }
    free(s->vars);
    s->vars = NULL;
    s->n = s->cap = 0;
}

/* The variable called name in s (not its parents), created empty when missing; its previous
 * value is released. */
static ac_var *slot(ac_scope *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->vars[i].name, name) == 0) {
            if (!s->vars[i].borrowed) free(s->vars[i].value);
            return &s->vars[i];
        }
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->vars = ac_realloc(s->vars, s->cap * sizeof *s->vars);
    }
    ac_var *v = &s->vars[s->n++];
    v->name = ac_strdup(name);
    return v;
}

void ac_scope_set(ac_scope *s, const char *name, const char *value, size_t len, bool secret,
                  ac_vsrc source)
{
    if (!value) value = "";
    if (secret) ac_redact_add(value, len);
    ac_var *v = slot(s, name);
    v->value = ac_strndup(value, len);
    v->len = len;
    v->secret = secret;
    v->borrowed = false;
    v->source = source;
}

void ac_scope_set_borrowed(ac_scope *s, const char *name, const char *value, size_t len,
                           ac_vsrc source)
{
    ac_var *v = slot(s, name);
    v->value = (char *)(value ? value : "");
    v->len = value ? len : 0;
    v->secret = false;
    v->borrowed = true;
    v->source = source;
}

const ac_var *ac_scope_get(const ac_scope *s, const char *name)
{
    for (; s; s = s->parent)
        for (size_t i = 0; i < s->n; i++)
            if (strcmp(s->vars[i].name, name) == 0) return &s->vars[i];
    return NULL;
}

void ac_ival_free(ac_ival *v)
{
    if (!v) return;
    free(v->str);
    memset(v, 0, sizeof *v);
}

/* ---- values and functions ---------------------------------------------------------------- */

typedef struct val {
    char *s;        /* owned, NUL-terminated */
    size_t len;
    bool secret;
} val;

static void val_free(val *v)
{
    free(v->s);
    v->s = NULL;
    v->len = 0;
}

static val val_take(char *s) { return (val){ s, strlen(s), false }; }

typedef int (*fn_impl)(val *a, size_t n, val *out, char **err);

typedef struct fn_def {
    const char *name;
    size_t min_args, max_args;
    bool untainted;     /* the result reveals nothing of its input (a length, a yes/no) */
    fn_impl impl;
} fn_def;

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

/* The argument as shown in an error: short, and never a secret. */
static char *shown_arg(const val *v)
{
    if (v->secret) return ac_strdup("(a secret value)");
    if (v->len > 40) return ac_sprintf("'%.37s...'", v->s);
    return ac_sprintf("'%s'", v->s);
}

static int arg_int(const char *fn, const char *what, const val *v, long long *out, char **err)
{
    if (parse_ll(v, out)) return 0;
    char *a = shown_arg(v);
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
    char *a = shown_arg(v);
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
        char *s = shown_arg(&a[1]);
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

/* Splits t into its three segments; -1 with "FN(): t is not a JWT: ..." otherwise. */
static int jwt_split(const char *fn, const val *t, char *seg[3], char **err)
{
    const char *d1 = memchr(t->s, '.', t->len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', t->len - (size_t)(d1 + 1 - t->s)) : NULL;
    if (!d2 || memchr(d2 + 1, '.', t->len - (size_t)(d2 + 1 - t->s))) {
        *err = ac_sprintf("%s(): not a JWT: expected 3 segments separated by '.'", fn);
        return -1;
    }
    seg[0] = ac_strndup(t->s, (size_t)(d1 - t->s));
    seg[1] = ac_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    seg[2] = ac_strndup(d2 + 1, t->len - (size_t)(d2 + 1 - t->s));
    return 0;
}

static int jwt_part(val *a, val *out, int which, const char *fn, char **err)
{
    if (which == 2) {
        char *seg[3];
        if (jwt_split(fn, &a[0], seg, err) < 0) return -1;
        free(seg[0]);
        free(seg[1]);
        *out = val_take(seg[2]);
        return 0;
    }
    ac_jwt j;
    char *e = NULL;
    if (ac_jwt_decode(a[0].s, &j, &e) < 0) {
        *err = ac_sprintf("%s(): %s", fn, e);
        free(e);
        return -1;
    }
    /* The decoded bytes as the token carries them, not a re-serialisation. */
    size_t len = 0;
    unsigned char *raw = ac_base64url_decode(j.seg[which], &len);
    ac_jwt_free(&j);
    *out = (val){ (char *)raw, len, false };
    return 0;
}

static int fn_jwt_header(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 0, "jwt_header", err); }
static int fn_jwt_claims(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 1, "jwt_claims", err); }
static int fn_jwt_signature(val *a, size_t n, val *out, char **err) { (void)n; return jwt_part(a, out, 2, "jwt_signature", err); }

static cJSON *parse_json_object(const val *v)
{
    if (strlen(v->s) != v->len) return NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(v->s, v->len + 1, NULL, 1);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* One part of jwt_with(): the token's segment kept as is, or its JSON with patch merged over it. */
static int jwt_with_part(const char *base_seg, const val *patch_arg, const char *what, char **seg_out,
                         char **err)
{
    if (patch_arg->len == 0) {
        *seg_out = ac_strdup(base_seg ? base_seg : "e30");   /* e30 = base64url("{}") */
        return 0;
    }
    cJSON *patch = parse_json_object(patch_arg);
    if (!patch) {
        *err = ac_sprintf("jwt_with(): %s_json is not a JSON object", what);
        return -1;
    }
    cJSON *base = NULL;
    if (base_seg) {
        size_t len = 0;
        unsigned char *raw = ac_base64url_decode(base_seg, &len);
        val v = { (char *)raw, len, false };
        base = raw ? parse_json_object(&v) : NULL;
        free(raw);
        if (!base) {
            cJSON_Delete(patch);
            *err = ac_sprintf("jwt_with(): the token's %s is not a base64url JSON object", what);
            return -1;
        }
    } else {
        base = cJSON_CreateObject();
    }
    for (cJSON *c = patch->child; c; c = c->next) {
        if (cJSON_IsNull(c)) {
            cJSON_DeleteItemFromObjectCaseSensitive(base, c->string);
        } else if (cJSON_GetObjectItemCaseSensitive(base, c->string)) {
            cJSON_ReplaceItemInObjectCaseSensitive(base, c->string, cJSON_Duplicate(c, 1));
        } else {
            cJSON_AddItemToObject(base, c->string, cJSON_Duplicate(c, 1));
        }
    }
    *seg_out = ac_jwt_encode_segment(base);
    cJSON_Delete(base);
    cJSON_Delete(patch);
    return 0;
}

static int fn_jwt_with(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3] = { NULL, NULL, NULL };
    char *h = NULL, *c = NULL;
    /* An empty token builds one from scratch: both parts start as {}. */
    if (a[0].len > 0 && jwt_split("jwt_with", &a[0], seg, err) < 0) return -1;
    int rc = -1;
    if (jwt_with_part(seg[0], &a[1], "header", &h, err) < 0) goto done;
    if (jwt_with_part(seg[1], &a[2], "claims", &c, err) < 0) goto done;
    char *tok = ac_sprintf("%s.%s.%s", h, c, a[3].s);
    *out = val_take(tok);
    rc = 0;
done:
    for (int i = 0; i < 3; i++) free(seg[i]);
    free(h);
    free(c);
    return rc;
}

static int fn_is_jwt(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    bool yes = strlen(a[0].s) == a[0].len && ac_jwt_looks_like(a[0].s);
    *out = val_take(ac_strdup(yes ? "true" : "false"));
    return 0;
}

/* ---- JWS: signing and keys (jws.c, jwks.c) ---- */

/* jws_sign(header_json, claims_json, alg, key): the two JSON texts base64url-encoded byte for
 * byte (so a header may say any alg) and signed with alg and key (HS*: the secret's bytes, empty
 * too; RS/PS/ES: a PEM private key, such as jws_key(alg)). */
/* input (taken) "." its signature by alg and key: the token jws_sign and jws_resign return. */
static int sign_input(const char *fn, char *input, const val *alg, const val *key, val *out, char **err)
{
    char *e = NULL;
    char *sig = ac_jws_sign(alg->s, key->s, key->len, input, strlen(input), &e);
    if (!sig) {
        *err = ac_sprintf("%s(): %s", fn, e);
        free(e);
        free(input);
        return -1;
    }
    *out = val_take(ac_sprintf("%s.%s", input, sig));
    free(input);
    free(sig);
    return 0;
}

static int fn_jws_sign(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *h = ac_base64url_encode(a[0].s, a[0].len), *c = ac_base64url_encode(a[1].s, a[1].len);
    char *input = ac_sprintf("%s.%s", h, c);
    free(h);
    free(c);
    return sign_input("jws_sign", input, &a[2], &a[3], out, err);
}

/* jws_resign(token, alg, key): the token's header and claims segments kept as they are, with a
 * new signature by alg and key. */
static int fn_jws_resign(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_resign", &a[0], seg, err) < 0) return -1;
    char *input = ac_sprintf("%s.%s", seg[0], seg[1]);
    for (int i = 0; i < 3; i++) free(seg[i]);
    return sign_input("jws_resign", input, &a[1], &a[2], out, err);
}

/* jws_verify(token, key): true when the token's signature verifies under key with the alg its
 * header names, false otherwise (also for alg none and unknown algs). */
static int fn_jws_verify(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_verify", &a[0], seg, err) < 0) return -1;
    ac_jwt j;
    char *e = NULL;
    int ok = 0;
    if (ac_jwt_decode(a[0].s, &j, &e) == 0) {
        const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j.header, "alg");
        if (cJSON_IsString(alg) && ac_jws_alg_known(alg->valuestring)) {
            char *input = ac_sprintf("%s.%s", seg[0], seg[1]);
            ok = ac_jws_verify(alg->valuestring, a[1].s, a[1].len, input, strlen(input), seg[2], &e) == 1;
            free(input);
        }
        ac_jwt_free(&j);
    }
    free(e);
    for (int i = 0; i < 3; i++) free(seg[i]);
    *out = val_take(ac_strdup(ok ? "true" : "false"));
    return 0;
}

/* jws_key(alg): the run's own PEM private key for alg, or HMAC secret for HS* (generated once
 * per run). */
static int fn_jws_key(val *a, size_t n, val *out, char **err)
{
    (void)n;
    const char *k = ac_jws_run_key(a[0].s);
    if (!k) {
        char *s = shown_arg(&a[0]);
        *err = ac_sprintf("jws_key(): %s is not HS, RS, PS (256, 384, 512) or ES256/384/512", s);
        free(s);
        return -1;
    }
    *out = val_take(ac_strdup(k));
    return 0;
}

/* jwk_public(key[, kid]): the public JWK of a PEM key or JWK. */
static int fn_jwk_public(val *a, size_t n, val *out, char **err)
{
    char *e = NULL;
    EVP_PKEY *k = ac_jws_load_key(a[0].s, a[0].len, &e);
    char *j = k ? ac_jwk_public(k, n > 1 ? a[1].s : NULL, &e) : NULL;
    EVP_PKEY_free(k);
    if (!j) {
        *err = ac_sprintf("jwk_public(): %s", e);
        free(e);
        return -1;
    }
    *out = val_take(j);
    return 0;
}

/* jwt_weak_secret(t): true when a well-known secret (the embedded dictionary, each entry also
 * base64-decoded) verifies the HS* token's signature; false when none does or the token is not
 * HS*. Never says which one. */
static int fn_jwt_weak_secret(val *a, size_t n, val *out, char **err)
{
    (void)n; (void)err;
    size_t tried = 0;
    int hit = strlen(a[0].s) == a[0].len ? ac_weak_secret_find(a[0].s, &tried) : -1;
    *out = val_take(ac_strdup(hit == 1 ? "true" : "false"));
    return 0;
}

/* jws_zero_signature(t): the token's first two segments with an ECDSA signature r = s = 0 of
 * the size its header's ES* alg needs (the psychic signature, CVE-2022-21449). */
static int fn_jws_zero_signature(val *a, size_t n, val *out, char **err)
{
    (void)n;
    char *seg[3];
    if (jwt_split("jws_zero_signature", &a[0], seg, err) < 0) return -1;
    ac_jwt j;
    char *e = NULL;
    size_t coord = 0;
    if (ac_jwt_decode(a[0].s, &j, &e) == 0) {
        const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j.header, "alg");
        coord = cJSON_IsString(alg) ? ac_jws_ec_coord_len(alg->valuestring) : 0;
        ac_jwt_free(&j);
    }
    free(e);
    if (!coord) {
        *err = ac_strdup("jws_zero_signature(): the token's alg is not ES256, ES384 or ES512");
    } else {
        unsigned char zero[2 * 66] = { 0 };
        char *sig = ac_base64url_encode(zero, 2 * coord);
        *out = val_take(ac_sprintf("%s.%s.%s", seg[0], seg[1], sig));
        free(sig);
    }
    for (int i = 0; i < 3; i++) free(seg[i]);
    return coord ? 0 : -1;
}

/* The kid key_as_secret() looks for: the argument, or when it is a JWT the kid of its header
 * (NULL when it has none). Caller frees. */
static char *kid_of(const val *v)
{
    if (!(strlen(v->s) == v->len && ac_jwt_looks_like(v->s))) return ac_strdup(v->s);
    ac_jwt j;
    char *e = NULL, *kid = NULL;
    if (ac_jwt_decode(v->s, &j, &e) == 0) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(j.header, "kid");
        if (cJSON_IsString(k)) kid = ac_strdup(k->valuestring);
        ac_jwt_free(&j);
    }
    free(e);
    return kid;
}

/* key_as_secret(jwks, encoding[, kid]): the public key of a JWKS (the key with kid, else the
 * first RSA or EC key; kid may be a JWT, whose header's kid counts) or of a JWK or PEM key, in
 * one of the encodings of ac_key_as_secret. */
static int fn_key_as_secret(val *a, size_t n, val *out, char **err)
{
    char *e = NULL;
    EVP_PKEY *k = NULL;
    char *jwk_text = NULL;
    size_t i = 0;
    while (i < a[0].len && isspace((unsigned char)a[0].s[i])) i++;
    if (i < a[0].len && a[0].s[i] == '{') {
        char *kid = n > 2 ? kid_of(&a[2]) : NULL;
        cJSON *jwk = ac_jwks_select(a[0].s, a[0].len, kid, &e);
        free(kid);
        if (jwk) {
            k = ac_jwk_to_pkey(jwk, &e);
            jwk_text = cJSON_PrintUnformatted(jwk);
            cJSON_Delete(jwk);
        }
    } else {
        k = ac_jws_load_key(a[0].s, a[0].len, &e);
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (k) {
        free(e);
        e = NULL;
        if (ac_key_as_secret(k, jwk_text, a[1].s, &bytes, &len, &e) < 0) bytes = NULL;
    }
    EVP_PKEY_free(k);
    free(jwk_text);
    if (!bytes) {
        *err = strncmp(e ? e : "", "key_as_secret", 13) == 0 ? e : ac_sprintf("key_as_secret(): %s", e);
        if (*err != e) free(e);
        return -1;
    }
    char *s = ac_malloc(len + 1);
    memcpy(s, bytes, len);
    s[len] = '\0';
    free(bytes);
    *out = (val){ s, len, false };
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

#define MANY ((size_t)-1)
/* Sorted by name for bsearch. */
static const fn_def FUNCS[] = {
    { "add", 2, 2, false, fn_add },
    { "base64", 1, 1, false, fn_base64 },
    { "base64url", 1, 1, false, fn_base64url },
    { "concat", 1, MANY, false, fn_concat },
    { "count", 1, 1, true, fn_count },
    { "flip_at", 2, 2, false, fn_flip_at },
    { "is_jwt", 1, 1, true, fn_is_jwt },
    { "json", 2, 2, false, fn_json },
    { "jwk_public", 1, 2, false, fn_jwk_public },
    { "jws_key", 1, 1, false, fn_jws_key },
    { "jws_resign", 3, 3, false, fn_jws_resign },
    { "jws_sign", 4, 4, false, fn_jws_sign },
    { "jws_verify", 2, 2, true, fn_jws_verify },
    { "jws_zero_signature", 1, 1, false, fn_jws_zero_signature },
    { "jwt_claims", 1, 1, false, fn_jwt_claims },
    { "jwt_header", 1, 1, false, fn_jwt_header },
    { "jwt_signature", 1, 1, false, fn_jwt_signature },
    { "jwt_weak_secret", 1, 1, true, fn_jwt_weak_secret },
    { "jwt_with", 4, 4, false, fn_jwt_with },
    { "key_as_secret", 2, 3, false, fn_key_as_secret },
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

static const fn_def *fn_find(const char *name)
{
    return bsearch(name, FUNCS, sizeof FUNCS / sizeof *FUNCS, sizeof *FUNCS, fn_cmp);
}

static bool is_builtin(const char *name)
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

static int eval_builtin(const char *name, val *out, char **err)
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

/* ---- parsing ----------------------------------------------------------------------------- */

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

typedef struct parser {
    const char *s;
    size_t len, pos;
    size_t expr_start;   /* where the current ${ began, for error messages */
    char **err;
} parser;

static void ex_free(ex *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n_args; i++) ex_free(e->args[i]);
    free(e->args);
    free(e->text);
    free(e);
}

static void tmpl_free(tmpl *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->parts[i].lit);
        ex_free(t->parts[i].expr);
    }
    free(t->parts);
    t->parts = NULL;
    t->n = 0;
}

static void tmpl_push(tmpl *t, part p)
{
    t->parts = ac_realloc(t->parts, (t->n + 1) * sizeof *t->parts);
    t->parts[t->n++] = p;
}

/* "template error in '${repeat('a', ': expected ..." quoting the expression up to the error. */
static int perr(parser *p, const char *msg)
{
    size_t n = p->pos - p->expr_start + (p->pos < p->len ? 1 : 0);
    if (n > 60) n = 60;
    *p->err = ac_sprintf("template error in '%.*s': %s", (int)n, p->s + p->expr_start, msg);
    return -1;
}

static char peek(const parser *p) { return p->pos < p->len ? p->s[p->pos] : '\0'; }

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')) p->pos++;
}

static bool ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static char *read_ident(parser *p)
{
    size_t start = p->pos;
    while (p->pos < p->len && ident_char(p->s[p->pos])) p->pos++;
    return ac_strndup(p->s + start, p->pos - start);
}

static ex *parse_expr(parser *p, int depth);

static ex *ex_new(ex_kind k, char *text, size_t len)
{
    ex *e = ac_calloc(1, sizeof *e);
    e->kind = k;
    e->text = text;
    e->len = len;
    return e;
}

/* 'text' or "text"; the quote character doubled stands for itself, a backslash is an ordinary
 * character (so JSON with escapes can be written inside quotes unchanged). */
static ex *parse_quoted(parser *p)
{
    char q = p->s[p->pos++];
    ac_buf b;
    ac_buf_init(&b);
    for (;;) {
        if (p->pos >= p->len) {
            ac_buf_free(&b);
            perr(p, "unterminated quoted text");
            return NULL;
        }
        char c = p->s[p->pos++];
        if (c == q) {
            if (peek(p) != q) break;
            p->pos++;
        }
        ac_buf_putc(&b, c);
    }
    size_t len = b.len;
    return ex_new(EX_LIT, ac_buf_steal(&b), len);
}

static ex *parse_number(parser *p)
{
    size_t start = p->pos;
    if (peek(p) == '-' || peek(p) == '+') p->pos++;
    while (isdigit((unsigned char)peek(p))) p->pos++;
    if (peek(p) == '.') {
        p->pos++;
        if (!isdigit((unsigned char)peek(p))) {
            perr(p, "expected a digit after '.'");
            return NULL;
        }
        while (isdigit((unsigned char)peek(p))) p->pos++;
    }
    if (ident_char(peek(p))) {
        perr(p, "unexpected character after a number");
        return NULL;
    }
    return ex_new(EX_LIT, ac_strndup(p->s + start, p->pos - start), p->pos - start);
}

static ex *parse_call(parser *p, char *name, int depth)
{
    const fn_def *fn = fn_find(name);
    if (!fn) {
        char *m = is_builtin(name) ? ac_sprintf("%s is a built-in value, not a function: write ${%s}", name, name)
                                   : ac_sprintf("unknown function '%s'", name);
        perr(p, m);
        free(m);
        free(name);
        return NULL;
    }
    ex *e = ex_new(EX_CALL, name, strlen(name));
    e->fn = fn;
    p->pos++;   /* '(' */
    skip_ws(p);
    if (peek(p) != ')') {
        for (;;) {
            ex *arg = parse_expr(p, depth + 1);
            if (!arg) goto fail;
            e->args = ac_realloc(e->args, (e->n_args + 1) * sizeof *e->args);
            e->args[e->n_args++] = arg;
            skip_ws(p);
            if (peek(p) == ',') {
                p->pos++;
                continue;
            }
            if (peek(p) == ')') break;
            char *m = ac_sprintf("expected ',' or ')' in the arguments of %s()", name);
            perr(p, m);
            free(m);
            goto fail;
        }
    }
    p->pos++;   /* ')' */
    if (e->n_args < fn->min_args || e->n_args > fn->max_args) {
        char *m;
        if (fn->max_args == MANY)
            m = ac_sprintf("%s() takes at least %zu argument%s, got %zu", name, fn->min_args,
                           fn->min_args == 1 ? "" : "s", e->n_args);
        else if (fn->min_args != fn->max_args)
            m = ac_sprintf("%s() takes %zu or %zu arguments, got %zu", name, fn->min_args, fn->max_args, e->n_args);
        else
            m = ac_sprintf("%s() takes %zu argument%s, got %zu", name, fn->min_args, fn->min_args == 1 ? "" : "s",
                           e->n_args);
        perr(p, m);
        free(m);
        goto fail;
    }
    return e;
fail:
    ex_free(e);
    return NULL;
}

static ex *parse_expr(parser *p, int depth)
{
    if (depth > VARS_MAX_DEPTH) {
        perr(p, "expression nested too deeply");
        return NULL;
    }
    skip_ws(p);
    char c = peek(p);
    if (c == '\'' || c == '"') return parse_quoted(p);
    if (isdigit((unsigned char)c) ||
        ((c == '-' || c == '+') && p->pos + 1 < p->len && isdigit((unsigned char)p->s[p->pos + 1])))
        return parse_number(p);
    if (!ident_start(c)) {
        perr(p, "expected a variable name, a function call, quoted text or a number");
        return NULL;
    }
    char *name = read_ident(p);
    if (strcmp(name, "env") == 0 && peek(p) == ':') {
        free(name);
        p->pos++;
        if (!ident_start(peek(p))) {
            perr(p, "expected an environment variable name after 'env:'");
            return NULL;
        }
        name = read_ident(p);
        return ex_new(EX_ENV, name, strlen(name));
    }
    size_t after_name = p->pos;
    skip_ws(p);
    if (peek(p) == '(') return parse_call(p, name, depth);
    p->pos = after_name;
    return ex_new(is_builtin(name) ? EX_BUILTIN : EX_VAR, name, strlen(name));
}

static int tmpl_parse(const char *s, size_t len, tmpl *t, char **err)
{
    t->parts = NULL;
    t->n = 0;
    parser p = { .s = s, .len = len, .err = err };
    ac_buf lit;
    ac_buf_init(&lit);
    while (p.pos < len) {
        if (s[p.pos] == '$' && p.pos + 2 < len && s[p.pos + 1] == '$' && s[p.pos + 2] == '{') {
            ac_buf_append(&lit, "${", 2);
            p.pos += 3;
            continue;
        }
        if (s[p.pos] == '$' && p.pos + 1 < len && s[p.pos + 1] == '{') {
            if (lit.len) {
                size_t n = lit.len;
                tmpl_push(t, (part){ .lit = ac_buf_steal(&lit), .lit_len = n });
            }
            p.expr_start = p.pos;
            p.pos += 2;
            ex *e = parse_expr(&p, 0);
            if (!e) goto fail;
            skip_ws(&p);
            if (peek(&p) != '}') {
                ex_free(e);
                perr(&p, p.pos >= len ? "missing '}'" : "expected '}'");
                goto fail;
            }
            p.pos++;
            tmpl_push(t, (part){ .is_expr = true, .expr = e });
            continue;
        }
        ac_buf_putc(&lit, s[p.pos++]);
    }
    if (lit.len) {
        size_t n = lit.len;
        tmpl_push(t, (part){ .lit = ac_buf_steal(&lit), .lit_len = n });
    }
    return 0;
fail:
    ac_buf_free(&lit);
    tmpl_free(t);
    return -1;
}

/* ---- evaluation -------------------------------------------------------------------------- */

static int eval_ex(const ex *e, const ac_scope *sc, val *out, char **err)
{
    switch (e->kind) {
    case EX_LIT:
        *out = (val){ ac_strndup(e->text, e->len), e->len, false };
        return 0;
    case EX_BUILTIN:
        return eval_builtin(e->text, out, err);
    case EX_ENV: {
        const char *v = getenv(e->text);
        if (!v) {
            *err = ac_sprintf("environment variable '%s' is not set", e->text);
            return -1;
        }
        *out = val_take(ac_strdup(v));
        return 0;
    }
    case EX_VAR: {
        const ac_var *v = sc ? ac_scope_get(sc, e->text) : NULL;
        if (!v) {
            *err = ac_sprintf("undefined variable '%s'", e->text);
            return -1;
        }
        *out = (val){ ac_strndup(v->value, v->len), v->len, v->secret };
        return 0;
    }
    case EX_CALL: {
        val *args = ac_calloc(e->n_args ? e->n_args : 1, sizeof *args);
        bool secret = false;
        int rc = 0;
        size_t done = 0;
        for (; done < e->n_args; done++) {
            if ((rc = eval_ex(e->args[done], sc, &args[done], err)) < 0) break;
            secret |= args[done].secret;
        }
        if (rc == 0) {
            rc = e->fn->impl(args, e->n_args, out, err);
            if (rc == 0 && out->len > VARS_MAX_VALUE) {
                val_free(out);
                *err = ac_sprintf("%s(): the result exceeds %u bytes", e->fn->name, VARS_MAX_VALUE);
                rc = -1;
            }
            if (rc == 0) {
                out->secret = secret && !e->fn->untainted;
                /* Each derived secret is registered on its own: it may be echoed without the
                 * text around it. */
                if (out->secret) ac_redact_add(out->s, out->len);
            }
        }
        for (size_t i = 0; i < done; i++) val_free(&args[i]);
        free(args);
        return rc;
    }
    }
    return -1;
}

static int interpolate(const ac_scope *s, const char *tmpl_text, size_t len, ac_ival *out, char **err);

int ac_interpolate(const ac_scope *s, const char *tmpl_text, size_t len, ac_ival *out, char **err)
{
    memset(out, 0, sizeof *out);
    char *unused = NULL;
    if (!err) err = &unused;   /* a caller that only wants success or failure */
    int rc = interpolate(s, tmpl_text, len, out, err);
    free(unused);
    return rc;
}

static int interpolate(const ac_scope *s, const char *tmpl_text, size_t len, ac_ival *out, char **err)
{
    tmpl t;
    if (tmpl_parse(tmpl_text ? tmpl_text : "", tmpl_text ? len : 0, &t, err) < 0) return -1;
    ac_buf b;
    ac_buf_init(&b);
    bool secret = false;
    for (size_t i = 0; i < t.n; i++) {
        if (!t.parts[i].is_expr) {
            ac_buf_append(&b, t.parts[i].lit, t.parts[i].lit_len);
            continue;
        }
        val v;
        if (eval_ex(t.parts[i].expr, s, &v, err) < 0) {
            ac_buf_free(&b);
            tmpl_free(&t);
            return -1;
        }
        ac_buf_append(&b, v.s, v.len);
        secret |= v.secret;
        val_free(&v);
    }
    out->whole_expr = t.n == 1 && t.parts[0].is_expr;
    out->literal = true;
    for (size_t i = 0; i < t.n; i++) out->literal &= !t.parts[i].is_expr;
    tmpl_free(&t);
    out->len = b.len;
    out->str = ac_buf_steal(&b);
    out->secret = secret;
    if (secret) ac_redact_add(out->str, out->len);
    return 0;
}

/* Appends, once each, the variables an expression reads to names and its env: names to env
 * (when not NULL). */
static void collect_refs(const ex *e, ac_strlist *names, ac_strlist *env)
{
    if (e->kind == EX_VAR && !ac_strlist_contains(names, e->text)) ac_strlist_push(names, e->text);
    if (e->kind == EX_ENV && env && !ac_strlist_contains(env, e->text)) ac_strlist_push(env, e->text);
    for (size_t i = 0; i < e->n_args; i++) collect_refs(e->args[i], names, env);
}

int ac_template_refs(const char *tmpl_text, size_t len, ac_strlist *names, ac_strlist *env,
                     char **err)
{
    tmpl t;
    char *unused = NULL;
    if (tmpl_parse(tmpl_text ? tmpl_text : "", tmpl_text ? len : 0, &t, err ? err : &unused) < 0) {
        free(unused);
        return -1;
    }
    for (size_t i = 0; i < t.n; i++)
        if (t.parts[i].is_expr) collect_refs(t.parts[i].expr, names, env);
    tmpl_free(&t);
    return 0;
}

int ac_template_vars(const char *tmpl_text, size_t len, ac_strlist *names, char **err)
{
    return ac_template_refs(tmpl_text, len, names, NULL, err);
}
