/* authconform: the program. Parses the command line, loads the case model, merges variables by
 * precedence, and hands the plan to the executor and the reporters. The only place that exits. */
#include <limits.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_load.h"
#include "cli.h"
#include "diag.h"
#include "defaults.h"
#include "diff.h"
#include "discovery.h"
#include "exec.h"
#include "http.h"
#include "interrupt.h"
#include "merge.h"
#include "plan.h"
#include "record.h"
#include "redact.h"
#include "replay.h"
#include "report.h"
#include "varcheck.h"
#include "varlist.h"
#include "vars.h"
#include "version.h"

extern char **environ;   /* POSIX; unistd.h declares it only for _GNU_SOURCE */

/* 3 and 4 come from the executor (ac_run_summary.exit_code); 130/143 from a signal. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3, EXIT_INCOMPLETE = 4, EXIT_LOCAL = 5 };

static bool file_exists(const char *p)
{
    return access(p, R_OK) == 0;
}

/* SIGINT and SIGTERM: the first asks the run to stop (the executor polls the flag and still
 * writes every report); a second one means "now": it exits at once, removing the temporary
 * report files first so no PATH.tmp is left. Async-signal-safe: an atomic, unlink, _exit. */
static void on_stop_signal(int signo)
{
    if (ac_interrupt_from_signal(signo)) {
        ac_tmpfile_unlink_all_from_signal();
        _exit(128 + signo);
    }
}

static void install_signal_handlers(void)
{
    /* A reader that goes away (`authconform ... | head`) must not kill the run: writes to it
     * fail with EPIPE instead, which the TAP writer handles, and the file reports are kept. */
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;   /* a signal must not turn a write into a report error */
    /* A SIGINT ignored on entry stays ignored: that is how a shell starts a background job
     * (`authconform ... &`, nohup) so that Ctrl-C in the terminal does not reach it. */
    struct sigaction old;
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* The report files being written are what the second signal removes. */
    ac_report_set_tmpfile_hooks(ac_tmpfile_register, ac_tmpfile_unregister);
}

/* Adds a constructed reporter, or reports why it could not be made. A report that cannot be
 * written (no space, read-only, a directory in the way) is a local failure, not a usage error
 * and not a verdict on the target: the run goes on, the other reports are still written, and
 * the program exits EXIT_LOCAL. Frees *err. */
static void add_report(ac_reporter **reps, size_t *n, ac_reporter *r, char **err, bool *local_fail)
{
    if (r) {
        reps[(*n)++] = r;
        return;
    }
    fprintf(stderr, "authconform: error: %s\n", *err ? *err : "a report cannot be opened");
    free(*err);
    *err = NULL;
    *local_fail = true;
}

/* The run's writers, all through the registry (ac_report_new): the reports asked for, in the
 * order given; the run record at record_tmp (--baseline without --json); last the console, which
 * is also the run's progress listener. On a terminal the console view is the output: TAP goes to
 * stdout when stdout is not a terminal (a pipe, a file, a CI log) or when asked (--tap - or --tap
 * FILE), as prove does. Returns -1 with *err only when the console cannot be made. */
static int open_reports(ac_cli *cli, const ac_report_opts *ro, const char *record_tmp, ac_reporter **reps,
                        size_t *n_reps, bool *local_fail, char **err)
{
    if (!cli->no_tap && !ac_cli_output_path(cli, "tap") && !isatty(fileno(stdout)))
        add_report(reps, n_reps, ac_report_new("tap", NULL, NULL, ro, err), err, local_fail);
    for (size_t i = 0; i < cli->n_outputs; i++) {
        const ac_cli_output *o = &cli->outputs[i];
        if (cli->no_tap && strcmp(o->format, "tap") == 0) continue;
        add_report(reps, n_reps, ac_report_new(o->format, o->path, NULL, ro, err), err, local_fail);
    }
    if (record_tmp) add_report(reps, n_reps, ac_report_new("json", record_tmp, NULL, ro, err), err, local_fail);
    if (!(reps[*n_reps] = ac_report_new("console", NULL, stderr, ro, err))) return -1;
    cli->cfg.progress = ac_report_console_progress(reps[*n_reps]);
    (*n_reps)++;
    return 0;
}

