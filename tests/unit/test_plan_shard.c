/* --shard K/N (ac_plan_shard): for many shapes of plan, the shards are a partition of the plan
 * (every planned test in exactly one shard), whole files, in plan order, deterministic, and
 * balanced as the greedy rule promises (no shard exceeds the lightest by more than the heaviest
 * file). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define MAX_FILES 40

typedef struct fake {
    ac_suite_file files[MAX_FILES];
    ac_test tests[MAX_FILES][64];
    size_t n_files;
    ac_plan plan;
} fake;

/* A plan over n_files files; file f plans sizes[f] tests (0: the file has no planned test). */
static void fake_init(fake *F, const size_t *sizes, size_t n_files)
{
    memset(F, 0, sizeof *F);
    F->n_files = n_files;
    F->plan.items = calloc(n_files * 64 + 1, sizeof *F->plan.items);
    for (size_t f = 0; f < n_files; f++) {
        char path[32];
        /* names not in load order, so the tie-break by path is exercised */
        snprintf(path, sizeof path, "cases/%c%02zu.yaml", (char)('a' + (f * 7) % 26), f);
        F->files[f].path = strdup(path);
        for (size_t t = 0; t < sizes[f]; t++) {
            F->plan.items[F->plan.n].file = &F->files[f];
            F->plan.items[F->plan.n].test = &F->tests[f][t];
            F->plan.n++;
        }
    }
}

static void fake_free(fake *F)
{
    for (size_t f = 0; f < F->n_files; f++) free(F->files[f].path);
    free(F->plan.items);
}

static ac_plan copy_plan(const ac_plan *p)
{
    ac_plan c = *p;
    c.items = calloc(p->n + 1, sizeof *c.items);
    memcpy(c.items, p->items, p->n * sizeof *c.items);
    return c;
}

static void check_partition(const size_t *sizes, size_t n_files, int n)
{
    fake F;
    fake_init(&F, sizes, n_files);
    size_t *seen = calloc(F.plan.n + 1, sizeof *seen);
    size_t *load = calloc((size_t)n + 1, sizeof *load);
    int *file_shard = calloc(n_files, sizeof *file_shard);
    size_t heaviest = 0, files_with_tests = 0;
    for (size_t f = 0; f < n_files; f++) {
        if (sizes[f] > heaviest) heaviest = sizes[f];
        if (sizes[f]) files_with_tests++;
    }
    for (int k = 1; k <= n; k++) {
        ac_plan a = copy_plan(&F.plan), b = copy_plan(&F.plan);
        size_t nf = ac_plan_shard(&a, k, n);
        ac_plan_shard(&b, k, n);
        ck_assert_uint_eq(nf, files_with_tests);
        /* deterministic */
        ck_assert_uint_eq(a.n, b.n);
        ck_assert(memcmp(a.items, b.items, a.n * sizeof *a.items) == 0);
        /* plan order kept: indices into the full plan increase */
        size_t last = 0;
        for (size_t i = 0; i < a.n; i++) {
            size_t idx = 0;
            while (F.plan.items[idx].test != a.items[i].test) idx++;
            ck_assert(i == 0 || idx > last);
            last = idx;
            seen[idx]++;
            size_t f = (size_t)(a.items[i].file - F.files);
            ck_assert(file_shard[f] == 0 || file_shard[f] == k);   /* whole files */
            file_shard[f] = k;
        }
        load[k] = a.n;
        free(a.items);
        free(b.items);
    }
    /* a partition: every planned test in exactly one shard */
    for (size_t i = 0; i < F.plan.n; i++) ck_assert_uint_eq(seen[i], 1);
    /* every file with tests is in one shard, with all its tests */
    for (size_t f = 0; f < n_files; f++) {
        if (!sizes[f]) continue;
        size_t in_shard = 0;
        ck_assert(file_shard[f] >= 1 && file_shard[f] <= n);
        for (size_t i = 0; i < F.plan.n; i++)
            if (F.plan.items[i].file == &F.files[f]) in_shard++;
        ck_assert_uint_eq(in_shard, sizes[f]);
    }
    /* greedy balance: max - min <= the heaviest file */
    size_t lo = (size_t)-1, hi = 0;
    for (int k = 1; k <= n; k++) {
        if (load[k] < lo) lo = load[k];
        if (load[k] > hi) hi = load[k];
    }
    ck_assert(hi - lo <= heaviest);
    free(seen);
    free(load);
    free(file_shard);
    fake_free(&F);
}

START_TEST(partitions)
{
    static const size_t bundled[] = { 31, 9, 6, 14, 5, 4, 2, 1 };   /* like cases/ */
    static const size_t equal[] = { 10, 10, 10, 10, 10, 10 };
    static const size_t skewed[] = { 60, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    static const size_t holes[] = { 0, 5, 0, 7, 3, 0, 0, 9 };
    static const size_t one[] = { 12 };
    for (int n = 1; n <= 8; n++) check_partition(bundled, 8, n);
    for (int n = 1; n <= 6; n++) check_partition(equal, 6, n);
    for (int n = 1; n <= 12; n++) check_partition(skewed, 12, n);
    for (int n = 1; n <= 4; n++) check_partition(holes, 8, n);
    check_partition(one, 1, 1);
    size_t many[MAX_FILES];
    for (size_t f = 0; f < MAX_FILES; f++) many[f] = 1 + (f * 37) % 50;
    for (int n = 1; n <= 16; n++) check_partition(many, MAX_FILES, n);
}
END_TEST

START_TEST(equal_files_split_evenly)
{
    static const size_t equal[] = { 10, 10, 10, 10, 10, 10 };
    fake F;
    fake_init(&F, equal, 6);
    for (int k = 1; k <= 3; k++) {
        ac_plan a = copy_plan(&F.plan);
        ac_plan_shard(&a, k, 3);
        ck_assert_uint_eq(a.n, 20);
        free(a.items);
    }
    fake_free(&F);
}
END_TEST

START_TEST(more_shards_than_files_leaves_some_empty)
{
    static const size_t two[] = { 3, 4 };
    fake F;
    fake_init(&F, two, 2);
    size_t total = 0, empty = 0;
    for (int k = 1; k <= 3; k++) {
        ac_plan a = copy_plan(&F.plan);
        ac_plan_shard(&a, k, 3);
        total += a.n;
        if (a.n == 0) empty++;
        free(a.items);
    }
    ck_assert_uint_eq(total, 7);
    ck_assert_uint_eq(empty, 1);   /* ac_plan_build turns this into a usage error */
    fake_free(&F);
}
END_TEST

static Suite *shard_suite(void)
{
    Suite *s = suite_create("plan_shard");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, partitions);
    tcase_add_test(tc, equal_files_split_evenly);
    tcase_add_test(tc, more_shards_than_files_leaves_some_empty);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shard_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
