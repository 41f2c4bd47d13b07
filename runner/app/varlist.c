/* `authconform vars`: the suite's variables, where each is set, and who needs it (varlist.h).
 * A test needs a variable when it names it in `requires`, when a fixture it requires or controls
 * with does, or when ${...} in the test or such a fixture reads it; needing a variable whose
 * default reads another (hello_path -> hello_name) needs that one too. */
#include "varlist.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Lists of test ids are wrapped at this many columns. */
#define VARLIST_WIDTH 100

typedef struct need {
    ac_strlist tests;   /* ids, in suite order */
} need;

static int var_index(const ac_manifest *m, const char *name, size_t len)
{
    for (size_t i = 0; i < m->n_vars; i++)
        if (strlen(m->vars[i].name) == len && !strncmp(m->vars[i].name, name, len)) return (int)i;
    return -1;
}

/* Marks every declared variable named inside ${...} of text. */
static void mark_text(const ac_manifest *m, const char *text, size_t len, bool *used)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] != '$' || text[i + 1] != '{') continue;
        size_t j = i + 2;
        while (j < len && text[j] != '}') {   /* every identifier inside: f(a, b) marks a and b */
            if (isalpha((unsigned char)text[j]) || text[j] == '_') {
                size_t k = j;
                while (k < len && (isalnum((unsigned char)text[k]) || text[k] == '_')) k++;
                int vi = var_index(m, text + j, k - j);
                if (vi >= 0) used[vi] = true;
                j = k;
            } else {
                j++;
            }
        }
        i = j;
    }
}

static void mark_node(const ac_manifest *m, const yn_node *n, bool *used)
{
    if (!n) return;
    if (n->str) mark_text(m, n->str, n->len, used);
    for (size_t i = 0; i < n->n_items; i++) mark_node(m, n->items[i], used);
    for (size_t i = 0; i < n->n_pairs; i++) {
        mark_node(m, n->pairs[i].key, used);
        mark_node(m, n->pairs[i].value, used);
    }
}

static void mark_names(const ac_manifest *m, const ac_strlist *names, bool *used)
{
    for (size_t i = 0; i < names->n; i++) {
        int vi = var_index(m, names->items[i], strlen(names->items[i]));
        if (vi >= 0) used[vi] = true;
    }
}

static void mark_fixtures(const ac_manifest *m, const ac_suite_file *f, const ac_strlist *names, bool *used)
{
    for (size_t i = 0; i < names->n; i++)
        for (size_t k = 0; k < f->n_fixtures; k++) {
            if (strcmp(f->fixtures[k].name, names->items[i])) continue;
            mark_names(m, &f->fixtures[k].requires, used);
            mark_node(m, f->fixtures[k].step.node, used);
        }
}

/* A variable read through another's default: needing the one needs the other. */
static void close_over_defaults(const ac_manifest *m, bool *used)
{
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < m->n_vars; i++) {
            if (!used[i] || !m->vars[i].default_value) continue;
            bool *more = ac_calloc(m->n_vars ? m->n_vars : 1, sizeof *more);
            mark_text(m, m->vars[i].default_value, strlen(m->vars[i].default_value), more);
            for (size_t k = 0; k < m->n_vars; k++)
                if (more[k] && !used[k]) used[k] = grew = true;
            free(more);
        }
    }
}

/* Where the variable is set, as a phrase; NULL when it is not set by anyone. Caller frees. */
static char *set_where(const ac_varlist_input *in, const ac_var_decl *d, int depth)
{
    const ac_given_var *cli = NULL, *file = NULL;
    for (size_t i = 0; i < in->given->n; i++) {
        const ac_given_var *g = &in->given->items[i];
        if (strcmp(g->name, d->name)) continue;
        if (g->file) file = g;   /* the last vars file given wins */
        else cli = g;
    }
    if (cli) return ac_strdup("by --var");
    if (in->issuer_option && !strcmp(d->name, "issuer")) return ac_strdup("by --issuer");
    if (file) return ac_sprintf("in the vars file %s:%d", file->file, file->line);
    if (d->env && in->getenv_fn(d->env)) return ac_sprintf("from the environment (%s)", d->env);
    for (size_t a = 0; a < d->env_aliases.n; a++)
        if (in->getenv_fn(d->env_aliases.items[a]))
            return ac_sprintf("from the environment (%s)", d->env_aliases.items[a]);
    if (d->fallback && depth < 8) {
        const ac_var_decl *fb = ac_manifest_find_var(&in->model->manifest, d->fallback);
        char *w = fb ? set_where(in, fb, depth + 1) : NULL;
        if (w) {
            char *s = ac_sprintf("through %s, set %s", d->fallback, w);
            free(w);
            return s;
        }
    }
    return NULL;
}

