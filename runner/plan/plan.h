/* The plan: which tests of the loaded model run, in which order (files in load order, tests in
 * file order), after --id, --tags, --skip-tags and the opt-in tags (slow, intrusive), and, with
 * --shard K/N, only the case files of shard K.
 *
 * Sharding splits whole case files, so fixtures and the order within a file stay intact. The
 * files that have planned tests are weighed by their number of planned tests and dealt out
 * greedily: heaviest first (ties by path), each to the shard with the fewest tests so far (ties
 * to the lowest shard number). The result depends only on the case files and the filters, so
 * every CI job computes the same partition; the shards together run exactly the unsharded plan,
 * each test once. */
#ifndef AC_PLAN_H
#define AC_PLAN_H

#include <stdio.h>
#include "config.h"
#include "model.h"

typedef struct ac_plan_item {
    const ac_suite_file *file;   /* borrowed from the model */
    const ac_test *test;
} ac_plan_item;

typedef struct ac_plan {
    ac_plan_item *items; size_t n;
    size_t n_opt_in_excluded;    /* tests left out because they need --include */
} ac_plan;

/* Builds the plan. A filter (--id/--tags) that matches no test is an error (*err), and so is a
 * shard left empty (more shards than case files with planned tests). */
int ac_plan_build(const ac_model *m, const ac_config *cfg, ac_plan *out, char **err);
/* Keeps only shard k (1-based) of n of plan p (see above). Returns the number of case files the
 * unsharded plan had. */
size_t ac_plan_shard(ac_plan *p, int k, int n);
void ac_plan_free(ac_plan *p);
/* --list: one line per planned test: ID<TAB>severity<TAB>tags<TAB>name<TAB>controls (comma-separated) */
void ac_plan_print(const ac_plan *p, const char *profile, FILE *out);

/* Tags that keep a test out of a run unless named with --include. */
bool ac_tag_is_opt_in(const char *tag);

#endif
