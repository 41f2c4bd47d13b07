/* Loading and validating the suite manifest (name, cases, profiles, variables, references). */
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const MANIFEST_KEYS[] = { "name", "version", "description", "cases",
    "profiles", "variables", "references", NULL };
static const char *const MANIFEST_REF_KEYS[] = { "title", "url", NULL };
static const char *const MANIFEST_VAR_KEYS[] = { "env", "default", "fallback", "description",
    "secret", "command", NULL };

/* ---- manifest ---------------------------------------------------------------------------- */

void ld_manifest_defaults(ac_manifest *m)
{
    if (m->profiles.n == 0) {
        ac_strlist_push(&m->profiles, "documented");
        ac_strlist_push(&m->profiles, "rfc");
    }
}

/* A variable's `env`: one environment name, or a list read in order (the first one set wins),
 * so that a suite can move to new names and keep the old ones as aliases. */
static void manifest_env(loader *L, const yn_node *x, ac_var_decl *d)
{
    if (x->kind == YN_SEQ) {
        if (x->n_items == 0) ld_err(L, x, "env: give at least one environment variable name");
        for (size_t i = 0; i < x->n_items; i++) {
            const yn_node *e = x->items[i];
            if (!ld_want_str(L, e, "env")) continue;
            if (!ac_is_var_name(e->str))
                ld_err(L, e, "env \"%s\" is not a valid environment variable name", e->str);
            if (!d->env) d->env = ac_strdup(e->str);
            else ac_strlist_push(&d->env_aliases, e->str);
        }
        return;
    }
    if (!ld_want_str(L, x, "env")) return;
    if (!ac_is_var_name(x->str))
        ld_err(L, x, "env \"%s\" is not a valid environment variable name", x->str);
    d->env = ac_strdup(x->str);
}

/* `references`: slug -> { title, url }. Present (even empty), it makes every test ref checked. */
static void manifest_refs(loader *L, const yn_node *n, ac_manifest *m)
{
    m->has_ref_docs = true;
    m->ref_docs = ac_calloc(n->n_pairs ? n->n_pairs : 1, sizeof *m->ref_docs);
    for (size_t i = 0; i < n->n_pairs; i++) {
        const yn_node *k = n->pairs[i].key, *v = n->pairs[i].value;
        if (!ac_ref_slug_valid(k->str)) {
            ld_err(L, k, "reference '%s' must match [a-z0-9][a-z0-9._-]*", k->str);
            continue;
        }
        if (!ld_want_map(L, v, "a reference (title, url)")) continue;
        ld_check_keys(L, v, "reference", MANIFEST_REF_KEYS);
        const yn_node *x = yn_get(v, "title");
        const char *title = x ? ld_want_text(L, x, "title") : NULL;
        if (!x) ld_err(L, v, "reference '%s' needs a title", k->str);
        const char *url = NULL;
        if ((x = yn_get(v, "url")) && ld_want_str(L, x, "url")) {
            if (strncmp(x->str, "https://", 8) && strncmp(x->str, "http://", 7))
                ld_err(L, x, "url \"%s\" of reference '%s' must start with https:// or http://",
                       x->str, k->str);
            else if (strpbrk(x->str, " \t\"<>"))
                ld_err(L, x, "url of reference '%s' must not contain spaces, quotes or angle "
                       "brackets", k->str);
            else url = x->str;
        }
        if (!title) continue;
        ac_ref_doc *d = &m->ref_docs[m->n_ref_docs++];
        d->slug = ac_strdup(k->str);
        d->title = ac_strdup(title);
        d->url = ac_strdup(url);
    }
}

