/* Validating requests, captures, when/skip_on conditions and run commands of a case file. */
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const REQUEST_KEYS[] = { "method", "path", "url", "headers", "query", "form",
    "json", "body", "timeout", "follow_redirects", "http_version", NULL };
static const char *const RUN_KEYS[] = { "command", "env", "timeout", NULL };
static const char *const CAPTURE_KEYS[] = { "json", "header", "body", "secret", "optional", NULL };
static const char *const SKIP_ON_KEYS[] = { "status", "reason", NULL };
static const char *const HEADER_ITEM_KEYS[] = { "name", "value", NULL };
static const char *const ALL_OPS[] = { "equals", "not_equals", "in", "not_in", "matches",
    "not_matches", "matches_ci", "not_matches_ci", "contains", "not_contains", "type", "exists",
    "absent", "gt", "ge", "lt", "le", "length", "equals_ci", NULL };
static const char *const WHEN_EXTRA[] = { "value", "kind", "reason", NULL };
static const char *const WHEN_KINDS[] = { "not-applicable", "not-configured", NULL };

/* ---- request, capture, conditions -------------------------------------------------------- */

static void check_name_value_map(loader *L, const vctx *V, const yn_node *m, const char *what,
                                 bool allow_null)
{
    if (!ld_want_map(L, m, what)) return;
    for (size_t i = 0; i < m->n_pairs; i++) {
        const yn_node *v = m->pairs[i].value;
        if (v->kind == YN_SCALAR && (v->stype != YN_NULL || allow_null)) {
            ld_check_template(L, V, v);
            continue;
        }
        char d[96];
        ld_describe(v, d, sizeof d);
        ld_err(L, v, "%s value of '%s' must be a string%s, got %s", what, m->pairs[i].key->str,
               allow_null ? " (or null to omit it)" : "", d);
    }
}

void ld_check_request(loader *L, const vctx *V, const yn_node *r)
{
    if (!ld_want_map(L, r, "request")) return;
    ld_check_keys(L, r, "request", REQUEST_KEYS);
    const yn_node *n;
    if ((n = yn_get(r, "method")) && ld_want_str(L, n, "method")) {
        if (ld_has_template(n)) ld_check_template(L, V, n);
        else if (!ld_is_token(n->str)) ld_err(L, n, "method \"%s\" is not a valid HTTP method", n->str);
    }
    const yn_node *path = yn_get(r, "path"), *url = yn_get(r, "url");
    if (path && url) ld_err(L, ld_key_of(r, "url"), "request takes path or url, not both");
    else if (!path && !url) ld_err(L, r, "request needs path (joined to --target) or url");
    if (path && ld_want_str(L, path, "path")) ld_check_template(L, V, path);
    if (url && ld_want_str(L, url, "url")) {
        if (ld_has_template(url)) ld_check_template(L, V, url);
        else if (!ac_str_startswith(url->str, "http://") && !ac_str_startswith(url->str, "https://"))
            ld_err(L, url, "url must be absolute (http:// or https://); use path for a path "
                   "relative to --target");
    }
    if ((n = yn_get(r, "headers"))) {
        if (n->kind == YN_SEQ) {
            for (size_t i = 0; i < n->n_items; i++) {
                const yn_node *h = n->items[i];
                if (!ld_want_map(L, h, "a headers list item")) continue;
                ld_check_keys(L, h, "a headers list item", HEADER_ITEM_KEYS);
                const yn_node *hn = yn_get(h, "name"), *hv = yn_get(h, "value");
                if (!hn || !hv) ld_err(L, h, "a headers list item needs name and value");
                if (hn && ld_want_str(L, hn, "header name")) {
                    if (ld_has_template(hn)) ld_check_template(L, V, hn);
                    else if (!ld_is_token(hn->str))
                        ld_err(L, hn, "'%s' is not a valid header name", hn->str);
                }
                if (hv && ld_want_text(L, hv, "header value")) ld_check_template(L, V, hv);
            }
        } else if (n->kind == YN_MAP) {
            for (size_t i = 0; i < n->n_pairs; i++) {
                const yn_node *k = n->pairs[i].key;
                if (!ld_has_template(k) && !ld_is_token(k->str))
                    ld_err(L, k, "'%s' is not a valid header name", k->str);
            }
            check_name_value_map(L, V, n, "header", false);
        } else {
            char d[96];
            ld_describe(n, d, sizeof d);
            ld_err(L, n, "headers must be a map or a list of {name, value} maps, got %s", d);
        }
    }
    if ((n = yn_get(r, "query"))) check_name_value_map(L, V, n, "query", true);
    if ((n = yn_get(r, "form"))) check_name_value_map(L, V, n, "form", true);
    if ((n = yn_get(r, "json"))) ld_check_template_tree(L, V, n);
    if ((n = yn_get(r, "body")) && ld_want_text(L, n, "body")) ld_check_template(L, V, n);
    /* Only one of form, json, body: report the second and later ones. */
    const char *first = NULL;
    for (size_t i = 0; i < r->n_pairs; i++) {
        const char *k = r->pairs[i].key->str;
        if (strcmp(k, "form") && strcmp(k, "json") && strcmp(k, "body")) continue;
        if (first)
            ld_err(L, r->pairs[i].key, "request takes only one of form, json and body (found %s "
                 "and %s)", first, k);
        else
            first = k;
    }
    if ((n = yn_get(r, "timeout"))) ld_check_duration(L, V, n, "timeout", 0, true);
    if ((n = yn_get(r, "follow_redirects"))) ld_want_bool(L, n, "follow_redirects");
    if ((n = yn_get(r, "http_version"))) {
        const char *t = ld_scalar_text(n);
        if (!t || (strcmp(t, "1.1") && strcmp(t, "2"))) {
            char d[96];
            ld_describe(n, d, sizeof d);
            ld_err(L, n, "http_version must be \"1.1\" or \"2\", got %s", d);
        }
    }
}

