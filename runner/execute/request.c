/* Building concrete requests from case nodes, and the redacted excerpts shown in reports. */
#define _GNU_SOURCE   /* memmem */
#include "request.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "operators.h"
#include "redact.h"
#include "report.h"
#include "util.h"

char *ac_url_join(const char *target, const char *path)
{
    size_t tl = strlen(target);
    while (tl > 0 && target[tl - 1] == '/') tl--;
    while (*path == '/') path++;
    return ac_sprintf("%.*s/%s", (int)tl, target, path);
}

void ac_built_req_free(ac_built_req *r)
{
    if (!r) return;
    free(r->method);
    free(r->url);
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    free(r->connect_to);
    memset(r, 0, sizeof *r);
}

ac_http_req ac_built_req_view(const ac_built_req *r)
{
    ac_http_req v = {
        .method = r->method, .url = r->url, .headers = r->headers, .n_headers = r->n_headers,
        .body = r->body, .body_len = r->body_len, .has_body = r->has_body,
        .follow_redirects = r->follow_redirects, .timeout_s = r->timeout_s,
        .http_version = r->http_version, .connect_to = r->connect_to,
    };
    return v;
}

/* Interpolates a scalar node. Non-scalars are an error (the loader should have caught it). */
static int interp(const yn_node *n, const ac_scope *s, ac_ival *out, char **err)
{
    if (!n || n->kind != YN_SCALAR) {
        *err = ac_strdup("expected a scalar value");
        return -1;
    }
    return ac_interpolate(s, n->str ? n->str : "", n->len, out, err);
}

static void add_header(ac_built_req *r, size_t *cap, const char *name, char *value)
{
    if (r->n_headers == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        r->headers = ac_realloc(r->headers, *cap * sizeof *r->headers);
    }
    r->headers[r->n_headers].name = ac_strdup(name);
    r->headers[r->n_headers].value = value;
    r->n_headers++;
}

/* A value sent where secrets go (a secret-named field, an Authorization header): a literal of the
 * case file is a secret of its own test only (redact.h); anything else is registered run-wide
 * (a value from a secret variable was registered when it was interpolated). */
static void register_secret_value(const ac_ival *iv, const char *v, size_t len)
{
    if (iv->literal) ac_redact_add_literal(v, len);
    else ac_redact_add(v, len);
}

/* An Authorization value is a secret in every form, and so are its credentials alone. */
static void register_auth_value(const ac_ival *iv)
{
    register_secret_value(iv, iv->str, iv->len);
    const char *sp = strchr(iv->str, ' ');
    if (sp) {
        while (*sp == ' ') sp++;
        if (*sp) register_secret_value(iv, sp, strlen(sp));
    }
}

static int build_headers(const yn_node *h, const ac_scope *s, ac_built_req *out, char **err)
{
    size_t cap = 0;
    if (h->kind == YN_MAP) {
        for (size_t i = 0; i < h->n_pairs; i++) {
            const yn_node *v = h->pairs[i].value;
            if (v->kind == YN_SCALAR && !v->quoted && v->stype == YN_NULL) continue;
            ac_ival iv;
            if (interp(v, s, &iv, err) < 0) return -1;
            const char *name = h->pairs[i].key->str;
            if (strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Proxy-Authorization") == 0 ||
                strcasecmp(name, "Cookie") == 0)
                register_auth_value(&iv);
            add_header(out, &cap, name, iv.str);
        }
    } else {
        for (size_t i = 0; i < h->n_items; i++) {
            const yn_node *item = h->items[i];
            const yn_node *name = yn_get(item, "name"), *value = yn_get(item, "value");
            if (!name || !value) {
                *err = ac_strdup("headers list items need name and value");
                return -1;
            }
            ac_ival iv;
            if (interp(value, s, &iv, err) < 0) return -1;
            if (strcasecmp(name->str, "Authorization") == 0) register_auth_value(&iv);
            add_header(out, &cap, name->str, iv.str);
        }
    }
    return 0;
}

/* True when a template reads a variable that is not set: an optional field (`scope?:`) is then
 * left out, so that a parameter some servers require and others reject is sent only when the
 * user configured it. */
static bool reads_unset(const yn_node *v, const ac_scope *s)
{
    if (v->kind != YN_SCALAR || !v->str) return false;
    ac_strlist names = { 0 };
    char *err = NULL;
    bool unset = false;
    if (ac_template_refs(v->str, v->len, &names, NULL, &err) == 0)
        for (size_t i = 0; i < names.n && !unset; i++) unset = !ac_scope_get(s, names.items[i]);
    free(err);
    ac_strlist_free(&names);
    return unset;
}

/* Appends name=value pairs of a map, url-encoded, joined by '&'. Null values are omitted, and so
 * are optional fields (a name ending in '?') whose value reads a variable that is not set. */
