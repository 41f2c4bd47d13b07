/* Selecting and ordering the tests of a run. */
#include "plan.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool ac_tag_is_opt_in(const char *tag)
{
    /* attack: payloads that look like injection, which firewalls ban clients for. */
    return strcmp(tag, "slow") == 0 || strcmp(tag, "intrusive") == 0 || strcmp(tag, "attack") == 0;
}

static bool id_matches(const ac_strlist *ids, const char *id, bool *exact)
{
    for (size_t i = 0; i < ids->n; i++) {
        if (strcmp(ids->items[i], id) == 0) {
            *exact = true;
            return true;
        }
        if (fnmatch(ids->items[i], id, 0) == 0) return true;
    }
    return false;
}

static bool any_tag(const ac_strlist *tags, const ac_strlist *wanted)
{
    for (size_t i = 0; i < wanted->n; i++)
        if (ac_strlist_contains(tags, wanted->items[i])) return true;
    return false;
}

int ac_plan_build(const ac_model *m, const ac_config *cfg, ac_plan *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    for (size_t f = 0; f < m->n_files; f++) {
        const ac_suite_file *file = &m->files[f];
        for (size_t t = 0; t < file->n_tests; t++) {
            const ac_test *test = &file->tests[t];
            bool exact = false;
            if (cfg->ids.n && !id_matches(&cfg->ids, test->id, &exact)) continue;
            if (cfg->tags.n && !any_tag(&test->tags, &cfg->tags)) continue;
            if (cfg->skip_tags.n && any_tag(&test->tags, &cfg->skip_tags)) continue;
            /* Opt-in tags: a test naming one runs only with --include, or when its exact id was
             * asked for (naming a test is the clearest possible opt-in). */
            bool excluded = false;
            for (size_t k = 0; k < test->tags.n && !exact; k++)
                if (ac_tag_is_opt_in(test->tags.items[k]) &&
                    !ac_strlist_contains(&cfg->include, test->tags.items[k]))
                    excluded = true;
            if (excluded) {
                out->n_opt_in_excluded++;
                continue;
            }
            if (out->n == cap) {
                cap = cap ? cap * 2 : 64;
                out->items = ac_realloc(out->items, cap * sizeof *out->items);
            }
            out->items[out->n].file = file;
            out->items[out->n].test = test;
            out->n++;
        }
    }
    if (out->n == 0 && (cfg->ids.n || cfg->tags.n || cfg->skip_tags.n)) {
        *err = ac_sprintf("no test matches the filters (--id/--tags/--skip-tags)%s",
                          out->n_opt_in_excluded ? "; some matching tests need --include slow,intrusive,attack" : "");
        ac_plan_free(out);
        return -1;
    }
    if (cfg->shard_n > 0) {
        size_t n_files = ac_plan_shard(out, cfg->shard_k, cfg->shard_n);
        if (out->n == 0) {
            *err = ac_sprintf("shard %d/%d is empty: the plan has %zu case file%s with tests, and shards "
                              "split whole files (use at most %zu shards)", cfg->shard_k, cfg->shard_n,
                              n_files, n_files == 1 ? "" : "s", n_files);
            ac_plan_free(out);
            return -1;
        }
    }
    return 0;
}

typedef struct shard_file {
    const ac_suite_file *file;
    size_t tests;
    int shard;                   /* 1-based */
} shard_file;

static int heavier_first(const void *a, const void *b)
{
    const shard_file *x = a, *y = b;
    if (x->tests != y->tests) return x->tests > y->tests ? -1 : 1;
    return strcmp(x->file->path, y->file->path);
}

size_t ac_plan_shard(ac_plan *p, int k, int n)
{
    /* The files of the plan with their planned test counts (items of a file are contiguous,
     * but counting by pointer does not rely on it). */
    shard_file *files = NULL;
    size_t n_files = 0;
    for (size_t i = 0; i < p->n; i++) {
        size_t f = 0;
        while (f < n_files && files[f].file != p->items[i].file) f++;
        if (f == n_files) {
            files = ac_realloc(files, (n_files + 1) * sizeof *files);
            files[n_files++] = (shard_file){ .file = p->items[i].file };
        }
        files[f].tests++;
    }
    qsort(files, n_files, sizeof *files, heavier_first);
    size_t *load = ac_calloc((size_t)n, sizeof *load);
    for (size_t f = 0; f < n_files; f++) {
        int best = 0;
        for (int s = 1; s < n; s++)
            if (load[s] < load[best]) best = s;
        load[best] += files[f].tests;
        files[f].shard = best + 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        int shard = 0;
        for (size_t f = 0; f < n_files && !shard; f++)
            if (files[f].file == p->items[i].file) shard = files[f].shard;
        if (shard == k) p->items[kept++] = p->items[i];
    }
    p->n = kept;
    free(load);
    free(files);
    return n_files;
}

void ac_plan_free(ac_plan *p)
{
    if (!p) return;
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

void ac_plan_print(const ac_plan *p, const char *profile, FILE *out)
{
    for (size_t i = 0; i < p->n; i++) {
        const ac_test *t = p->items[i].test;
        fprintf(out, "%s\t%s\t", t->id, ac_severity_name(ac_test_severity(t, profile)));
        for (size_t k = 0; k < t->tags.n; k++) fprintf(out, "%s%s", k ? "," : "", t->tags.items[k]);
        fprintf(out, "\t%s\t", t->name);
        for (size_t k = 0; k < t->controls.n; k++) fprintf(out, "%s%s", k ? "," : "", t->controls.items[k]);
        (void)profile;
        fprintf(out, "\t%ld%s\n", t->plan_requests, t->plan_requests_open ? "+" : "");
    }
}
