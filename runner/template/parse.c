/* The template parser: text with ${...} into parts (literal text and expression trees), and
 * the static walk that lists the variables a template reads (ac_template_refs).
 *
 * A template is parsed into parts before anything is evaluated, so ac_template_vars() and
 * ac_interpolate() share one parser and a syntax error is reported the same way at load time
 * and at send time. */
#include "template_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

void ac_tmpl_free(tmpl *t)
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
    const fn_def *fn = ac_tmpl_fn_find(name);
    if (!fn) {
        char *m = ac_tmpl_is_builtin(name) ? ac_sprintf("%s is a built-in value, not a function: write ${%s}", name, name)
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
    return ex_new(ac_tmpl_is_builtin(name) ? EX_BUILTIN : EX_VAR, name, strlen(name));
}

int ac_tmpl_parse(const char *s, size_t len, tmpl *t, char **err)
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
    ac_tmpl_free(t);
    return -1;
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
    tmpl scratch;
    char *unused = NULL;
    /* Compiled through the cache: the load-time check then leaves the parse the sends reuse. */
    const tmpl *t = ac_tmpl_compile(tmpl_text, len, &scratch, err ? err : &unused);
    if (!t) {
        free(unused);
        return -1;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->parts[i].is_expr) collect_refs(t->parts[i].expr, names, env);
    ac_tmpl_release(t, &scratch);
    return 0;
}

int ac_template_vars(const char *tmpl_text, size_t len, ac_strlist *names, char **err)
{
    return ac_template_refs(tmpl_text, len, names, NULL, err);
}
