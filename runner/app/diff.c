/* Comparing two run records: matching tests by id, classifying each change, checking that the
 * runs are comparable, and presenting the result as a table or through the report writers. */
#include "diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"
#include "version.h"

const char *ac_diff_kind_name(ac_diff_kind k)
{
    switch (k) {
    case AC_DIFF_SAME: return "same";
    case AC_DIFF_NEW_FAILURE: return "new failure";
    case AC_DIFF_LOST_COVERAGE: return "lost coverage";
    case AC_DIFF_FIXED: return "fixed";
    case AC_DIFF_OUTCOME: return "changed";
    case AC_DIFF_STATUSES: return "statuses";
    case AC_DIFF_ADDED: return "added";
    case AC_DIFF_REMOVED: return "removed";
    case AC_DIFF_N_KINDS: break;
    }
    return "?";
}

static const char *display_outcome(ac_outcome o)
{
    return ac_outcome_key(o);
}

/* ---- matching ------------------------------------------------------------------------------- */

/* The tests of a record sorted by id, for lookups by id. */
typedef struct id_index {
    const ac_record_test **by_id;
    size_t n;
} id_index;

static int cmp_by_id(const void *a, const void *b)
{
    return strcmp((*(const ac_record_test *const *)a)->id, (*(const ac_record_test *const *)b)->id);
}

static void index_build(id_index *ix, const ac_record *r)
{
    ix->n = r->n_tests;
    ix->by_id = ac_malloc((r->n_tests + 1) * sizeof *ix->by_id);
    for (size_t i = 0; i < r->n_tests; i++) ix->by_id[i] = &r->tests[i];
    qsort(ix->by_id, ix->n, sizeof *ix->by_id, cmp_by_id);
}

static const ac_record_test *index_find(const id_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->by_id[mid]->id, id);
        if (c == 0) return ix->by_id[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static bool same_statuses(const ac_record_test *a, const ac_record_test *b)
{
    if (a->n_statuses != b->n_statuses) return false;
    for (size_t i = 0; i < a->n_statuses; i++)
        if (a->statuses[i] != b->statuses[i]) return false;
    return true;
}

/* ---- comparability -------------------------------------------------------------------------- */

static const char *or_unknown(const char *s)
{
    return s && *s ? s : "(unknown)";
}

static const char *option_value(const ac_record *r, const char *name)
{
    for (size_t i = 0; i < r->option_names.n; i++)
        if (strcmp(r->option_names.items[i], name) == 0) return r->option_values.items[i];
    return NULL;
}

/* The names of a record's nodes ("NAME=ADDRESS" each), joined by ", "; "" for none. Caller frees. */
static char *node_names(const ac_record *r)
{
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; i < r->nodes.n; i++) {
        const char *item = r->nodes.items[i], *eq = strchr(item, '=');
        if (i) ac_buf_puts(&b, ", ");
        ac_buf_append(&b, item, eq ? (size_t)(eq - item) : strlen(item));
    }
    return ac_buf_steal(&b);
}

