/* Names the user set that nothing reads: --var (error), vars files and the environment
 * (warnings). See varcheck.h. */
#include "varcheck.h"

#include <stdlib.h>
#include <string.h>

#include "case_load.h"
#include "suggest.h"

#define TOOL_PREFIX "AUTHCONFORM_"

const ac_tool_env ac_tool_env_vars[] = {
    { "AUTHCONFORM_SUITE", "the suite manifest to use instead of the bundled one" },
    { "AUTHCONFORM_ALLOW_SKIP", "must-level tests (ids or tags) allowed not to be judged, as --allow-skip" },
    /* Not read by authconform itself: a case's run step sets it for the command it runs (the
     * bundled revocation tests), and `authconform-refserver admin revoke` reads it. A value
     * left over in a shell that tried the reference server is therefore not a typo. */
    { "AUTHCONFORM_TOKEN", "the token a run step's command acts on (set by the step)" },
    /* The generic suite's names (suite/oauth2.yaml), which --help names; the client's pair is
     * also the Apinizer suite's alias for its account. */
    { "AUTHCONFORM_CLIENT_ID", "the OAuth2 client (generic suite; alias of APINIZER_USERNAME)" },
    { "AUTHCONFORM_CLIENT_SECRET", "its secret (generic suite; alias of APINIZER_PASSWORD)" },
    { "AUTHCONFORM_RESOURCE_URL", "the protected resource the generic suite checks" },
    { NULL, NULL },
};

/* Prefixes that belong to CI systems and the system: a suite whose env fallbacks happen to
 * share one gets no prefix check, since every job's environment is full of such names. */
static const char *const FOREIGN_PREFIXES[] = { "CI_", "GITHUB_", "GITLAB_", "RUNNER_",
    "JENKINS_", "BUILD_", "JOB_", "BITBUCKET_", "CIRCLE_", "TRAVIS_", "DRONE_", "BUILDKITE_",
    "SYSTEM_", "AGENT_", "LC_", "XDG_", "SSH_", "GIT_", "DOCKER_", NULL };

void ac_var_uses_add(ac_var_uses *u, const char *name)
{
    /* Linear: a suite's vocabulary of variable names is small (tens), however many tests use
     * it. */
    if (!ac_strlist_contains(&u->vars, name)) ac_strlist_push(&u->vars, name);
}

void ac_var_uses_free(ac_var_uses *u)
{
    if (!u) return;
    ac_strlist_free(&u->vars);
    ac_strlist_free(&u->env);
}

void ac_given_vars_add(ac_given_vars *g, const char *name, const char *file, int line)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 8;
        g->items = ac_realloc(g->items, g->cap * sizeof *g->items);
    }
    g->items[g->n++] = (ac_given_var){ ac_strdup(name), ac_strdup(file), line };
}

void ac_given_vars_free(ac_given_vars *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->items[i].name);
        free(g->items[i].file);
    }
    free(g->items);
    memset(g, 0, sizeof *g);
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

/* Names the tool itself reads from the variables (main.c): accepted gaps in coverage, given
 * next to the account they go with. */
static const char *const TOOL_VARS[] = { "allow_skip", "allow_incomplete", NULL };

static bool var_used(const char *name, const ac_var_uses *u, const ac_manifest *man)
{
    return ac_strlist_contains(&u->vars, name) || in_list(name, ac_builtin_var_names) ||
           in_list(name, TOOL_VARS) || ac_manifest_find_var(man, name) != NULL;
}

size_t ac_varcheck_secrets(const ac_strlist *secrets, const ac_var_uses *u, const ac_manifest *man,
                           ac_diags *diags)
{
    ac_suggest c = { 0 };
    ac_suggest_add_strlist(&c, &u->vars);
    for (size_t i = 0; man && i < man->n_vars; i++) ac_suggest_add(&c, man->vars[i].name);
    size_t errors = 0;
    for (size_t i = 0; secrets && i < secrets->n; i++) {
        const char *name = secrets->items[i];
        if (var_used(name, u, man)) continue;
        char dym[160];
        ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, name));
        /* A misspelt --secret protects nothing: the variable meant stays printable. */
        ac_diag_add(diags, AC_DIAG_ERROR, NULL, 0, 0, NULL, 0,
                    "--secret %s: no loaded case file uses a variable of that name and the suite "
                    "does not declare it, so it would keep nothing secret%s", name, dym);
        errors++;
    }
    ac_suggest_free(&c);
    return errors;
}