static int encode_pairs(const yn_node *m, const ac_scope *s, ac_buf *b, bool secret_fields, char **err)
{
    for (size_t i = 0; i < m->n_pairs; i++) {
        const yn_node *k = m->pairs[i].key, *v = m->pairs[i].value;
        if (v->kind == YN_SCALAR && !v->quoted && v->stype == YN_NULL) continue;
        bool optional = k->kind == YN_SCALAR && k->len > 1 && k->str[k->len - 1] == '?';
        if (optional && reads_unset(v, s)) continue;
        ac_ival kv, vv;
        if (interp(k, s, &kv, err) < 0) return -1;
        if (optional) kv.str[--kv.len] = '\0';
        if (interp(v, s, &vv, err) < 0) {
            ac_ival_free(&kv);
            return -1;
        }
        if (secret_fields && ac_redact_is_secret_key(kv.str) && vv.len > 0) register_secret_value(&vv, vv.str, vv.len);
        if (b->len) ac_buf_putc(b, '&');
        char *ek = ac_urlencode(kv.str, kv.len), *ev = ac_urlencode(vv.str, vv.len);
        ac_buf_printf(b, "%s=%s", ek, ev);
        free(ek);
        free(ev);
        ac_ival_free(&kv);
        ac_ival_free(&vv);
    }
    return 0;
}

/* Whether a scalar node's text holds no template: a literal of the case file. Text with "${"
 * counts as a template (the safe side: run-wide). */
static bool node_is_literal(const yn_node *n)
{
    return n && n->kind == YN_SCALAR && n->str && !memmem(n->str, n->len, "${", 2);
}

/* Registers the strings under secret-named keys of a request's JSON body j, built from node n:
 * each is a literal of the test when the node it came from is one, run-wide otherwise. */
static void register_json_secrets(const yn_node *n, const cJSON *j)
{
    if (!j) return;
    size_t idx = 0;
    for (const cJSON *c = j->child; c; c = c->next, idx++) {
        const yn_node *src = NULL;
        if (n && n->kind == YN_MAP && cJSON_IsObject(j) && c->string) src = yn_get(n, c->string);
        else if (n && n->kind == YN_SEQ && cJSON_IsArray(j) && idx < n->n_items) src = n->items[idx];
        if (cJSON_IsString(c) && c->string && c->valuestring && ac_redact_is_secret_key(c->string)) {
            size_t len = strlen(c->valuestring);
            if (node_is_literal(src) && src->len == len && memcmp(src->str, c->valuestring, len) == 0)
                ac_redact_add_literal(c->valuestring, len);
            else if (len > 0)
                ac_redact_add(c->valuestring, len);
        }
        if (cJSON_IsObject(c) || cJSON_IsArray(c)) register_json_secrets(src, c);
    }
}

static bool has_header(const ac_built_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) return true;
    return false;
}