/* A bundled suite by name (apinizer, oauth2): next to an installed program
 * (PREFIX/share/authconform/suite), or in the source tree this binary was built from. */
static char *find_bundled_suite(const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *p = ac_sprintf("%s/../share/authconform/suite/%s.yaml", exe, name);
            if (file_exists(p)) return p;
            free(p);
        }
    }
    char *candidates[] = { ac_sprintf(AC_DATA_DIR "/suite/%s.yaml", name),
                           ac_sprintf(AC_SOURCE_DIR "/suite/%s.yaml", name) };
    char *found = NULL;
    for (size_t i = 0; i < 2; i++) {
        if (!found && file_exists(candidates[i])) found = candidates[i];
        else free(candidates[i]);
    }
    return found;
}

/* Whether the run is for a generic OAuth2 server: --issuer, or --var issuer=. */
static bool wants_issuer(const ac_cli *cli)
{
    if (cli->issuer) return true;
    for (size_t i = 0; i < cli->vars.n; i++)
        if (!strncmp(cli->vars.items[i], "issuer=", 7)) return true;
    return false;
}

/* The manifest to load: --suite FILE or a bundled NAME; else the generic OAuth2 suite when an
 * issuer is given, the Apinizer suite otherwise (AUTHCONFORM_SUITE overrides that default).
 * NULL with *err when a named suite does not exist. */
static char *choose_manifest(const ac_cli *cli, char **err)
{
    const char *s = cli->suite;
    if (s && !strcmp(s, "none")) return NULL;   /* no manifest: the case files given stand alone */
    if (s && !strchr(s, '/') && !ac_str_endswith(s, ".yaml") && !ac_str_endswith(s, ".yml")) {
        char *p = find_bundled_suite(s);
        if (!p && !file_exists(s))
            *err = ac_sprintf("--suite %s: no such file, and no bundled suite of that name (bundled: apinizer, oauth2)", s);
        return p ? p : (file_exists(s) ? ac_strdup(s) : NULL);
    }
    if (s) return ac_strdup(s);
    if (wants_issuer(cli)) return find_bundled_suite("oauth2");
    const char *env = getenv("AUTHCONFORM_SUITE");
    if (env && *env) return ac_strdup(env);
    return find_bundled_suite("apinizer");
}

/* --issuer (or the variable issuer, or only resource_url under a suite that declares issuer):
 * reads the metadata into run variables before anything else is sent. 0, or the exit code. */
static int discover(ac_cli *cli, const ac_manifest *man, ac_scope *root)
{
    const ac_var *iv = ac_scope_get(root, "issuer"), *rv = ac_scope_get(root, "resource_url");
    char *issuer = cli->issuer ? ac_strdup(cli->issuer) : iv ? ac_strndup(iv->value, iv->len) : NULL;
    ac_disc_opts o = { .http = &cli->cfg.http, .allowed_hosts = &cli->endpoint_hosts, .log = stderr };
    ac_disc_status st = AC_DISC_OK;
    char *err = NULL;
    /* Only the resource given (no issuer, no token endpoint): RFC 9728 may name the issuer. */
    if (!issuer && rv && ac_manifest_find_var(man, "issuer") && !ac_scope_get(root, "token_endpoint")) {
        char *ru = ac_strndup(rv->value, rv->len);
        issuer = ac_discover_issuer_of(ru, &o, &st, &err);
        if (issuer) fprintf(stderr, "authconform: the resource's metadata (RFC 9728) names the issuer %s\n", issuer);
        free(ru);
    }
    if (issuer) st = ac_discover(issuer, &o, root, &err);
    int code = 0;
    if (st == AC_DISC_REFUSED) {
        fprintf(stderr, "authconform: error: %s; nothing was sent\n", err);
        code = EXIT_USAGE;
    } else if (st == AC_DISC_UNREACHABLE) {
        fprintf(stderr, "authconform: error: %s\n", err ? err : "the issuer gave no answer");
        code = EXIT_UNREACHABLE;
    } else if (st == AC_DISC_NOT_FOUND && err) {
        fprintf(stderr, "authconform: warning: %s; the tests that need it are not configured "
                        "(give the metadata document's URL as --issuer, or set token_endpoint)\n", err);
    }
    /* The run's target, for the reports and anything addressed by path: the issuer. */
    if (issuer && !ac_scope_get(root, "issuer"))
        ac_scope_set(root, "issuer", issuer, strlen(issuer), false, AC_VSRC_COMPUTED);
    const ac_var *eff = ac_scope_get(root, "issuer");
    if (!cli->cfg.target && (eff || rv)) {
        const ac_var *t = eff ? eff : rv;
        cli->cfg.target = ac_strndup(t->value, t->len);
        ac_scope_set(root, "target", t->value, t->len, false, AC_VSRC_COMPUTED);
    }
    free(issuer);
    free(err);
    return code;
}

