/* Variable scopes: a chain of name -> value tables walked from the innermost (vars.h). */
#include "vars.h"

#include <stdlib.h>
#include <string.h>

#include "redact.h"

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
