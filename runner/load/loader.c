/* The loader's shared helpers: error reporting, type checks, test ids, variables and templates. */
#include "load_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "vars.h"

/* response_* exist while a response's expectations are evaluated (expect.values, operators). */
const char *const ac_builtin_var_names[] = { "now", "uuid", "random", "target", "response_body",
                                             "response_status", NULL };

/* ---- small helpers ----------------------------------------------------------------------- */

bool ld_in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

bool ac_is_var_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return false;
    return true;
}

bool ac_is_id(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-')) return false;
    return true;
}

/* Fixture names and `requires` entries: [A-Za-z_][A-Za-z0-9_-]* */
bool ld_is_req_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-')) return false;
    return true;
}

/* An HTTP token (RFC 9110 5.6.2). */
bool ld_is_token(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("!#$%&'*+-.^_`|~", *s))) return false;
    return true;
}

bool ld_has_template(const yn_node *n)
{
    return n && n->kind == YN_SCALAR && n->str && strstr(n->str, "${") != NULL;
}

void ld_list_join(ac_buf *b, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (i) ac_buf_puts(b, ", ");
        ac_buf_puts(b, list[i]);
    }
}

void ld_strlist_join(ac_buf *b, const ac_strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) ac_buf_puts(b, ", ");
        ac_buf_puts(b, l->items[i]);
    }
}

/* "string \"abc\"", "integer 3", "a map", ... for messages. */
void ld_describe(const yn_node *n, char *buf, size_t size)
{
    if (!n) { snprintf(buf, size, "nothing"); return; }
    if (n->kind == YN_MAP) { snprintf(buf, size, "a map"); return; }
    if (n->kind == YN_SEQ) { snprintf(buf, size, "a list"); return; }
    switch (n->stype) {
    case YN_NULL: snprintf(buf, size, "null"); return;
    case YN_STR:
        snprintf(buf, size, "string \"%.40s%s\"", n->str, n->len > 40 ? "..." : "");
        return;
    default:
        snprintf(buf, size, "%s %.40s", yn_kind_name(n), n->str);
        return;
    }
}

/* A scalar's text when it is a scalar other than null; else NULL. */
const char *ld_scalar_text(const yn_node *n)
{
    if (!n || n->kind != YN_SCALAR || n->stype == YN_NULL) return NULL;
    return n->str;
}

void ld_err(loader *L, const yn_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ac_buf m;
    ac_buf_init(&m);
    ac_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    const char *file = at ? at->file : (L->doc ? L->doc->file : NULL);
    const char *src = (L->doc && !L->no_source) ? L->doc->text : NULL;
    size_t src_len = src ? L->doc->text_len : 0;
    ac_diag_add(L->diags, AC_DIAG_ERROR, file, at ? at->line : 0, at ? at->col : 0, src, src_len,
                "%s", ac_buf_str(&m));
    ac_buf_free(&m);
}

bool ld_want_map(loader *L, const yn_node *n, const char *what)
{
    if (n && n->kind == YN_MAP) return true;
    char d[96];
    ld_describe(n, d, sizeof d);
    ld_err(L, n, "%s must be a map, got %s", what, d);
    return false;
}

bool ld_want_list(loader *L, const yn_node *n, const char *what, bool nonempty)
{
    if (!n || n->kind != YN_SEQ) {
        char d[96];
        ld_describe(n, d, sizeof d);
        ld_err(L, n, "%s must be a list, got %s", what, d);
        return false;
    }
    if (nonempty && n->n_items == 0) {
        ld_err(L, n, "%s must not be empty", what);
        return false;
    }
    return true;
}

bool ld_want_str(loader *L, const yn_node *n, const char *what)
{
    if (yn_is_str(n)) return true;
    char d[96];
    ld_describe(n, d, sizeof d);
    ld_err(L, n, "%s must be a string, got %s", what, d);
    return false;
}

/* A non-null scalar used as text (names, descriptions, ids). */
const char *ld_want_text(loader *L, const yn_node *n, const char *what)
{
    const char *t = ld_scalar_text(n);
    if (t) return t;
    char d[96];
    ld_describe(n, d, sizeof d);
    ld_err(L, n, "%s must be a string, got %s", what, d);
    return NULL;
}