static void usage_error(const char *msg)
{
    fprintf(stderr, "authconform: %s\n", msg);
    fprintf(stderr, "Try 'authconform --help' for more information.\n");
}

/* Builds the run's root scope: suite defaults < environment fallbacks < vars files < --var.
 * known gets every name set by a vars file or --var, given the same with where it was set (for
 * the unused-name checks, varcheck.h). */
static int build_scope(const ac_cli *cli, const ac_manifest *man, ac_scope *root, ac_strlist *known,
                       ac_given_vars *given, ac_diags *diags)
{
    ac_scope_init(root, NULL);
    for (size_t i = 0; i < man->n_vars; i++) {
        const ac_var_decl *d = &man->vars[i];
        bool secret = d->secret || ac_strlist_contains(&cli->secrets, d->name);
        if (d->default_value && !d->command)
            ac_scope_set(root, d->name, d->default_value, strlen(d->default_value), secret, AC_VSRC_DEFAULT);
        const char *ev = d->env ? getenv(d->env) : NULL;
        const char *ev_name = d->env;
        for (size_t a = 0; a < d->env_aliases.n; a++) {
            const char *alias = getenv(d->env_aliases.items[a]);
            if (!alias) continue;
            if (!ev) {
                ev = alias;
                ev_name = d->env_aliases.items[a];
            } else if (strcmp(ev, alias) != 0) {
                ac_diag_add(diags, AC_DIAG_WARNING, NULL, 0, 0, NULL, 0,
                            "%s and %s are both set and differ; %s is used for %s", ev_name,
                            d->env_aliases.items[a], ev_name, d->name);
            }
        }
        if (ev) ac_scope_set(root, d->name, ev, strlen(ev), secret, AC_VSRC_ENV);
    }
    int rc = 0;
    for (size_t f = 0; f < cli->vars_files.n; f++) {
        ac_vars_list vl;
        if (ac_load_vars_file(cli->vars_files.items[f], &vl, diags) < 0) rc = -1;
        for (size_t i = 0; i < vl.n; i++) {
            const ac_var_decl *d = ac_manifest_find_var(man, vl.items[i].name);
            bool secret = vl.items[i].secret || (d && d->secret) || ac_strlist_contains(&cli->secrets, vl.items[i].name);
            ac_scope_set(root, vl.items[i].name, vl.items[i].value, vl.items[i].len, secret, AC_VSRC_VARSFILE);
            ac_strlist_push(known, vl.items[i].name);
            ac_given_vars_add(given, vl.items[i].name, cli->vars_files.items[f], vl.items[i].line);
        }
        ac_vars_list_free(&vl);
    }
    for (size_t i = 0; i < cli->vars.n; i++) {
        const char *eq = strchr(cli->vars.items[i], '=');
        char *name = ac_strndup(cli->vars.items[i], (size_t)(eq - cli->vars.items[i]));
        if (!ac_is_var_name(name)) {
            ac_diag_add(diags, AC_DIAG_ERROR, NULL, 0, 0, NULL, 0, "--var: '%s' is not a valid variable name", name);
            rc = -1;
        } else {
            ac_given_vars_add(given, name, NULL, 0);
        }
        const ac_var_decl *d = ac_manifest_find_var(man, name);
        bool secret = (d && d->secret) || ac_strlist_contains(&cli->secrets, name);
        ac_scope_set(root, name, eq + 1, strlen(eq + 1), secret, AC_VSRC_CLI);
        ac_strlist_push(known, name);
        free(name);
    }
    /* A declared fallback fills a variable nobody set (expiry_username -> username), keeping
     * the secrecy and source of whichever variable is stronger. */
    for (size_t i = 0; i < man->n_vars; i++) {
        const ac_var_decl *d = &man->vars[i];
        if (!d->fallback || ac_scope_get(root, d->name)) continue;
        const ac_var *fb = ac_scope_get(root, d->fallback);
        if (fb) ac_scope_set(root, d->name, fb->value, fb->len, fb->secret || d->secret, fb->source);
    }
    if (cli->cfg.target) ac_scope_set(root, "target", cli->cfg.target, strlen(cli->cfg.target), false, AC_VSRC_COMPUTED);
    char *derr = NULL;
    if (ac_defaults_expand(root, man, &derr) < 0) {
        ac_diag_add(diags, AC_DIAG_ERROR, man->path, 0, 0, NULL, 0, "%s", derr);
        free(derr);
        rc = -1;
    }
    return rc;
}