size_t ac_varcheck_given(const ac_given_vars *g, const ac_var_uses *u, const ac_manifest *man,
                         ac_diags *diags)
{
    ac_suggest c = { 0 };
    ac_suggest_add_strlist(&c, &u->vars);
    for (size_t i = 0; man && i < man->n_vars; i++) ac_suggest_add(&c, man->vars[i].name);
    ac_suggest_add_list(&c, ac_builtin_var_names);
    size_t errors = 0;
    ac_strlist reported = { 0 };   /* --var names already reported (--var a=1 --var a=2) */
    for (size_t i = 0; i < g->n; i++) {
        const ac_given_var *v = &g->items[i];
        if (var_used(v->name, u, man)) continue;
        char dym[160];
        ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, v->name));
        if (v->file) {
            ac_diag_add(diags, AC_DIAG_WARNING, v->file, v->line, 0, NULL, 0,
                        "'%s' is set but no loaded case file uses it and the suite does not "
                        "declare it%s", v->name, dym);
        } else if (!ac_strlist_contains(&reported, v->name)) {
            ac_strlist_push(&reported, v->name);
            ac_diag_add(diags, AC_DIAG_ERROR, NULL, 0, 0, NULL, 0,
                        "--var %s: no loaded case file uses a variable of that name and the "
                        "suite does not declare it%s", v->name, dym);
            errors++;
        }
    }
    ac_strlist_free(&reported);
    ac_suggest_free(&c);
    return errors;
}

char *ac_env_prefix(const ac_manifest *man)
{
    /* Candidate prefixes with how many declarations share each. */
    ac_strlist prefixes = { 0 };
    size_t *counts = NULL, total = 0;
    for (size_t i = 0; man && i < man->n_vars; i++) {
        const char *env = man->vars[i].env;
        if (!env) continue;
        total++;
        const char *us = strchr(env, '_');
        if (!us || us == env) continue;
        char *p = ac_strndup(env, (size_t)(us - env) + 1);
        size_t j = 0;
        while (j < prefixes.n && strcmp(prefixes.items[j], p) != 0) j++;
        if (j == prefixes.n) {
            ac_strlist_push_owned(&prefixes, p);
            counts = ac_realloc(counts, prefixes.n * sizeof *counts);
            counts[j] = 0;
        } else {
            free(p);
        }
        counts[j]++;
    }
    char *out = NULL;
    for (size_t j = 0; j < prefixes.n && !out; j++)
        if (counts[j] >= 2 && 2 * counts[j] > total && !in_list(prefixes.items[j], FOREIGN_PREFIXES) &&
            strcmp(prefixes.items[j], TOOL_PREFIX) != 0)   /* checked anyway */
            out = ac_strdup(prefixes.items[j]);
    free(counts);
    ac_strlist_free(&prefixes);
    return out;
}

static bool env_read(const char *name, const ac_manifest *man, const ac_var_uses *u)
{
    for (size_t i = 0; man && i < man->n_vars; i++)
        if ((man->vars[i].env && strcmp(man->vars[i].env, name) == 0) ||
            ac_strlist_contains(&man->vars[i].env_aliases, name))
            return true;
    for (const ac_tool_env *t = ac_tool_env_vars; t->name; t++)
        if (strcmp(t->name, name) == 0) return true;
    return ac_strlist_contains(&u->env, name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ac_varcheck_environ(char *const *envp, const ac_manifest *man, const ac_var_uses *u,
                           ac_diags *diags)
{
    char *prefix = ac_env_prefix(man);
    ac_strlist unread = { 0 };
    for (size_t i = 0; envp && envp[i]; i++) {
        const char *eq = strchr(envp[i], '=');
        if (!eq) continue;
        /* Only the name is copied: the value may be a secret. */
        char *name = ac_strndup(envp[i], (size_t)(eq - envp[i]));
        bool ours = ac_str_startswith(name, TOOL_PREFIX) || (prefix && ac_str_startswith(name, prefix));
        if (ours && !env_read(name, man, u) && !ac_strlist_contains(&unread, name))
            ac_strlist_push_owned(&unread, name);
        else
            free(name);
    }
    if (unread.n) {
        qsort(unread.items, unread.n, sizeof *unread.items, cmp_str);   /* environ has no order */
        ac_suggest c = { 0 };
        for (size_t i = 0; man && i < man->n_vars; i++) {
            ac_suggest_add(&c, man->vars[i].env);
            ac_suggest_add_strlist(&c, &man->vars[i].env_aliases);
        }
        for (const ac_tool_env *t = ac_tool_env_vars; t->name; t++) ac_suggest_add(&c, t->name);
        ac_suggest_add_strlist(&c, &u->env);
        ac_buf b;
        ac_buf_init(&b);
        for (size_t i = 0; i < unread.n; i++) {
            char dym[160];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, unread.items[i]));
            ac_buf_printf(&b, "%s%s%s", i ? ", " : "", unread.items[i], dym);
        }
        ac_diag_add(diags, AC_DIAG_WARNING, NULL, 0, 0, NULL, 0,
                    "environment variable%s %s %s set, but neither the suite nor authconform "
                    "reads %s (checked: names starting with %s%s)", unread.n == 1 ? "" : "s",
                    ac_buf_str(&b), unread.n == 1 ? "is" : "are", unread.n == 1 ? "it" : "them",
                    prefix ? prefix : TOOL_PREFIX, prefix ? " or " TOOL_PREFIX : "");
        ac_buf_free(&b);
        ac_suggest_free(&c);
    }
    size_t n = unread.n;
    ac_strlist_free(&unread);
    free(prefix);
    return n;
}