static void wrapped(FILE *out, const ac_strlist *ids, size_t indent)
{
    size_t col = indent;
    for (size_t i = 0; i < ids->n; i++) {
        size_t w = strlen(ids->items[i]) + (i + 1 < ids->n ? 1 : 0);
        if (col > indent && col + 1 + w > VARLIST_WIDTH) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%s%s", ids->items[i], i + 1 < ids->n ? "," : "");
        col += w;
    }
    fputc('\n', out);
}

size_t ac_varlist_print(const ac_varlist_input *in, FILE *out)
{
    const ac_model *mo = in->model;
    const ac_manifest *m = &mo->manifest;
    size_t nv = m->n_vars;
    need *needs = ac_calloc(nv ? nv : 1, sizeof *needs);
    bool *used = ac_calloc(nv ? nv : 1, sizeof *used);
    for (size_t f = 0; f < mo->n_files; f++) {
        const ac_suite_file *sf = &mo->files[f];
        for (size_t t = 0; t < sf->n_tests; t++) {
            const ac_test *test = &sf->tests[t];
            memset(used, 0, nv * sizeof *used);
            mark_names(m, &test->requires, used);
            mark_fixtures(m, sf, &test->requires, used);
            mark_fixtures(m, sf, &test->controls, used);
            mark_node(m, test->node, used);
            close_over_defaults(m, used);
            for (size_t i = 0; i < nv; i++)
                if (used[i]) ac_strlist_push(&needs[i].tests, test->id);
        }
    }
    size_t n_set = 0;
    char **where = ac_calloc(nv ? nv : 1, sizeof *where);
    for (size_t i = 0; i < nv; i++)
        if ((where[i] = set_where(in, &m->vars[i], 0))) n_set++;
    fprintf(out, "Variables of the suite %s%s%s%s: %zu declared, %zu set. Values that are set are never shown.\n",
            m->name ? m->name : "(unnamed)", m->path ? " (" : "", m->path ? m->path : "", m->path ? ")" : "",
            nv, n_set);
    for (size_t i = 0; i < nv; i++) {
        const ac_var_decl *d = &m->vars[i];
        fprintf(out, "\n%s", d->name);
        if (d->secret) fputs(" (secret)", out);
        if (d->command) fputs(" (a command)", out);
        if (d->description && *d->description) {
            char *one = ac_text_one_line(d->description, 200);
            fprintf(out, ": %s", one);
            free(one);
        }
        fputc('\n', out);
        if (d->env) {
            fprintf(out, "  environment: %s", d->env);
            for (size_t a = 0; a < d->env_aliases.n; a++) fprintf(out, ", %s", d->env_aliases.items[a]);
            fputc('\n', out);
        }
        if (d->fallback) fprintf(out, "  falls back to: %s\n", d->fallback);
        if (d->default_value && !d->command) {
            char *one = ac_text_one_line(d->default_value, 200);
            if (d->secret) fputs("  default: (a secret default, not shown)\n", out);
            else fprintf(out, "  default: %s\n", *one ? one : "\"\" (empty)");
            free(one);
        }
        if (where[i]) fprintf(out, "  set: yes, %s\n", where[i]);
        else if (d->default_value && !d->command) fputs("  set: no (the default applies)\n", out);
        else fputs("  set: no\n", out);
        if (needs[i].tests.n) {
            fprintf(out, "  needed by %zu test%s:\n    ", needs[i].tests.n, needs[i].tests.n == 1 ? "" : "s");
            wrapped(out, &needs[i].tests, 4);
        } else {
            fputs("  needed by: no test of this suite reads it directly\n", out);
        }
    }
    for (size_t i = 0; i < nv; i++) {
        ac_strlist_free(&needs[i].tests);
        free(where[i]);
    }
    free(where);
    free(needs);
    free(used);
    return nv;
}