static void compare_runs(const ac_record *o, const ac_record *n, ac_diff *d)
{
    if (o->record_version != n->record_version)
        ac_strlist_push_owned(&d->notes, ac_sprintf("record_version %d -> %d", o->record_version,
                                                    n->record_version));
    if (strcmp(o->suite_name, n->suite_name) != 0)
        ac_strlist_push_owned(&d->warnings, ac_sprintf("the runs used different suites: %s -> %s",
                                                       or_unknown(o->suite_name), or_unknown(n->suite_name)));
    if (strcmp(o->suite_version, n->suite_version) != 0)
        ac_strlist_push_owned(&d->warnings, ac_sprintf("the runs used different suite versions: %s -> %s "
                                                       "(tests may have been added, removed or changed)",
                                                       or_unknown(o->suite_version), or_unknown(n->suite_version)));
    else if (strcmp(o->suite_hash, n->suite_hash) != 0)
        ac_strlist_push_owned(&d->warnings, ac_sprintf("the suite's files differ although its version is the "
                                                       "same (hash %.19s -> %.19s): edited or local cases",
                                                       or_unknown(o->suite_hash), or_unknown(n->suite_hash)));
    if (strcmp(o->profile, n->profile) != 0)
        ac_strlist_push_owned(&d->warnings, ac_sprintf("the runs used different profiles: %s -> %s "
                                                       "(severities and expectations differ)",
                                                       or_unknown(o->profile), or_unknown(n->profile)));
    /* Every option either record names, in OLD's order then NEW's; the profile was compared. */
    const ac_record *both[2] = { o, n };
    for (int side = 0; side < 2; side++) {
        const ac_record *r = both[side];
        for (size_t i = 0; i < r->option_names.n; i++) {
            const char *name = r->option_names.items[i];
            if (strcmp(name, "profile") == 0) continue;
            if (side == 1 && option_value(o, name)) continue;   /* already compared */
            const char *ov = option_value(o, name), *nv = option_value(n, name);
            if (ov && nv && strcmp(ov, nv) == 0) continue;
            ac_strlist_push_owned(&d->warnings, ac_sprintf("the runs used different options: %s %s -> %s",
                                                           name, ov ? ov : "(absent)", nv ? nv : "(absent)"));
        }
    }
    if (strcmp(o->tool_version, n->tool_version) != 0)
        ac_strlist_push_owned(&d->notes, ac_sprintf("authconform %s -> %s", or_unknown(o->tool_version),
                                                    or_unknown(n->tool_version)));
    if (strcmp(o->target, n->target) != 0)
        ac_strlist_push_owned(&d->notes, ac_sprintf("different targets: %s -> %s", or_unknown(o->target),
                                                    or_unknown(n->target)));
    /* Cluster runs: the node names (not their addresses, which may move between runs). */
    char *on = node_names(o), *nn = node_names(n);
    if (strcmp(on, nn) != 0)
        ac_strlist_push_owned(&d->notes, ac_sprintf("different nodes: %s -> %s", *on ? on : "(none)",
                                                    *nn ? nn : "(none)"));
    free(on);
    free(nn);
}

/* ---- the comparison ------------------------------------------------------------------------- */

/* A must-level test that used to run and pass and no longer does: a skipped test does not fail
 * the new run, so without this class an upgrade that stops the suite from judging token
 * issuance would diff as harmless "changed" rows. Must-level is taken from NEW, the
 * severity the new run judged with (every record test has one; a profile or suite change that
 * moves severities is warned about). "Passed" includes a warn outside --strict, as for
 * "fixed": its must-level checks passed. A test that was failing in OLD lost nothing. */
static bool lost_coverage(const ac_record *old_r, const ac_record_test *o, const ac_record_test *n)
{
    if (strcmp(n->severity, "must") != 0) return false;
    bool passed = o->outcome == AC_OUT_PASS || (o->outcome == AC_OUT_WARN && !ac_record_test_failing(old_r, o));
    return passed && (n->outcome == AC_OUT_SKIP || n->outcome == AC_OUT_NOTRUN || n->outcome == AC_OUT_ERROR);
}

static void push(ac_diff *d, ac_diff_kind k, const ac_record_test *o, const ac_record_test *n, bool nf)
{
    ac_diff_entry *e = &d->entries[d->n++];
    e->kind = k;
    e->old_t = o;
    e->new_t = n;
    e->new_failure = nf;
    d->count[k]++;
    if (nf) d->new_failures++;
}