int ac_request_build(const yn_node *req, const ac_scope *s, const char *target,
                     ac_built_req *out, char **err)
{
    memset(out, 0, sizeof *out);
    ac_ival iv;
    const yn_node *n;
    size_t hcap = 0;

    if ((n = yn_get(req, "method"))) {
        if (interp(n, s, &iv, err) < 0) goto fail;
        out->method = iv.str;
        for (char *p = out->method; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    } else {
        out->method = ac_strdup("GET");
    }

    if ((n = yn_get(req, "url"))) {
        if (interp(n, s, &iv, err) < 0) goto fail;
        out->url = iv.str;
    } else {
        const yn_node *p = yn_get(req, "path");
        if (!target || !*target) {
            *err = ac_strdup("no target: give --target URL (the request uses a path, not a url)");
            goto fail;
        }
        if (p) {
            if (interp(p, s, &iv, err) < 0) goto fail;
            out->url = ac_url_join(target, iv.str);
            ac_ival_free(&iv);
        } else {
            out->url = ac_strdup(target);
        }
    }

    if ((n = yn_get(req, "query")) && n->kind == YN_MAP && n->n_pairs) {
        ac_buf q;
        ac_buf_init(&q);
        if (encode_pairs(n, s, &q, false, err) < 0) {
            ac_buf_free(&q);
            goto fail;
        }
        /* A secret in a query string would land in access logs: still sent when a case asks for
         * it (intrusive tests do), but every value there is redacted like a secret field. */
        char *url = ac_sprintf("%s%c%s", out->url, strchr(out->url, '?') ? '&' : '?', ac_buf_str(&q));
        free(out->url);
        out->url = url;
        ac_buf_free(&q);
    }

    if ((n = yn_get(req, "headers")) && build_headers(n, s, out, err) < 0) goto fail;

    if ((n = yn_get(req, "form"))) {
        ac_buf b;
        ac_buf_init(&b);
        if (encode_pairs(n, s, &b, true, err) < 0) {
            ac_buf_free(&b);
            goto fail;
        }
        out->body_len = b.len;
        out->body = ac_buf_steal(&b);
        out->has_body = true;
        if (!has_header(out, "Content-Type"))
            add_header(out, &hcap, "Content-Type", ac_strdup("application/x-www-form-urlencoded"));
    } else if ((n = yn_get(req, "json"))) {
        /* Same conversion as expected values: secrets met while interpolating are registered
         * by ac_interpolate, and secret-named keys by the scan below. */
        cJSON *j = ac_op_expected(n, s, err);
        if (!j) goto fail;
        register_json_secrets(n, j);
        out->body = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        out->body_len = strlen(out->body);
        out->has_body = true;
        if (!has_header(out, "Content-Type"))
            add_header(out, &hcap, "Content-Type", ac_strdup("application/json"));
    } else if ((n = yn_get(req, "body"))) {
        if (interp(n, s, &iv, err) < 0) goto fail;
        out->body = iv.str;
        out->body_len = iv.len;
        out->has_body = true;
    }

    if ((n = yn_get(req, "timeout"))) {
        if (interp(n, s, &iv, err) < 0) goto fail;
        int rc = ac_parse_duration(iv.str, &out->timeout_s, err);
        ac_ival_free(&iv);
        if (rc < 0) goto fail;
    }
    if ((n = yn_get(req, "follow_redirects"))) out->follow_redirects = n->stype == YN_BOOL && n->b;
    if ((n = yn_get(req, "http_version"))) out->http_version = strcmp(n->str, "2") == 0 ? 2 : 11;
    return 0;
fail:
    ac_built_req_free(out);
    return -1;
}

/* Redacts first, then caps: a cut must never leave a fragment of a secret behind. The cap is
 * the reports' (ac_text_cap: head and tail, never inside a UTF-8 sequence). */
static char *redact_and_cap(const ac_buf *b, size_t cap)
{
    size_t rlen = 0;
    char *raw = ac_redact(ac_buf_str(b), b->len, &rlen);
    /* Bytes a server sent may hold NULs and control characters: make them visible text before
     * the excerpt becomes a C string. */
    char *red = ac_text_visible(raw, rlen);
    free(raw);
    char *out = ac_text_cap(red, cap);
    free(red);
    return out;
}

static void append_header_line(ac_buf *b, const char *name, const char *value)
{
    char *v = ac_redact_whole(value, strlen(value));
    ac_buf_printf(b, "%s: %s\n", name, v);
    free(v);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *urldecode(const char *s, size_t n, size_t *out_len)
{
    char *out = ac_malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Writes name=value pairs, replacing every value that is a secret where it stands whole: short
 * secrets (a 6-character password) are only recognisable as whole form fields or query values. */
static void append_pairs_redacted(ac_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i <= n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        const char *eq = memchr(s + i, '=', end - i);
        if (eq) {
            size_t name_len = (size_t)(eq - (s + i));
            char *name = ac_strndup(s + i, name_len);
            size_t vlen;
            char *val = urldecode(eq + 1, end - (size_t)(eq + 1 - s), &vlen);
            ac_buf_append(b, s + i, name_len + 1);
            char *red = NULL;
            if (ac_redact_is_secret_key(name) && vlen > 0) red = ac_redact_marker(val, vlen);
            else {
                red = ac_redact_whole(val, vlen);
                if (strlen(red) == vlen && memcmp(red, val, vlen) == 0) {
                    free(red);
                    red = NULL;
                }
            }
            if (red) ac_buf_puts(b, red);
            else ac_buf_append(b, eq + 1, end - (size_t)(eq + 1 - s));
            free(red);
            free(val);
            free(name);
        } else {
            ac_buf_append(b, s + i, end - i);
        }
        if (!amp) break;
        ac_buf_putc(b, '&');
        i = end + 1;
    }
}

static bool is_form(const ac_built_req *r)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, "Content-Type") == 0)
            return strncasecmp(r->headers[i].value, "application/x-www-form-urlencoded", 33) == 0;
    return false;
}

char *ac_request_excerpt(const ac_built_req *r, size_t cap)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "%s ", r->method);
    const char *q = strchr(r->url, '?');
    if (q) {
        ac_buf_append(&b, r->url, (size_t)(q - r->url) + 1);
        append_pairs_redacted(&b, q + 1, strlen(q + 1));
    } else {
        ac_buf_puts(&b, r->url);
    }
    ac_buf_putc(&b, '\n');
    for (size_t i = 0; i < r->n_headers; i++) append_header_line(&b, r->headers[i].name, r->headers[i].value);
    if (r->has_body) {
        ac_buf_putc(&b, '\n');
        if (is_form(r)) append_pairs_redacted(&b, r->body, r->body_len);
        else ac_buf_append(&b, r->body, r->body_len);
    }
    char *out = redact_and_cap(&b, cap);
    ac_buf_free(&b);
    return out;
}

char *ac_response_excerpt(const ac_response *r, size_t cap)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "%s %ld\n", r->http_version ? r->http_version : "HTTP/1.1", r->status);
    for (size_t i = 0; i < r->n_headers; i++) append_header_line(&b, r->headers[i].name, r->headers[i].value);
    if (r->body_incomplete)
        ac_buf_printf(&b, "[the connection was closed after the headers (curl: %s); the body is incomplete: "
                          "%zu bytes arrived]\n", r->body_incomplete, r->body_len);
    if (r->body_len) {
        ac_buf_putc(&b, '\n');
        ac_buf_append(&b, r->body, r->body_len);
    }
    char *out = redact_and_cap(&b, cap);
    ac_buf_free(&b);
    return out;
}