/* `variables`: name -> null or { env, default, fallback, description, secret, command }. */
static void manifest_vars(loader *L, const yn_node *vars, ac_manifest *m)
{
    m->vars = ac_calloc(vars->n_pairs ? vars->n_pairs : 1, sizeof *m->vars);
    for (size_t i = 0; i < vars->n_pairs; i++) {
        const yn_node *k = vars->pairs[i].key, *v = vars->pairs[i].value;
        if (!ac_is_var_name(k->str)) {
            ld_err(L, k, "variable name '%s' must match [A-Za-z_][A-Za-z0-9_]*", k->str);
            continue;
        }
        if (ld_in_list(k->str, ac_builtin_var_names)) {
            ld_err(L, k, "variable '%s' is a built-in and cannot be declared", k->str);
            continue;
        }
        ac_var_decl *d = &m->vars[m->n_vars++];
        d->name = ac_strdup(k->str);
        if (v->kind == YN_SCALAR && v->stype == YN_NULL) continue;
        if (!ld_want_map(L, v, "a variable declaration")) continue;
        ld_check_keys(L, v, "variable declaration", MANIFEST_VAR_KEYS);
        const yn_node *x;
        if ((x = yn_get(v, "env"))) manifest_env(L, x, d);
        if ((x = yn_get(v, "default"))) {
            const char *s = ld_want_text(L, x, "default");
            if (s) d->default_value = ac_strdup(s);
        }
        if ((x = yn_get(v, "description")) && ld_want_text(L, x, "description"))
            d->description = ac_strdup(x->str);
        if ((x = yn_get(v, "fallback")) && ld_want_str(L, x, "fallback")) {
            if (!strcmp(x->str, k->str))
                ld_err(L, x, "variable '%s' cannot fall back to itself", k->str);
            else if (!yn_get(vars, x->str))
                ld_err(L, x, "fallback '%s' is not a variable declared in this manifest", x->str);
            else
                d->fallback = ac_strdup(x->str);
        }
        if ((x = yn_get(v, "secret")) && ld_want_bool(L, x, "secret")) d->secret = x->b;
        if ((x = yn_get(v, "command")) && ld_want_bool(L, x, "command")) d->command = x->b;
        if (d->command && d->default_value)
            ld_err(L, ld_key_of(v, "default"), "variable '%s' is a command (command: true) and "
                   "cannot have a default: commands come from the environment, --var or "
                   "--vars-file", d->name);
    }
}

static void load_manifest_doc(loader *L, yn_doc *doc, ac_manifest *m)
{
    m->doc = doc;
    L->doc = doc;
    const yn_node *root = doc->root;
    if (!root || root->kind != YN_MAP) {
        if (root) ld_err(L, root, "a suite manifest must be a map with name, cases, variables");
        else ac_diag_add(L->diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                         "empty suite manifest (expected a map with name, cases, variables)");
        L->doc = NULL;
        return;
    }
    ld_check_keys(L, root, "suite manifest", MANIFEST_KEYS);
    const yn_node *n;
    m->name = ld_required_id(L, root, "name", "suite manifest needs name", "manifest name");
    if ((n = yn_get(root, "version"))) {
        const char *s = ld_want_text(L, n, "version");
        if (s) m->version = ac_strdup(s);
    }
    if ((n = yn_get(root, "description"))) ld_want_text(L, n, "description");
    if ((n = yn_get(root, "cases")) && ld_want_list(L, n, "cases", false)) {
        char *dir = ld_path_dirname(doc->file);
        for (size_t i = 0; i < n->n_items; i++)
            if (ld_want_str(L, n->items[i], "cases entry")) {
                if (!n->items[i]->len) {
                    ld_err(L, n->items[i], "cases entry must not be empty");
                    continue;
                }
                ac_strlist_push_owned(&m->case_paths, ld_path_join(dir, n->items[i]->str));
            }
        free(dir);
    }
    if ((n = yn_get(root, "profiles")) && ld_want_list(L, n, "profiles", true)) {
        for (size_t i = 0; i < n->n_items; i++) {
            const yn_node *p = n->items[i];
            if (!ld_want_str(L, p, "profile")) continue;
            if (!ac_is_id(p->str) || !strcmp(p->str, "default"))
                ld_err(L, p, "profile name \"%s\" must match [A-Za-z0-9._-]+ and not be 'default'",
                       p->str);
            else if (ac_strlist_contains(&m->profiles, p->str))
                ld_err(L, p, "profile '%s' is listed twice", p->str);
            else
                ac_strlist_push(&m->profiles, p->str);
        }
    }
    if ((n = yn_get(root, "references")) && (n->kind != YN_SCALAR || n->stype != YN_NULL)
        && ld_want_map(L, n, "references"))
        manifest_refs(L, n, m);
    const yn_node *vars = yn_get(root, "variables");
    if (vars && ld_want_map(L, vars, "variables")) manifest_vars(L, vars, m);
    L->doc = NULL;
}

int ac_load_manifest(const char *path, ac_manifest *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    ac_load_opts opts = { 0 };
    loader L = { .opts = &opts, .diags = diags, .man = out };
    out->path = ac_strdup(path);
    yn_doc *doc = yn_parse_file(path, diags);
    if (doc) load_manifest_doc(&L, doc, out);
    ld_manifest_defaults(out);
    return diags->n_errors > before ? -1 : 0;
}