/* Validates a capture map; appends the captured names to names. */
void ld_check_capture(loader *L, const yn_node *c, ac_strlist *names)
{
    if (!ld_want_map(L, c, "capture")) return;
    for (size_t i = 0; i < c->n_pairs; i++) {
        const yn_node *k = c->pairs[i].key, *v = c->pairs[i].value;
        if (!ac_is_var_name(k->str)) {
            ld_err(L, k, "capture name '%s' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
                   k->str);
        } else {
            if (names) ac_strlist_push(names, k->str);
            ld_note_use(L, k->str);
        }
        if (yn_is_str(v)) {
            ld_check_jsonpath(L, v, "capture");
            continue;
        }
        if (v->kind != YN_MAP) {
            char d[96];
            ld_describe(v, d, sizeof d);
            ld_err(L, v, "capture '%s' must be a JSON path or a map { json | header | body, "
                   "secret }, got %s", k->str, d);
            continue;
        }
        ld_check_keys(L, v, "capture", CAPTURE_KEYS);
        const yn_node *json = yn_get(v, "json"), *header = yn_get(v, "header"),
                      *body = yn_get(v, "body");
        int count = !!json + !!header + !!body;
        if (count == 0) ld_err(L, v, "capture '%s' needs one of json, header, body", k->str);
        if (count > 1) ld_err(L, v, "capture '%s' takes only one of json, header, body", k->str);
        if (json) ld_check_jsonpath(L, json, "capture json");
        if (header && ld_want_str(L, header, "capture header") && !ld_is_token(header->str))
            ld_err(L, header, "'%s' is not a valid header name", header->str);
        if (body) ld_check_regex(L, NULL, body, "capture body", false);
        const yn_node *secret = yn_get(v, "secret");
        if (secret) ld_want_bool(L, secret, "secret");
        const yn_node *optional = yn_get(v, "optional");
        if (optional) ld_want_bool(L, optional, "optional");
    }
}

