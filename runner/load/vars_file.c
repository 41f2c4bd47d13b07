/* Loading a vars file (--vars-file): a map of name: value, never echoing a value. */
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const VARS_ENTRY_KEYS[] = { "value", "secret", NULL };

/* ---- vars files -------------------------------------------------------------------------- */

void ac_vars_list_free(ac_vars_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int ac_load_vars_file(const char *path, ac_vars_list *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors, first_diag = diags->n;
    ac_load_opts opts = { 0 };
    loader L = { .opts = &opts, .diags = diags, .no_source = true };
    yn_doc *doc = yn_parse_file(path, diags);
    if (doc) {
        L.doc = doc;
        const yn_node *root = doc->root;
        if (!root || root->kind != YN_MAP) {
            ac_diag_add(diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                        "vars file must be a map of name: value");
        } else {
            out->items = ac_calloc(root->n_pairs ? root->n_pairs : 1, sizeof *out->items);
            for (size_t i = 0; i < root->n_pairs; i++) {
                const yn_node *k = root->pairs[i].key, *v = root->pairs[i].value;
                if (!ac_is_var_name(k->str)) {
                    ld_err(&L, k, "variable name '%s' must match [A-Za-z_][A-Za-z0-9_]*", k->str);
                    continue;
                }
                bool secret = false;
                const yn_node *val = v;
                if (v->kind == YN_MAP) {
                    ld_check_keys(&L, v, "vars file entry", VARS_ENTRY_KEYS);
                    val = yn_get(v, "value");
                    const yn_node *s = yn_get(v, "secret");
                    if (s && ld_want_bool(&L, s, "secret")) secret = s->b;
                    if (!val) {
                        ld_err(&L, v, "variable '%s' needs value", k->str);
                        continue;
                    }
                }
                if (val->kind != YN_SCALAR || val->stype == YN_NULL) {
                    ld_err(&L, val, "value of '%s' must be a string, a number or a boolean (quote "
                         "an empty value: '')", k->str);
                    continue;
                }
                ac_vars_entry *e = &out->items[out->n++];
                e->name = ac_strdup(k->str);
                e->value = ac_malloc(val->len + 1);
                memcpy(e->value, val->str, val->len);
                e->value[val->len] = '\0';
                e->len = val->len;
                e->secret = secret;
                e->line = k->line;
            }
        }
        yn_doc_free(doc);
    }
    /* A vars file holds secrets: never show its lines. */
    for (size_t i = first_diag; i < diags->n; i++) {
        free(diags->items[i].source_line);
        diags->items[i].source_line = NULL;
        diags->items[i].caret_col = 0;
    }
    ld_loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}
