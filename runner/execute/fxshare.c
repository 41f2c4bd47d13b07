/* Shared fixtures (fxshare.h): a run-wide table of fixture outcomes keyed by what they send. */
#include "fxshare.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef enum { E_RUNNING, E_OK, E_FAILED } entry_state;

typedef struct entry {
    char *key;           /* owned */
    entry_state state;
    ac_scope captured;   /* E_OK: copies of the captures (no parent) */
    char *reason;        /* E_FAILED: owned */
} entry;

struct ac_fxshare {
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* an entry left E_RUNNING */
    entry *items; size_t n, cap;
};

ac_fxshare *ac_fxshare_new(void)
{
    ac_fxshare *s = ac_calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    return s;
}

void ac_fxshare_free(ac_fxshare *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].key);
        ac_scope_free(&s->items[i].captured);
        free(s->items[i].reason);
    }
    free(s->items);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

/* A node as canonical text: the same YAML written with other spacing gives the same key. */
static void node_text(ac_buf *b, const yn_node *n)
{
    if (!n) {
        ac_buf_puts(b, "~");
        return;
    }
    switch (n->kind) {
    case YN_MAP:
        ac_buf_putc(b, '{');
        for (size_t i = 0; i < n->n_pairs; i++) {
            node_text(b, n->pairs[i].key);
            ac_buf_putc(b, ':');
            node_text(b, n->pairs[i].value);
            ac_buf_putc(b, ',');
        }
        ac_buf_putc(b, '}');
        break;
    case YN_SEQ:
        ac_buf_putc(b, '[');
        for (size_t i = 0; i < n->n_items; i++) {
            node_text(b, n->items[i]);
            ac_buf_putc(b, ',');
        }
        ac_buf_putc(b, ']');
        break;
    default:
        ac_buf_printf(b, "%zu:", n->len);
        ac_buf_append(b, n->str ? n->str : "", n->len);
        break;
    }
}

char *ac_fxshare_key(const ac_built_req *r, const yn_node *expect, const yn_node *capture)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "%s %s\n", r->method ? r->method : "GET", r->url ? r->url : "");
    for (size_t i = 0; i < r->n_headers; i++) ac_buf_printf(&b, "%s: %s\n", r->headers[i].name, r->headers[i].value);
    ac_buf_printf(&b, "\n%zu:", r->has_body ? r->body_len : 0);
    if (r->has_body && r->body) ac_buf_append(&b, r->body, r->body_len);
    ac_buf_puts(&b, "\nexpect ");
    node_text(&b, expect);
    ac_buf_puts(&b, "\ncapture ");
    node_text(&b, capture);
    return ac_buf_steal(&b);
}

static entry *find(ac_fxshare *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i].key, key)) return &s->items[i];
    return NULL;
}

ac_fxshare_claim_result ac_fxshare_claim(ac_fxshare *s, const char *key, ac_scope *into, char **reason)
{
    *reason = NULL;
    pthread_mutex_lock(&s->mu);
    entry *e;
    while ((e = find(s, key)) && e->state == E_RUNNING) pthread_cond_wait(&s->cv, &s->mu);
    ac_fxshare_claim_result r = AC_FXSHARE_RUN;
    if (!e) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 8;
            s->items = ac_realloc(s->items, s->cap * sizeof *s->items);
        }
        e = &s->items[s->n++];
        memset(e, 0, sizeof *e);
        e->key = ac_strdup(key);
        e->state = E_RUNNING;
        ac_scope_init(&e->captured, NULL);
    } else if (e->state == E_OK) {
        for (size_t i = 0; i < e->captured.n; i++) {
            const ac_var *v = &e->captured.vars[i];
            ac_scope_set(into, v->name, v->value, v->len, v->secret, v->source);
        }
        r = AC_FXSHARE_OK;
    } else {
        *reason = ac_strdup(e->reason ? e->reason : "failed");
        r = AC_FXSHARE_FAILED;
    }
    pthread_mutex_unlock(&s->mu);
    return r;
}

void ac_fxshare_finish(ac_fxshare *s, const char *key, bool ok, const ac_scope *captured, const char *reason)
{
    pthread_mutex_lock(&s->mu);
    entry *e = find(s, key);
    if (e && e->state == E_RUNNING) {
        e->state = ok ? E_OK : E_FAILED;
        if (ok)
            for (size_t i = 0; captured && i < captured->n; i++) {
                const ac_var *v = &captured->vars[i];
                ac_scope_set(&e->captured, v->name, v->value, v->len, v->secret, v->source);
            }
        else
            e->reason = ac_strdup(reason ? reason : "failed");
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
}

void ac_fxshare_abandon(ac_fxshare *s, const char *key)
{
    pthread_mutex_lock(&s->mu);
    entry *e = find(s, key);
    if (e && e->state == E_RUNNING) {
        free(e->key);
        ac_scope_free(&e->captured);
        free(e->reason);
        *e = s->items[--s->n];
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
}