void ac_diff_compute(const ac_record *old_r, const ac_record *new_r, ac_diff *d)
{
    memset(d, 0, sizeof *d);
    d->entries = ac_calloc(old_r->n_tests + new_r->n_tests + 1, sizeof *d->entries);
    compare_runs(old_r, new_r, d);
    id_index oix, nix;
    index_build(&oix, old_r);
    index_build(&nix, new_r);
    for (size_t i = 0; i < new_r->n_tests; i++) {
        const ac_record_test *n = &new_r->tests[i];
        const ac_record_test *o = index_find(&oix, n->id);
        bool nfail = ac_record_test_failing(new_r, n);
        if (!o) {
            push(d, AC_DIFF_ADDED, NULL, n, nfail);
            continue;
        }
        bool ofail = ac_record_test_failing(old_r, o);
        /* Before new failures: pass -> error is both, and is listed once, as lost coverage, yet
         * still exits 1 (lost_failing) like the new failure it also is. */
        if (lost_coverage(old_r, o, n)) {
            push(d, AC_DIFF_LOST_COVERAGE, o, n, false);
            if (nfail) d->lost_failing++;
        } else if (nfail && !ofail) push(d, AC_DIFF_NEW_FAILURE, o, n, true);
        else if (ofail && !nfail && (n->outcome == AC_OUT_PASS || n->outcome == AC_OUT_WARN))
            push(d, AC_DIFF_FIXED, o, n, false);
        else if (o->outcome != n->outcome) push(d, AC_DIFF_OUTCOME, o, n, false);
        else if (!same_statuses(o, n)) push(d, AC_DIFF_STATUSES, o, n, false);
        else push(d, AC_DIFF_SAME, o, n, false);
    }
    for (size_t i = 0; i < old_r->n_tests; i++)
        if (!index_find(&nix, old_r->tests[i].id)) push(d, AC_DIFF_REMOVED, &old_r->tests[i], NULL, false);
    free(oix.by_id);
    free(nix.by_id);
}

void ac_diff_free(ac_diff *d)
{
    if (!d) return;
    free(d->entries);
    ac_strlist_free(&d->warnings);
    ac_strlist_free(&d->notes);
    memset(d, 0, sizeof *d);
}

int ac_diff_exit_code(const ac_diff *d)
{
    if (d->new_failures || d->lost_failing) return 1;
    return d->count[AC_DIFF_LOST_COVERAGE] ? 4 : 0;
}

/* Higher is more serious; an unknown status ranks as a failure rather than being dropped. */
static int exit_rank(int code)
{
    switch (code) {
    case 0: return 0;
    case 4: return 1;
    case 1: return 2;
    case 3: return 3;
    case 2: return 4;
    default: return 2;
    }
}

int ac_diff_exit_worst(int a, int b)
{
    return exit_rank(b) > exit_rank(a) ? b : a;
}

/* ---- the table ------------------------------------------------------------------------------ */

static char *statuses_text(const ac_record_test *t)
{
    if (!t) return ac_strdup("");
    if (!t->n_statuses) return ac_strdup("-");
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; i < t->n_statuses; i++) ac_buf_printf(&b, "%s%ld", i ? "," : "", t->statuses[i]);
    return ac_buf_steal(&b);
}

static char *statuses_change(const ac_diff_entry *e)
{
    char *o = statuses_text(e->old_t), *n = statuses_text(e->new_t);
    char *r;
    if (!e->old_t) r = ac_strdup(n);
    else if (!e->new_t) r = ac_strdup(o);
    else if (strcmp(o, n) == 0) r = ac_strdup(n);
    else r = ac_sprintf("%s -> %s", o, n);
    free(o);
    free(n);
    return r;
}

void ac_diff_print_warnings(const ac_diff *d, FILE *out)
{
    for (size_t i = 0; i < d->warnings.n; i++) fprintf(out, "warning: %s\n", d->warnings.items[i]);
    for (size_t i = 0; i < d->notes.n; i++) fprintf(out, "note: %s\n", d->notes.items[i]);
}

static void run_line(FILE *out, const char *label, const ac_record *r)
{
    char *path = ac_text_one_line(r->path, 200);
    fprintf(out, "  %s %s: %s%s%s, profile %s%s, %zu tests, %s\n", label, path,
            r->suite_name && *r->suite_name ? r->suite_name : "(no suite)",
            r->suite_version && *r->suite_version ? " " : "", r->suite_version ? r->suite_version : "",
            or_unknown(r->profile), r->strict ? " (strict)" : "", r->n_tests, or_unknown(r->started_at));
    free(path);
}

/* Display order of the table's groups. */
static const ac_diff_kind GROUPS[] = { AC_DIFF_NEW_FAILURE, AC_DIFF_LOST_COVERAGE, AC_DIFF_FIXED,
                                       AC_DIFF_OUTCOME, AC_DIFF_STATUSES, AC_DIFF_ADDED, AC_DIFF_REMOVED };
#define N_GROUPS (sizeof GROUPS / sizeof GROUPS[0])

static const char *change_label(const ac_diff_entry *e)
{
    if (e->kind == AC_DIFF_ADDED && e->new_failure) return "added, fails";
    return ac_diff_kind_name(e->kind);
}

