/* The leaf every layer uses: allocation that aborts on OOM, growable buffers, string lists and
 * string predicates, and the monotonic clock. It lives with the result model because the result and its writers need it and
 * must not depend on the runner; runner/util/util.h includes it, so runner code is unchanged. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void oom(size_t n)
{
    fprintf(stderr, "authconform: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *ac_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *ac_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *ac_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *ac_strdup(const char *s)
{
    return s ? ac_strndup(s, strlen(s)) : NULL;
}

char *ac_strndup(const char *s, size_t n)
{
    char *p = ac_malloc(n + 1);
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ac_sprintf(const char *fmt, ...)
{
    ac_buf b;
    ac_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ac_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return ac_buf_steal(&b);
}

void ac_buf_init(ac_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void ac_buf_free(ac_buf *b)
{
    if (!b) return;
    free(b->data);
    ac_buf_init(b);
}

void ac_buf_reset(ac_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static void buf_reserve(ac_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = ac_realloc(b->data, cap);
    b->cap = cap;
}

void ac_buf_append(ac_buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ac_buf_puts(ac_buf *b, const char *s)
{
    ac_buf_append(b, s, strlen(s));
}

void ac_buf_putc(ac_buf *b, char c)
{
    ac_buf_append(b, &c, 1);
}

void ac_buf_vprintf(ac_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ac_buf_printf(ac_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ac_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *ac_buf_str(const ac_buf *b)
{
    return b->data ? b->data : "";
}

char *ac_buf_steal(ac_buf *b)
{
    char *s = b->data ? b->data : ac_strdup("");
    ac_buf_init(b);
    return s;
}

void ac_strlist_free(ac_strlist *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

void ac_strlist_push_owned(ac_strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = ac_realloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = s;
}

void ac_strlist_push(ac_strlist *l, const char *s)
{
    ac_strlist_push_owned(l, ac_strdup(s));
}

bool ac_strlist_contains(const ac_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0) return true;
    return false;
}

bool ac_strlist_contains_ci(const ac_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->items[i], s) == 0) return true;
    return false;
}

char *ac_strlist_join(const ac_strlist *l, const char *sep)
{
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; l && i < l->n; i++) ac_buf_printf(&b, "%s%s", i ? sep : "", l->items[i]);
    return ac_buf_steal(&b);
}

void ac_strlist_split(ac_strlist *l, const char *csv)
{
    const char *p = csv;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *z = end;
        while (a < z && (*a == ' ' || *a == '\t')) a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t')) z--;
        if (z > a) ac_strlist_push_owned(l, ac_strndup(a, (size_t)(z - a)));
        p = comma ? comma + 1 : NULL;
    }
}

bool ac_streq_ci(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

bool ac_str_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ac_str_endswith(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

double ac_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