bool ld_want_bool(loader *L, const yn_node *n, const char *what)
{
    if (yn_is_scalar(n) && n->stype == YN_BOOL) return true;
    char d[96];
    ld_describe(n, d, sizeof d);
    ld_err(L, n, "%s must be true or false, got %s", what, d);
    return false;
}

char *ld_required_id(loader *L, const yn_node *map, const char *key, const char *missing,
                     const char *label)
{
    const yn_node *n = yn_get(map, key);
    if (!n) {
        ld_err(L, map, "%s", missing);
        return NULL;
    }
    const char *s = ld_want_text(L, n, key);
    if (s && !ac_is_id(s)) ld_err(L, n, "%s \"%s\" must match [A-Za-z0-9._-]+", label, s);
    return s ? ac_strdup(s) : NULL;
}

/* Reports every key of map that is not in allowed. ctx names the map ("test", "request"). */
void ld_check_keys(loader *L, const yn_node *map, const char *ctx, const char *const *allowed)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yn_node *k = map->pairs[i].key;
        if (ld_in_list(k->str, allowed)) continue;
        const char *s = ac_suggest_from_list(k->str, allowed);
        if (s) {
            ld_err(L, k, "unknown key '%s' in %s (did you mean '%s'?)", k->str, ctx, s);
        } else {
            ac_buf b;
            ac_buf_init(&b);
            ld_list_join(&b, allowed);
            ld_err(L, k, "unknown key '%s' in %s (allowed: %s)", k->str, ctx, ac_buf_str(&b));
            ac_buf_free(&b);
        }
    }
}

const yn_node *ld_key_of(const yn_node *map, const char *key)
{
    if (!map || map->kind != YN_MAP) return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->str, key) == 0) return map->pairs[i].key;
    return NULL;
}

/* ---- variables and templates ------------------------------------------------------------- */

void ld_vctx_init(vctx *V, const char *kind, const char *owner, const ac_strlist *requires)
{
    memset(V, 0, sizeof *V);
    V->kind = kind;
    V->owner = owner ? owner : "?";
    V->requires = requires;
}

void ld_vctx_copy(vctx *dst, const vctx *src)
{
    *dst = *src;
    memset(&dst->caps, 0, sizeof dst->caps);
    for (size_t i = 0; i < src->caps.n; i++) ac_strlist_push(&dst->caps, src->caps.items[i]);
}

void ld_vctx_free(vctx *V) { ac_strlist_free(&V->caps); }

bool ld_known_var(const loader *L, const char *name)
{
    if (ld_in_list(name, ac_builtin_var_names)) return true;
    if (ac_manifest_find_var(L->man, name)) return true;
    if (L->opts->known_vars && ac_strlist_contains(L->opts->known_vars, name)) return true;
    return false;
}

static bool var_defined(const loader *L, const vctx *V, const char *name)
{
    if (ld_known_var(L, name)) return true;
    if (ac_strlist_contains(&V->caps, name)) return true;
    if (V->requires && ac_strlist_contains(V->requires, name)) return true;
    return false;
}

/* Records that the files read (or, for a capture, set) variable name: the unused --var and
 * vars-file checks (varcheck.h) compare against what this walk saw. */
void ld_note_use(const loader *L, const char *name)
{
    if (L->opts->uses) ac_var_uses_add(L->opts->uses, name);
}

const char *ld_fixture_capturing(const loader *L, const char *var)
{
    for (size_t i = 0; i < L->n_fcaps; i++)
        if (strcmp(L->fcaps[i].var, var) == 0) return L->fcaps[i].fixture;
    return NULL;
}

static void report_undefined(loader *L, const vctx *V, const yn_node *at, const char *name)
{
    const char *fx = strcmp(V->kind, "test") == 0 ? ld_fixture_capturing(L, name) : NULL;
    if (fx) {
        ld_err(L, at, "variable '%s' is captured by fixture '%s', which test %s does not require "
               "(add %s to its requires)", name, fx, V->owner, fx);
        return;
    }
    if (V->later_caps && ac_strlist_contains(V->later_caps, name)) {
        ld_err(L, at, "variable '%s' is used in %s %s before the step that captures it", name,
               V->kind, V->owner);
        return;
    }
    ac_suggest c = { 0 };
    ac_suggest_add_list(&c, ac_builtin_var_names);
    for (size_t i = 0; L->man && i < L->man->n_vars; i++) ac_suggest_add(&c, L->man->vars[i].name);
    ac_suggest_add_strlist(&c, L->opts->known_vars);
    ac_suggest_add_strlist(&c, &V->caps);
    ac_suggest_add_strlist(&c, V->requires);
    char dym[128];
    ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, name));
    ac_suggest_free(&c);
    ld_err(L, at, "undefined variable '%s' in %s %s%s (not declared by the suite manifest, "
         "listed in requires, set with --var/--vars-file, captured before use, or built in)",
         name, V->kind, V->owner, dym);
}