/* Accepted coverage gaps also come from the environment (a CI setting) and from vars files
 * (`allow_skip: "ID,TAG"`, `allow_incomplete: true`), next to the variables they go with. */
static void coverage_options(ac_cli *cli, const ac_scope *root)
{
    const char *e = getenv("AUTHCONFORM_ALLOW_SKIP");
    if (e && *e) ac_strlist_split(&cli->cfg.allow_skip, e);
    const ac_var *v = ac_scope_get(root, "allow_skip");
    if (v && v->len) {
        char *list = ac_strndup(v->value, v->len);
        ac_strlist_split(&cli->cfg.allow_skip, list);
        free(list);
    }
    v = ac_scope_get(root, "allow_incomplete");
    if (v && (!strcmp(v->value, "true") || !strcmp(v->value, "1") || !strcmp(v->value, "yes")))
        cli->cfg.allow_incomplete = true;
}

static bool use_color(const ac_cli *cli)
{
    if (cli->color >= 0) return cli->color == 1;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) return false;
    return isatty(fileno(stderr));
}

/* The target as it may be shown: without user:password@. Caller frees. */
static char *target_for_display(const char *t)
{
    const char *scheme = strstr(t, "://");
    const char *host = scheme ? scheme + 3 : t;
    const char *at = strchr(host, '@'), *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        return ac_sprintf("%.*s%s", (int)(host - t), t, at + 1);
    return ac_strdup(t);
}

/* `authconform lint`: loads and checks every file, sends nothing. Returns the exit code. */
static int lint(const ac_load_opts *lo, const ac_given_vars *given, const ac_var_uses *uses,
                const ac_manifest *man, ac_diags *diags)
{
    size_t n_files = 0, n_tests = 0;
    int lrc = ac_lint(lo, diags, &n_files, &n_tests);
    /* Only after a clean load: a file with errors may not have been read to its end. */
    if (lrc == 0 && ac_varcheck_given(given, uses, man, diags) > 0) lrc = -1;
    ac_diags_print(diags, stderr);
    if (lrc == 0) {
        fprintf(stderr, "authconform lint: %zu file%s, %zu test%s, no errors\n", n_files,
                n_files == 1 ? "" : "s", n_tests, n_tests == 1 ? "" : "s");
        return EXIT_OK;
    }
    fprintf(stderr, "authconform lint: %zu error%s\n", diags->n_errors, diags->n_errors == 1 ? "" : "s");
    return EXIT_USAGE;
}

