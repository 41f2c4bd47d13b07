/* The loaded case model: severity helpers, manifest lookup and freeing. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

static bool severity_word(const yn_node *n, ac_severity *out)
{
    if (!yn_is_str(n)) return false;
    if (strcmp(n->str, "must") == 0) *out = AC_SEV_MUST;
    else if (strcmp(n->str, "should") == 0) *out = AC_SEV_SHOULD;
    else if (strcmp(n->str, "info") == 0) *out = AC_SEV_INFO;
    else return false;
    return true;
}

ac_severity ac_sevspec_resolve(ac_sevspec s, const char *profile, ac_severity dflt)
{
    ac_severity r;
    if (!s.node) return dflt;
    if (s.node->kind == YN_SCALAR) return severity_word(s.node, &r) ? r : dflt;
    if (s.node->kind != YN_MAP) return dflt;
    if (profile && severity_word(yn_get(s.node, profile), &r)) return r;
    if (severity_word(yn_get(s.node, "default"), &r)) return r;
    return dflt;
}

const yn_node *ac_test_override(const ac_test *t, const char *profile, const char *key)
{
    for (size_t i = 0; profile && i < t->n_overrides; i++)
        if (strcmp(t->overrides[i].profile, profile) == 0) return yn_get(t->overrides[i].node, key);
    return NULL;
}

ac_severity ac_test_severity(const ac_test *t, const char *profile)
{
    if (!t->node) return t->plan_severity;   /* released: the YAML is gone */
    const yn_node *o = ac_test_override(t, profile, "severity");
    return ac_sevspec_resolve(o ? (ac_sevspec){ o } : t->severity, profile, AC_SEV_MUST);
}

static void step_free(ac_step *s)
{
    free(s->name);
}

/* The requests a test sends itself (not its fixtures or controls) in profile: the repeat of a
 * single request, or the sum over request steps; a step that repeats `until` its checks hold
 * is open-ended, marked by *open. */
long ac_test_request_bound(const ac_test *t, const char *profile, bool *open)
{
    *open = false;
    const ac_step *steps = t->steps;
    size_t n = t->n_steps;
    for (size_t i = 0; i < t->n_overrides; i++)
        if (strcmp(t->overrides[i].profile, profile) == 0 && t->overrides[i].steps) {
            steps = t->overrides[i].steps;
            n = t->overrides[i].n_steps;
        }
    if (!t->multi_step) return t->repeat > 0 ? t->repeat : 1;
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        if (steps[i].kind != AC_STEP_REQUEST) continue;
        total += steps[i].repeat > 0 ? steps[i].repeat : 1;
        if (steps[i].until) *open = true;
    }
    /* A cluster test sends this much per node (each_node) or per round (for_each_node): how
     * many nodes a run has is not known here. */
    if (t->needs_nodes) *open = true;
    return total;
}

/* What a released test does not keep: everything that points into the YAML tree. */
static void test_free_body(ac_test *t)
{
    ac_strlist_free(&t->refs);
    ac_strlist_free(&t->requires);
    for (size_t i = 0; i < t->n_steps; i++) step_free(&t->steps[i]);
    free(t->steps);
    for (size_t i = 0; i < t->n_overrides; i++) {
        free(t->overrides[i].profile);
        for (size_t k = 0; k < t->overrides[i].n_steps; k++) step_free(&t->overrides[i].steps[k]);
        free(t->overrides[i].steps);
    }
    free(t->overrides);
    ac_test keep = { .id = t->id, .name = t->name, .tags = t->tags, .controls = t->controls, .file = t->file,
                     .line = t->line, .plan_severity = t->plan_severity, .repeat = 1, .concurrency = 1,
                     .plan_requests = t->plan_requests, .plan_requests_open = t->plan_requests_open,
                     .exclusive = t->exclusive };
    *t = keep;
}

static void test_free(ac_test *t)
{
    test_free_body(t);
    free(t->id);
    free(t->name);
    ac_strlist_free(&t->tags);
    ac_strlist_free(&t->controls);
}

static void fixtures_free(ac_suite_file *f)
{
    for (size_t i = 0; i < f->n_fixtures; i++) {
        free(f->fixtures[i].name);
        free(f->fixtures[i].description);
        step_free(&f->fixtures[i].step);
        ac_strlist_free(&f->fixtures[i].requires);
    }
    free(f->fixtures);
    f->fixtures = NULL;
    f->n_fixtures = 0;
}

void ac_suite_file_release(ac_suite_file *f)
{
    if (!f || f->released) return;
    fixtures_free(f);
    for (size_t i = 0; i < f->n_tests; i++) test_free_body(&f->tests[i]);
    yn_doc_free(f->doc);
    f->doc = NULL;
    f->released = true;
}

/* Frees what a suite file owns (not the struct itself). */
void ac_suite_file_free_contents(ac_suite_file *f)
{
    if (!f) return;
    free(f->path);
    free(f->suite);
    free(f->description);
    ac_strlist_free(&f->tags);
    fixtures_free(f);
    for (size_t i = 0; i < f->n_tests; i++) test_free(&f->tests[i]);
    free(f->tests);
    yn_doc_free(f->doc);
    memset(f, 0, sizeof *f);
}

void ac_manifest_free_contents(ac_manifest *m)
{
    if (!m) return;
    free(m->path);
    free(m->name);
    free(m->version);
    ac_strlist_free(&m->case_paths);
    for (size_t i = 0; i < m->n_vars; i++) {
        free(m->vars[i].name);
        free(m->vars[i].default_value);
        free(m->vars[i].env);
        ac_strlist_free(&m->vars[i].env_aliases);
        free(m->vars[i].description);
        free(m->vars[i].fallback);
    }
    free(m->vars);
    for (size_t i = 0; i < m->n_ref_docs; i++) ac_ref_doc_free_contents(&m->ref_docs[i]);
    free(m->ref_docs);
    ac_strlist_free(&m->profiles);
    yn_doc_free(m->doc);
    memset(m, 0, sizeof *m);
}

void ac_model_free(ac_model *m)
{
    if (!m) return;
    if (!m->manifest_borrowed) ac_manifest_free_contents(&m->manifest);
    for (size_t i = 0; i < m->n_files; i++) ac_suite_file_free_contents(&m->files[i]);
    free(m->files);
    ac_strlist_free(&m->known_vars);
    free(m->profile);
    memset(m, 0, sizeof *m);
}

const ac_var_decl *ac_manifest_find_var(const ac_manifest *m, const char *name)
{
    if (!m || !name) return NULL;
    for (size_t i = 0; i < m->n_vars; i++)
        if (m->vars[i].name && strcmp(m->vars[i].name, name) == 0) return &m->vars[i];
    return NULL;
}
