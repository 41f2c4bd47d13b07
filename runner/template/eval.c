/* Evaluation of a compiled template against a scope: ac_interpolate. */
#include "template_impl.h"

#include <stdlib.h>
#include <string.h>

#include "redact.h"

static int eval_ex(const ex *e, const ac_scope *sc, val *out, char **err)
{
    switch (e->kind) {
    case EX_LIT:
        *out = (val){ ac_strndup(e->text, e->len), e->len, false };
        return 0;
    case EX_BUILTIN:
        return ac_tmpl_eval_builtin(e->text, out, err);
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

/* Appends each part of t evaluated in s to b; -1 with *err at the first failing expression. */
static int eval_parts(const tmpl *t, const ac_scope *s, ac_buf *b, bool *secret, char **err)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!t->parts[i].is_expr) {
            ac_buf_append(b, t->parts[i].lit, t->parts[i].lit_len);
            continue;
        }
        val v;
        if (eval_ex(t->parts[i].expr, s, &v, err) < 0) return -1;
        ac_buf_append(b, v.s, v.len);
        *secret |= v.secret;
        val_free(&v);
    }
    return 0;
}

int ac_interpolate(const ac_scope *s, const char *tmpl_text, size_t len, ac_ival *out, char **err)
{
    memset(out, 0, sizeof *out);
    char *unused = NULL;
    if (!err) err = &unused;   /* a caller that only wants success or failure */
    tmpl scratch;
    const tmpl *t = ac_tmpl_compile(tmpl_text, len, &scratch, err);
    if (!t) {
        free(unused);
        return -1;
    }
    ac_buf b;
    ac_buf_init(&b);
    bool secret = false;
    int rc = eval_parts(t, s, &b, &secret, err);
    if (rc == 0) {
        out->whole_expr = t->n == 1 && t->parts[0].is_expr;
        out->literal = true;
        for (size_t i = 0; i < t->n; i++) out->literal &= !t->parts[i].is_expr;
        out->len = b.len;
        out->str = ac_buf_steal(&b);
        out->secret = secret;
        if (secret) ac_redact_add(out->str, out->len);
    }
    ac_buf_free(&b);
    ac_tmpl_release(t, &scratch);
    free(unused);
    return rc;
}