/* After loading: every name set is read by something, and the profile exists. Prints what is
 * wrong; false: nothing may be sent (a usage error). */
static bool names_known(const ac_cli *cli, const ac_model *model, const ac_given_vars *given,
                        const ac_var_uses *uses, const ac_manifest *man, ac_diags *diags)
{
    /* Names set that nothing reads: a --var is an error, nothing is sent; vars files and the
     * environment only warn (varcheck.h). */
    size_t unused_vars = ac_varcheck_given(given, uses, man, diags) +
                         ac_varcheck_secrets(&cli->secrets, uses, man, diags);
    ac_varcheck_environ(environ, man, uses, diags);
    ac_diags_print(diags, stderr);   /* warnings, and the --var errors */
    if (unused_vars > 0) {
        fprintf(stderr, "authconform: %zu unknown --var/--secret name%s; nothing was sent\n", unused_vars,
                unused_vars == 1 ? "" : "s");
        return false;
    }
    if (strcmp(cli->cfg.profile, "documented") && !ac_strlist_contains(&model->manifest.profiles, cli->cfg.profile) &&
        strcmp(cli->cfg.profile, "rfc")) {
        char *m = ac_sprintf("unknown profile '%s'", cli->cfg.profile);
        usage_error(m);
        free(m);
        return false;
    }
    return true;
}

/* The deployment's nodes: --node, or else the `nodes` variable (a suite declares it with its
 * environment fallback). 0, or -1 with *err (a usage error: nothing was sent). */
static int resolve_nodes(ac_config *cfg, const ac_scope *root, char **err)
{
    ac_strlist *specs = &cfg->node_specs;
    const ac_var *v = ac_scope_get(root, "nodes");
    if (specs->n == 0 && v && v->len) {
        char *value = ac_strndup(v->value, v->len);
        size_t n = 0;
        char **items = ac_nodes_split(value, &n);
        for (size_t i = 0; i < n; i++) ac_strlist_push_owned(specs, items[i]);
        free(items);
        free(value);
    }
    return ac_nodes_parse((const char *const *)specs->items, specs->n, &cfg->nodes, &cfg->n_nodes, err);
}

static void report_options(const ac_cli *cli, ac_report_opts *ro)
{
    ac_report_opts_init(ro);
    ro->tap_version = cli->tap_version;
    ro->strict = cli->cfg.strict;
    ro->verbose = cli->cfg.verbose;
    ro->color = use_color(cli);
    ro->quiet = cli->quiet;
    const char *term = getenv("TERM");   /* a dumb terminal cannot erase a line: plain lines */
    ro->live = isatty(fileno(stderr)) && !(term && !strcmp(term, "dumb"));
    ro->jobs = cli->cfg.jobs;
}

/* The run's exit code from its summary (whose members it frees), after the hints the summary
 * carries: the verdict, then --baseline's comparison, then a report that could not be written
 * (local_fail, or exec_failed: writing one failed during the run), then an interruption. */
static int run_exit_code(ac_run_summary *sum, bool exec_failed, bool local_fail, const ac_record *baseline,
                         const char *record_path, bool record_is_tmp)
{
    local_fail = local_fail || exec_failed;
    int code = sum->exit_code;
    if (code == EXIT_FAIL && sum->failed == 0 && sum->errored == 0 && !sum->bailed && !exec_failed)
        fprintf(stderr, "authconform: no must-level check ran (%zu skipped): set the variables named in the "
                        "skip reasons (the summary lists them), or widen --tags/--id\n",
                sum->skipped);
    if (sum->diagnosis) fprintf(stderr, "authconform: %s\n", sum->diagnosis);
    if (baseline)
        code = ac_diff_baseline(baseline, record_path, record_is_tmp ? "this run (not kept; --json FILE keeps it)" : NULL,
                                code, stderr);
    /* 2 > 3 > local > 1 > 4 > 0: the published reports are missing or partial, which a job must
     * fix first whatever the target did (the console still shows every result). */
    if (local_fail && (code == EXIT_OK || code == EXIT_FAIL || code == EXIT_INCOMPLETE)) code = EXIT_LOCAL;
    if (sum->interrupted) code = 128 + sum->interrupted;   /* wins over every verdict */
    free(sum->bail_reason);
    free(sum->diagnosis);
    ac_coverage_free(&sum->coverage);
    return code;
}