/* Checks the template syntax of a string scalar and that every variable it reads is defined. */
void ld_check_template(loader *L, const vctx *V, const yn_node *n)
{
    if (!n || n->kind != YN_SCALAR || n->stype != YN_STR || !strchr(n->str, '$')) return;
    ac_strlist names = { 0 };
    char *err = NULL;
    ac_strlist *env = L->opts->uses ? &L->opts->uses->env : NULL;
    if (ac_template_refs(n->str, n->len, &names, env, &err) != 0) {
        ld_err(L, n, "invalid template: %s", err ? err : "syntax error");
        free(err);
        ac_strlist_free(&names);
        return;
    }
    ac_strlist seen = { 0 };
    for (size_t i = 0; i < names.n; i++) {
        if (ac_strlist_contains(&seen, names.items[i])) continue;
        ac_strlist_push(&seen, names.items[i]);
        ld_note_use(L, names.items[i]);
        if (V && !var_defined(L, V, names.items[i])) report_undefined(L, V, n, names.items[i]);
    }
    ac_strlist_free(&seen);
    ac_strlist_free(&names);
}

/* ld_check_template on every scalar value in a tree (not on map keys). */
void ld_check_template_tree(loader *L, const vctx *V, const yn_node *n)
{
    if (!n) return;
    if (n->kind == YN_SCALAR) ld_check_template(L, V, n);
    else if (n->kind == YN_SEQ)
        for (size_t i = 0; i < n->n_items; i++) ld_check_template_tree(L, V, n->items[i]);
    else
        for (size_t i = 0; i < n->n_pairs; i++) ld_check_template_tree(L, V, n->pairs[i].value);
}

static size_t id_hash(const char *s)
{
    size_t h = 14695981039346656037u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of id in the index: its entry, or the empty slot where it would go. */
static size_t *id_slot(loader *L, const char *id)
{
    size_t mask = L->n_id_slots - 1, i = id_hash(id) & mask;
    while (L->id_slots[i] && strcmp(L->ids[L->id_slots[i] - 1].id, id) != 0) i = (i + 1) & mask;
    return &L->id_slots[i];
}

/* Test ids are unique across the run: a hash index keeps this linear in the number of tests
 * (lint of thousands of case files). */
void ld_register_id(loader *L, const yn_node *idn, const char *id)
{
    if (2 * (L->n_ids + 1) > L->n_id_slots) {
        free(L->id_slots);
        L->n_id_slots = L->n_id_slots ? 2 * L->n_id_slots : 256;
        L->id_slots = ac_calloc(L->n_id_slots, sizeof *L->id_slots);
        for (size_t i = 0; i < L->n_ids; i++) *id_slot(L, L->ids[i].id) = i + 1;
    }
    size_t *slot = id_slot(L, id);
    if (*slot) {
        const id_seen *first = &L->ids[*slot - 1];
        ld_err(L, idn, "duplicate test id '%s' (first defined at %s:%d)", id, first->file, first->line);
        return;
    }
    if (L->n_ids == L->cap_ids) {
        L->cap_ids = L->cap_ids ? L->cap_ids * 2 : 64;
        L->ids = ac_realloc(L->ids, L->cap_ids * sizeof *L->ids);
    }
    if (!L->id_files.n || strcmp(L->id_files.items[L->id_files.n - 1], idn->file) != 0)
        ac_strlist_push(&L->id_files, idn->file);
    L->ids[L->n_ids++] = (id_seen){ ac_strdup(id), L->id_files.items[L->id_files.n - 1], idn->line };
    *slot = L->n_ids;
}

void ld_loader_free(loader *L)
{
    for (size_t i = 0; i < L->n_ids; i++) free(L->ids[i].id);
    free(L->ids);
    ac_strlist_free(&L->id_files);
    free(L->id_slots);
    free(L->fcaps);
}