void ld_check_when(loader *L, const vctx *V, const yn_node *w)
{
    const yn_node *const *items = &w;
    size_t n = 1;
    if (w->kind == YN_SEQ) {
        items = (const yn_node *const *)w->items;
        n = w->n_items;
        if (n == 0) ld_err(L, w, "when must not be an empty list");
    }
    for (size_t i = 0; i < n; i++) {
        const yn_node *c = items[i];
        if (!ld_want_map(L, c, "when")) continue;
        const yn_node *value = yn_get(c, "value");
        if (!value) ld_err(L, c, "when needs value (a template such as \"${is_jwt(access_token)}\")");
        else if (ld_want_str(L, value, "when value")) ld_check_template(L, V, value);
        /* What a false condition means for coverage: the check does not apply to this target
         * (the default), or the run was not given what it needs to judge it. */
        const yn_node *kind = yn_get(c, "kind");
        const char *k = kind ? ld_want_text(L, kind, "when kind") : NULL;
        if (k && !ld_in_list(k, WHEN_KINDS)) {
            ac_buf b;
            ac_buf_init(&b);
            ld_list_join(&b, WHEN_KINDS);
            ld_err(L, kind, "when kind '%s' is not one of %s", k, ac_buf_str(&b));
            ac_buf_free(&b);
        }
        const yn_node *reason = yn_get(c, "reason");
        if (reason) ld_want_text(L, reason, "when reason");
        ld_check_opmap(L, V, c, "when", ALL_OPS, WHEN_EXTRA);
    }
}

void ld_check_skip_on(loader *L, const yn_node *s)
{
    if (!ld_want_list(L, s, "skip_on", true)) return;
    for (size_t i = 0; i < s->n_items; i++) {
        const yn_node *m = s->items[i];
        if (!ld_want_map(L, m, "a skip_on item")) continue;
        ld_check_keys(L, m, "skip_on", SKIP_ON_KEYS);
        const yn_node *st = yn_get(m, "status"), *reason = yn_get(m, "reason");
        if (!st) ld_err(L, m, "skip_on item needs status");
        else ld_check_status(L, st, "skip_on status", true);
        if (!reason) ld_err(L, m, "skip_on item needs reason (it becomes the skip reason)");
        else ld_want_text(L, reason, "reason");
    }
}

void ld_check_run(loader *L, const vctx *V, const yn_node *r)
{
    if (!ld_want_map(L, r, "run")) return;
    ld_check_keys(L, r, "run", RUN_KEYS);
    const yn_node *cmd = yn_get(r, "command");
    if (!cmd) {
        ld_err(L, r, "run needs command (a variable reference such as \"${revoke_command}\")");
    } else if (ld_want_str(L, cmd, "run command")) {
        size_t len = cmd->len;
        char name[256] = "";
        bool single = len > 3 && len < sizeof name && ac_str_startswith(cmd->str, "${") &&
                      cmd->str[len - 1] == '}';
        if (single) {
            memcpy(name, cmd->str + 2, len - 3);
            name[len - 3] = '\0';
            single = ac_is_var_name(name) && !ld_in_list(name, ac_builtin_var_names);
        }
        if (!single) {
            ld_err(L, cmd, "run command must be exactly one variable reference such as "
                   "\"${revoke_command}\" (commands never come from case files)");
        } else if (ac_strlist_contains(&V->caps, name) || ld_fixture_capturing(L, name) ||
                   (V->later_caps && ac_strlist_contains(V->later_caps, name))) {
            ld_err(L, cmd, "run command variable '%s' is a capture; a command must come from the "
                   "environment, --var or --vars-file", name);
        } else {
            const ac_var_decl *d = ac_manifest_find_var(L->man, name);
            if (d && d->default_value && !d->command)
                ld_err(L, cmd, "run command variable '%s' has a suite default; a command must come "
                       "from the environment, --var or --vars-file (declare it with command: true "
                       "and no default)", name);
            else
                ld_check_template(L, V, cmd);
        }
    }
    const yn_node *env = yn_get(r, "env");
    if (env && ld_want_map(L, env, "run env")) {
        for (size_t i = 0; i < env->n_pairs; i++) {
            const yn_node *k = env->pairs[i].key, *v = env->pairs[i].value;
            if (!ac_is_var_name(k->str))
                ld_err(L, k, "'%s' is not a valid environment variable name", k->str);
            if (ld_want_text(L, v, "run env value")) ld_check_template(L, V, v);
        }
    }
    const yn_node *t = yn_get(r, "timeout");
    if (t) ld_check_duration(L, V, t, "run timeout", 0, true);
}