/* The entries that change the exit status: the table shows their new message and the reports
 * make them failing tests. */
static bool flagged(const ac_diff_entry *e)
{
    return e->new_failure || e->kind == AC_DIFF_LOST_COVERAGE;
}

void ac_diff_print_table(const ac_diff *d, const ac_record *old_r, const ac_record *new_r, FILE *out)
{
    fprintf(out, "authconform diff\n");
    run_line(out, "old", old_r);
    run_line(out, "new", new_r);
    size_t changed = d->n - d->count[AC_DIFF_SAME];
    if (changed == 0) {
        fprintf(out, "\nno differences: %zu test%s, same outcomes and statuses\n", d->count[AC_DIFF_SAME],
                d->count[AC_DIFF_SAME] == 1 ? "" : "s");
        return;
    }
    /* Column widths from the content, capped so one long id does not push the table apart. */
    size_t w_change = strlen("change"), w_id = 2, w_area = 4, w_sev = 8, w_old = 3, w_new = 3;
    for (size_t i = 0; i < d->n; i++) {
        const ac_diff_entry *e = &d->entries[i];
        if (e->kind == AC_DIFF_SAME) continue;
        const ac_record_test *t = e->new_t ? e->new_t : e->old_t;
        size_t l;
        if ((l = strlen(change_label(e))) > w_change) w_change = l;
        if ((l = strlen(t->id)) > w_id) w_id = l;
        if ((l = strlen(t->area)) > w_area) w_area = l;
        if (e->old_t && (l = strlen(display_outcome(e->old_t->outcome))) > w_old) w_old = l;
        if (e->new_t && (l = strlen(display_outcome(e->new_t->outcome))) > w_new) w_new = l;
    }
    if (w_id > 40) w_id = 40;
    if (w_area > 24) w_area = 24;
    fprintf(out, "\n%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w_change, "change", (int)w_id, "id",
            (int)w_area, "area", (int)w_sev, "severity", (int)w_old, "old", (int)w_new, "new", "statuses");
    for (size_t g = 0; g < N_GROUPS; g++) {
        for (size_t i = 0; i < d->n; i++) {
            const ac_diff_entry *e = &d->entries[i];
            if (e->kind != GROUPS[g]) continue;
            const ac_record_test *t = e->new_t ? e->new_t : e->old_t;
            char *id = ac_text_one_line(t->id, 200), *area = ac_text_one_line(t->area, 200);
            char *st = statuses_change(e);
            fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w_change, change_label(e),
                    (int)w_id, id, (int)w_area, area, (int)w_sev, t->severity, (int)w_old,
                    e->old_t ? display_outcome(e->old_t->outcome) : "-", (int)w_new,
                    e->new_t ? display_outcome(e->new_t->outcome) : "-", st);
            if (flagged(e) && e->new_t && e->new_t->message && *e->new_t->message) {
                char *m = ac_text_one_line(e->new_t->message, 300);
                fprintf(out, "%*s  %s\n", (int)w_change, "", m);
                free(m);
            }
            free(st);
            free(id);
            free(area);
        }
    }
    fprintf(out, "\n%zu new failure%s, %zu lost coverage, %zu fixed, %zu changed outcome%s, %zu changed "
                 "status%s, %zu added, %zu removed; %zu unchanged\n",
            d->new_failures, d->new_failures == 1 ? "" : "s", d->count[AC_DIFF_LOST_COVERAGE],
            d->count[AC_DIFF_FIXED],
            d->count[AC_DIFF_OUTCOME], d->count[AC_DIFF_OUTCOME] == 1 ? "" : "s",
            d->count[AC_DIFF_STATUSES], d->count[AC_DIFF_STATUSES] == 1 ? "" : "es",
            d->count[AC_DIFF_ADDED], d->count[AC_DIFF_REMOVED], d->count[AC_DIFF_SAME]);
}

/* ---- through the report writers --------------------------------------------------------------- */