static int run(ac_cli *cli)
{
    ac_diags diags;
    ac_diags_init(&diags);
    ac_model model = { 0 };
    ac_scope root;
    ac_strlist known = { 0 };
    ac_given_vars given = { 0 };
    ac_var_uses uses = { 0 };
    ac_manifest man = { 0 };   /* kept for the unused-name checks after loading */
    ac_plan plan = { 0 };
    ac_reporter *reps[8] = { 0 };
    size_t n_reps = 0;
    ac_record baseline = { 0 };   /* --baseline: loaded before anything is sent */
    char *record_tmp = NULL;   /* --baseline without --json: the run's record, removed at the end */
    int code = EXIT_USAGE;
    char *err = NULL;
    char *manifest = choose_manifest(cli, &err);
    if (!err && !manifest && cli->paths.n == 0)
        err = ac_strdup("no case files given and the bundled suite was not found (set AUTHCONFORM_SUITE or --suite)");
    if (err) {
        usage_error(err);
        ac_scope_init(&root, NULL);
        goto out;
    }
    /* The manifest first (its variable declarations decide precedence and secrecy), then the
     * cases, which need to know which variables exist. */
    if (manifest && ac_load_manifest(manifest, &man, &diags) < 0) {
        ac_diags_print(&diags, stderr);
        ac_scope_init(&root, NULL);
        goto out;
    }
    int vrc = build_scope(cli, &man, &root, &known, &given, &diags);
    if (vrc < 0) {
        ac_diags_print(&diags, stderr);
        goto out;
    }
    coverage_options(cli, &root);
    if (cli->command != AC_CMD_LINT && !cli->list && manifest && (code = discover(cli, &man, &root)) != 0) goto out;
    code = EXIT_USAGE;

    ac_load_opts lo = { .manifest_path = manifest, .manifest = manifest ? &man : NULL,
                        .paths = (const char *const *)cli->paths.items,
                        .n_paths = cli->paths.n, .known_vars = &known, .profile = cli->cfg.profile,
                        .release = true, .uses = &uses };
    if (cli->command == AC_CMD_LINT) {
        code = lint(&lo, &given, &uses, &man, &diags);
        goto out;
    }
    if (ac_load_model(&lo, &model, &diags) < 0) {
        ac_diags_print(&diags, stderr);
        fprintf(stderr, "authconform: %zu error%s in case files; nothing was sent\n", diags.n_errors,
                diags.n_errors == 1 ? "" : "s");
        goto out;
    }
    if (!names_known(cli, &model, &given, &uses, &man, &diags)) goto out;
    if (ac_plan_build(&model, &cli->cfg, &plan, &err) < 0) {
        usage_error(err);
        goto out;
    }
    if (cli->list) {
        ac_plan_print(&plan, cli->cfg.profile, stdout);
        code = EXIT_OK;
        goto out;
    }
    if (!cli->cfg.target || !*cli->cfg.target) {
        usage_error("--target URL is required (for example --target https://apinizer.example.com/apiops)");
        goto out;
    }
    if (resolve_nodes(&cli->cfg, &root, &err) < 0) goto report_error;
    if (cli->cfg.http.insecure)
        fprintf(stderr, "authconform: WARNING: --insecure: TLS certificates are NOT verified; anyone on the "
                        "path can read the credentials this run sends\n");

    ac_report_opts ro;
    report_options(cli, &ro);
    if (cli->baseline_path && ac_record_load(cli->baseline_path, &baseline, &err) < 0) goto report_error;
    const char *record_path = ac_cli_output_path(cli, "json");
    if (cli->baseline_path && !record_path && !(record_tmp = ac_diff_temp_record(&err))) goto report_error;
    if (record_tmp) ac_tmpfile_register(record_tmp);   /* a second signal removes it too */
    if (!record_path) record_path = record_tmp;
    bool local_fail = false;   /* a report could not be written: exit EXIT_LOCAL */
    if (open_reports(cli, &ro, record_tmp, reps, &n_reps, &local_fail, &err) < 0) goto report_error;

    char *shown = target_for_display(cli->cfg.target);
    free(cli->cfg.target);
    cli->cfg.target = shown;   /* credentials in a URL are not supported: never shown, never used */

    ac_run_summary sum;
    int erc = ac_execute(&model, &plan, &root, &cli->cfg, reps, n_reps, &sum, &err);
    if (erc < 0) fprintf(stderr, "authconform: error: %s\n", err ? err : "writing a report failed");
    code = run_exit_code(&sum, erc < 0, local_fail, cli->baseline_path ? &baseline : NULL, record_path,
                         record_tmp != NULL);
    goto out;

report_error:
    usage_error(err);
out:
    cli->cfg.progress = NULL;   /* it was the console writer's, destroyed here */
    for (size_t i = 0; i < n_reps; i++) reps[i]->destroy(reps[i]);
    free(err);
    ac_plan_free(&plan);
    ac_model_free(&model);
    ac_scope_free(&root);
    ac_strlist_free(&known);
    ac_given_vars_free(&given);
    ac_var_uses_free(&uses);
    ac_manifest_free_contents(&man);
    ac_diags_free(&diags);
    free(manifest);
    ac_record_free(&baseline);
    if (record_tmp) {
        remove(record_tmp);
        ac_tmpfile_unregister(record_tmp);
    }
    free(record_tmp);
    return code;
}

