/* The plan: which tests of the loaded model run, in which order (files in load order, tests in
 * file order), after --id, --tags, --skip-tags and the opt-in tags (slow, intrusive). */
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

/* Builds the plan. A filter (--id/--tags) that matches no test is an error (*err). */
int ac_plan_build(const ac_model *m, const ac_config *cfg, ac_plan *out, char **err);
void ac_plan_free(ac_plan *p);
/* --list: one line per planned test: ID<TAB>severity<TAB>tags<TAB>name */
void ac_plan_print(const ac_plan *p, const char *profile, FILE *out);

/* Tags that keep a test out of a run unless named with --include. */
bool ac_tag_is_opt_in(const char *tag);

#endif