static void entry_result(const ac_diff_entry *e, const ac_record *new_r, ac_test_result *res)
{
    memset(res, 0, sizeof *res);
    const ac_record_test *t = e->new_t ? e->new_t : e->old_t;
    res->id = ac_strdup(t->id);
    res->name = ac_strdup(t->name);
    res->suite = ac_strdup(t->area);
    res->severity = AC_SEV_MUST;   /* unless the record says otherwise */
    ac_severity_parse(t->severity, &res->severity);
    res->duration_ms = e->new_t ? e->new_t->duration_ms : 0;
    if (e->new_t && e->new_t->n_statuses) {
        res->statuses = ac_malloc(e->new_t->n_statuses * sizeof *res->statuses);
        memcpy(res->statuses, e->new_t->statuses, e->new_t->n_statuses * sizeof *res->statuses);
        res->n_statuses = e->new_t->n_statuses;
    }
    const char *was = e->old_t ? display_outcome(e->old_t->outcome) : "absent";
    const char *now = e->new_t ? display_outcome(e->new_t->outcome) : "absent";
    char *st = statuses_change(e);
    if (flagged(e)) {
        res->outcome = AC_OUT_FAIL;
        const char *msg = e->new_t->message && *e->new_t->message ? e->new_t->message : now;
        res->reason = e->old_t ? ac_sprintf("%s: %s -> %s: %s", ac_diff_kind_name(e->kind), was, now, msg)
                               : ac_sprintf("added and failing: %s", msg);
        res->steps = ac_calloc(1, sizeof *res->steps);
        res->n_steps = 1;
        ac_step_result *s = &res->steps[0];
        s->name = ac_strdup("compare");
        s->outcome = AC_OUT_FAIL;
        s->checks = ac_calloc(1, sizeof *s->checks);
        s->n_checks = 1;
        ac_check *k = &s->checks[0];
        k->check = ac_strdup("outcome compared with the old run");
        k->expected = ac_sprintf("%s (as in the old run%s)", e->old_t ? was : "not failing",
                                 e->old_t ? "" : ", where the test did not exist");
        k->actual = ac_sprintf("%s, statuses %s", now, st);
        k->message = ac_strdup(res->reason);
        k->severity = AC_SEV_MUST;
        k->passed = false;
        res->transcript = ac_sprintf("old run: %s\nnew run: %s\nstatuses: %s\nmessage: %s\n", was, now, st, msg);
    } else if (e->kind == AC_DIFF_REMOVED) {
        res->outcome = AC_OUT_SKIP;
        res->reason = ac_sprintf("removed: in the old run (%s) but not in the new one", was);
    } else {
        res->outcome = AC_OUT_PASS;
        switch (e->kind) {
        case AC_DIFF_FIXED:
        case AC_DIFF_OUTCOME:
            ac_strlist_push_owned(&res->notes, ac_sprintf("%s: %s -> %s (statuses %s)", ac_diff_kind_name(e->kind),
                                                          was, now, st));
            break;
        case AC_DIFF_STATUSES:
            ac_strlist_push_owned(&res->notes, ac_sprintf("statuses changed: %s (outcome %s)", st, now));
            break;
        case AC_DIFF_ADDED:
            ac_strlist_push_owned(&res->notes, ac_sprintf("added: not in the old run; %s now", now));
            break;
        default:
            break;
        }
    }
    res->strict = new_r->strict;
    free(st);
}

int ac_diff_report(const ac_diff *d, const ac_record *old_r, const ac_record *new_r,
                   ac_reporter **reps, size_t n_reps, char **err)
{
    (void)old_r;
    ac_run_info info;
    memset(&info, 0, sizeof info);
    info.tool_version = AC_VERSION;
    info.libcurl_version = ac_version_libcurl();
    info.tls_version = ac_version_tls();
    info.target = new_r->target;
    info.profile = new_r->profile;
    info.strict = false;   /* the diff's own verdicts: only new failures and lost coverage fail */
    info.start_wall = ac_wall_time();
    info.planned = d->n;
    info.suite_name = new_r->suite_name;
    info.suite_version = new_r->suite_version;
    ac_run_summary sum;
    memset(&sum, 0, sizeof sum);
    int rc = 0;
    if (ac_reporters_begin(reps, n_reps, &info, err) < 0) rc = -1;
    for (size_t i = 0; i < d->n; i++) {
        ac_test_result res;
        entry_result(&d->entries[i], new_r, &res);
        res.strict = false;
        sum.total++;
        if (res.outcome == AC_OUT_FAIL) sum.failed++;
        else if (res.outcome == AC_OUT_SKIP) sum.skipped++;
        else sum.passed++;
        if (ac_reporters_test(reps, n_reps, &res, i + 1, err) < 0) rc = -1;
        ac_test_result_free(&res);
    }
    sum.exit_code = ac_diff_exit_code(d);
    if (ac_reporters_end(reps, n_reps, &sum, err) < 0) rc = -1;
    return rc;
}