static const char *env_lookup(const char *name)
{
    return getenv(name);
}

/* `vars` / --list-vars: the suite the run would choose, its variables merged as the run merges
 * them (nothing is sent: no discovery), listed without their values. 0, or 2. */
static int list_vars(const ac_cli *cli)
{
    ac_diags diags;
    ac_diags_init(&diags);
    ac_manifest man;
    memset(&man, 0, sizeof man);
    ac_model model;
    memset(&model, 0, sizeof model);
    ac_scope root;
    ac_scope_init(&root, NULL);
    ac_strlist known = { 0 };
    ac_given_vars given = { 0 };
    int code = EXIT_USAGE;
    char *err = NULL;
    char *manifest = choose_manifest(cli, &err);
    if (err || !manifest) {
        usage_error(err ? err
                    : cli->suite && !strcmp(cli->suite, "none")
                        ? "vars lists a suite manifest's variables; --suite none has no manifest"
                        : "vars needs a suite: the bundled one was not found (--suite FILE)");
        goto out;
    }
    if (ac_load_manifest(manifest, &man, &diags) < 0) goto print;
    ac_scope_free(&root);
    if (build_scope(cli, &man, &root, &known, &given, &diags) < 0) goto print;
    ac_load_opts lo = { .manifest_path = manifest, .manifest = manifest ? &man : NULL,
                        .paths = (const char *const *)cli->paths.items,
                        .n_paths = cli->paths.n, .known_vars = &known, .profile = cli->cfg.profile };
    if (ac_load_model(&lo, &model, &diags) < 0) goto print;
    ac_varlist_input in = { .model = &model, .given = &given, .getenv_fn = env_lookup,
                          .issuer_option = cli->issuer != NULL };
    ac_varlist_print(&in, stdout);
    if (wants_issuer(cli) && ac_manifest_find_var(&man, "issuer"))
        printf("\nWith an issuer, a run first reads its metadata (nothing is fetched here): the endpoints\n"
               "it names (token_endpoint, ...) are set then, unless set above.\n");
    code = fflush(stdout) == 0 ? EXIT_OK : EXIT_LOCAL;
print:
    ac_diags_print(&diags, stderr);
out:
    free(err);
    free(manifest);
    ac_model_free(&model);
    ac_manifest_free_contents(&man);
    ac_scope_free(&root);
    ac_strlist_free(&known);
    ac_given_vars_free(&given);
    ac_diags_free(&diags);
    return code;
}

/* `merge` (merge.h): a refused input is a usage error. */
static int merge_shards(const ac_cli *cli)
{
    char *err = NULL;
    ac_merge_outputs out = {
        .tap = cli->no_tap ? NULL : ac_cli_output_path(cli, "tap"), .junit = ac_cli_output_path(cli, "junit"),
        .json = ac_cli_output_path(cli, "json"), .html = ac_cli_output_path(cli, "html"),
        .tap_version = cli->tap_version,
    };
    if (ac_merge_command((const char *const *)cli->paths.items, cli->paths.n, &out, stderr, &err) == 0)
        return EXIT_OK;
    usage_error(err);
    free(err);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* In a huge suite, workers load released case files again and free them
     * (load/case_source.c), each in its own malloc arena. Blocks of 64 KiB and more (the YAML arenas, the test arrays) go straight to mmap, so a closed
     * file's memory returns to the system instead of staying cached in one worker's arena: at
     * -j 8 that is the difference between 26 and 38 MiB for a 20,000-test run (bench/RESULTS.md).
     * Fixing the threshold also stops glibc from raising it after the first such free. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
#endif
    ac_cli cli;
    char *err = NULL;
    if (ac_cli_parse(argc, argv, &cli, &err) < 0) {
        usage_error(err);
        free(err);
        ac_cli_free(&cli);
        return EXIT_USAGE;
    }
    int code = EXIT_OK;
    switch (cli.command) {
    case AC_CMD_HELP:
        if (cli.help_options) ac_cli_dump_options(stdout);
        else ac_cli_usage(stdout);
        break;
    case AC_CMD_VERSION:
        ac_version_print(stdout);
        break;
    case AC_CMD_DIFF:
        if (cli.paths.n != 2) {
            usage_error("diff needs two run records: authconform diff OLD.json NEW.json (written by --json)");
            code = EXIT_USAGE;
            break;
        }
        code = ac_diff_command(cli.paths.items[0], cli.paths.items[1], ac_cli_output_path(&cli, "tap"),
                               ac_cli_output_path(&cli, "junit"),
                               cli.tap_version, stdout, stderr);
        break;
    case AC_CMD_MERGE:
        code = merge_shards(&cli);
        break;
    case AC_CMD_VARS:
        code = list_vars(&cli);
        break;
    case AC_CMD_REPORT: {
        if (cli.paths.n > 1) {
            usage_error("report reads one file: authconform report EVENTS.jsonl|RECORD.json [--tap F] [--junit F] "
                        "[--html F] [--json F]");
            code = EXIT_USAGE;
            break;
        }
        ac_report_opts ro;
        ac_report_opts_init(&ro);
        ro.tap_version = cli.tap_version;
        code = ac_replay_command(cli.paths.n ? cli.paths.items[0] : NULL,
                                 cli.no_tap ? NULL : ac_cli_output_path(&cli, "tap"), ac_cli_output_path(&cli, "junit"),
                                 ac_cli_output_path(&cli, "html"), ac_cli_output_path(&cli, "json"), &ro, stderr);
        break;
    }
    case AC_CMD_RUN:
    case AC_CMD_LINT:
        if (ac_http_global_init() < 0) {
            fprintf(stderr, "authconform: cannot initialise libcurl\n");
            code = EXIT_FAIL;
            break;
        }
        if (cli.command == AC_CMD_RUN) install_signal_handlers();
        code = run(&cli);
        ac_http_global_cleanup();
        break;
    }
    ac_cli_free(&cli);
    return code;
}