int ac_diff_command(const char *old_path, const char *new_path, const char *tap_path,
                    const char *junit_path, int tap_version, FILE *out, FILE *errout)
{
    ac_record o, n;
    char *err = NULL;
    int code = 2;
    memset(&n, 0, sizeof n);
    if (ac_record_load(old_path, &o, &err) < 0 || ac_record_load(new_path, &n, &err) < 0) {
        fprintf(errout, "authconform diff: %s\n", err ? err : "cannot read a run record");
        free(err);
        ac_record_free(&o);
        ac_record_free(&n);
        return 2;
    }
    ac_diff d;
    ac_diff_compute(&o, &n, &d);
    ac_report_opts ro;
    ac_report_opts_init(&ro);
    ro.tap_version = tap_version == 13 ? 13 : 14;
    ac_reporter *reps[2] = { 0 };
    size_t n_reps = 0;
    if (tap_path && !(reps[n_reps++] = ac_report_new("tap", tap_path, NULL, &ro, &err))) goto report_error;
    if (junit_path && !(reps[n_reps++] = ac_report_new("junit", junit_path, NULL, &ro, &err))) goto report_error;

    ac_diff_print_warnings(&d, errout);
    /* --tap - puts TAP on stdout: the table moves to stderr so the stream stays pure TAP. */
    ac_diff_print_table(&d, &o, &n, tap_path && strcmp(tap_path, "-") == 0 ? errout : out);
    code = ac_diff_exit_code(&d);
    if (n_reps && ac_diff_report(&d, &o, &n, reps, n_reps, &err) < 0) {
        fprintf(errout, "authconform diff: %s\n", err ? err : "writing a report failed");
        code = 2;
    }
    goto done;
report_error:
    n_reps--;
    fprintf(errout, "authconform diff: %s\n", err ? err : "cannot open a report");
    code = 2;
done:
    for (size_t i = 0; i < n_reps; i++)
        if (reps[i]) reps[i]->destroy(reps[i]);
    free(err);
    ac_diff_free(&d);
    ac_record_free(&o);
    ac_record_free(&n);
    return code;
}

char *ac_diff_temp_record(char **err)
{
    const char *dir = getenv("TMPDIR");
    char *path = ac_sprintf("%s/authconform-record-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        *err = ac_sprintf("--baseline: cannot create a temporary file for the run record: %s", strerror(errno));
        free(path);
        return NULL;
    }
    close(fd);
    return path;
}

int ac_diff_baseline(const ac_record *baseline, const char *new_path, const char *shown_as,
                     int run_code, FILE *out)
{
    ac_record n;
    char *err = NULL;
    if (ac_record_load(new_path, &n, &err) < 0) {
        fprintf(out, "authconform: --baseline: %s\n", err ? err : "cannot read this run's record");
        free(err);
        ac_record_free(&n);
        return run_code;
    }
    if (shown_as) {
        free(n.path);
        n.path = ac_strdup(shown_as);
    }
    ac_diff d;
    ac_diff_compute(baseline, &n, &d);
    fputc('\n', out);
    ac_diff_print_warnings(&d, out);
    ac_diff_print_table(&d, baseline, &n, out);
    /* A pipeline that gates on the exit status would otherwise pass an upgrade that silently
     * stopped judging must-level tests; the comparison can only make the status worse. */
    int code = ac_diff_exit_worst(run_code, ac_diff_exit_code(&d));
    if (code != run_code)
        fprintf(out, "authconform: exit status %d instead of %d: %s\n", code, run_code,
                code == 1 ? "tests fail, error or did not run that did not in the baseline (--baseline)"
                          : "must-level tests that passed in the baseline were not judged (--baseline)");
    ac_diff_free(&d);
    ac_record_free(&n);
    return code;
}
