/* Command-line parsing. Options are a table (searched by name), not a chain of ifs, so --help
 * and the parser cannot drift apart. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

typedef enum {
    O_TARGET, O_VAR, O_VARS_FILE, O_SECRET, O_SUITE, O_LIST, O_TAGS, O_SKIP_TAGS, O_INCLUDE, O_ID,
    O_PROFILE, O_STRICT, O_FAIL_FAST, O_VERBOSE, O_JOBS, O_RUN_DEADLINE, O_TAP, O_TAP_VERSION,
    O_REPORT, O_TIMEOUT, O_HTTP_VERSION, O_CACERT, O_CERT, O_KEY, O_INSECURE, O_PROXY,
    O_MAX_BODY, O_COLOR, O_NO_COLOR, O_HELP, O_VERSION, O_SHARD, O_BASELINE,
    O_ALLOW_SKIP, O_ALLOW_INCOMPLETE, O_ISSUER, O_ALLOW_ENDPOINT_HOST,
    O_HELP_OPTIONS, O_QUIET, O_LIST_VARS, O_NODE
} opt_id;

typedef struct opt {
    const char *name;      /* long name without dashes */
    char short_name;
    bool has_arg;
    opt_id id;
    const char *arg;       /* argument name for --help */
    const char *help;
} opt;

/* An option whose value is optional: given only as --name=VALUE (--color[=WHEN]). */
static bool optional_arg(const opt *o)
{
    return o->id == O_COLOR;
}

/* In --help order. */
static const opt OPTS[] = {
    { "target", 't', true, O_TARGET, "URL", "base URL of the API, e.g. https://apinizer.example.com/apiops" },
    { "issuer", 0, true, O_ISSUER, "URL",
      "OAuth2 authorization server: read its metadata (RFC 8414, OpenID discovery) and run the generic suite" },
    { "allow-endpoint-host", 0, true, O_ALLOW_ENDPOINT_HOST, "HOST",
      "let metadata name an endpoint on HOST (the client secret goes only to the issuer's host)" },
    { "node", 0, true, O_NODE, "NAME=ADDR",
      "a replica of the deployment: HOST:PORT (URL, Host and TLS name kept; only the\n"
      "                               connection goes there) or its own URL; repeatable. The cluster\n"
      "                               tests check every node; nothing else is pinned (variable nodes)" },
    { "var", 0, true, O_VAR, "NAME=VALUE", "set a variable (highest precedence); repeatable" },
    { "vars-file", 0, true, O_VARS_FILE, "FILE", "YAML map of variables (name: value or name: {value, secret})" },
    { "secret", 0, true, O_SECRET, "NAME", "treat variable NAME as a secret (never printed)" },
    { "suite", 0, true, O_SUITE, "FILE|NAME",
      "suite manifest, or a bundled one by name: apinizer (the default) or oauth2 (the default with\n"
      "                               --issuer); none: no manifest" },
    { "list", 0, false, O_LIST, NULL, "list the planned tests (id, severity, tags, name, controls, requests) and exit" },
    { "list-vars", 0, false, O_LIST_VARS, NULL,
      "list the suite's variables (default, environment, where set, tests) and exit,\n"
      "                               as 'authconform vars' does; never shows a value that is set" },
    { "tags", 0, true, O_TAGS, "T,...", "run only tests with one of these tags" },
    { "skip-tags", 0, true, O_SKIP_TAGS, "T,...", "leave out tests with one of these tags" },
    { "include", 0, true, O_INCLUDE, "T,...", "opt in to tests tagged slow, intrusive and/or attack" },
    { "id", 0, true, O_ID, "ID,...", "run only these test ids (shell globs allowed)" },
    { "profile", 0, true, O_PROFILE, "NAME", "severity profile: documented (default) or rfc" },
    { "strict", 0, false, O_STRICT, NULL, "should-level failures fail the run" },
    { "allow-skip", 0, true, O_ALLOW_SKIP, "ID|TAG,...", "accept that these must-level tests are not judged (no exit 4)" },
    { "allow-incomplete", 0, false, O_ALLOW_INCOMPLETE, NULL, "accept every must-level gap (still reported)" },
    { "fail-fast", 0, false, O_FAIL_FAST, NULL, "stop after the first failing test (TAP: Bail out!)" },
    { "verbose", 'v', false, O_VERBOSE, NULL, "print redacted request/response transcripts of failures" },
    { "quiet", 'q', false, O_QUIET, NULL, "console: only failures, warnings, errors and the summary line" },
    { "jobs", 'j', true, O_JOBS, "N", "run up to N tests at once (default 1); reports keep plan order" },
    { "shard", 0, true, O_SHARD, "K/N", "run only part K of N: whole case files, balanced (CI splitting)" },
    { "run-deadline", 0, true, O_RUN_DEADLINE, "SECONDS", "stop starting tests after this long" },
    { "tap", 0, true, O_TAP, "FILE",
      "write TAP to FILE ('-': stdout; 'none': no TAP); by default to stdout unless\n"
      "                               it is a terminal: there the console view is the output" },
    { "tap-version", 0, true, O_TAP_VERSION, "13|14", "TAP version line (13 for Debian's prove)" },
    { "junit", 0, true, O_REPORT, "FILE", "write JUnit XML to FILE" },
    { "json", 0, true, O_REPORT, "FILE", "write the run record (JSON, docs/run-record.md) to FILE" },
    { "html", 0, true, O_REPORT, "FILE", "write a self-contained HTML report to FILE" },
    { "events", 0, true, O_REPORT, "FILE", "write one JSON line per test as it finishes (survives a kill;"
      " rebuild reports with 'report')" },
    { "baseline", 0, true, O_BASELINE, "OLD.json",
      "after the run, compare with this run record (stderr); can raise the exit status" },
    { "timeout", 0, true, O_TIMEOUT, "SECONDS", "total time for one request, connect to last byte (default 30)" },
    { "http-version", 0, true, O_HTTP_VERSION, "1.1|2", "HTTP version (default 1.1)" },
    { "cacert", 0, true, O_CACERT, "FILE", "CA certificates to verify the target with" },
    { "cert", 0, true, O_CERT, "FILE", "client certificate (PEM)" },
    { "key", 0, true, O_KEY, "FILE", "client certificate's private key (PEM)" },
    { "insecure", 'k', false, O_INSECURE, NULL, "do not verify TLS certificates (warns on every run)" },
    { "proxy", 0, true, O_PROXY, "URL", "proxy (default: the http_proxy/https_proxy/no_proxy variables)" },
    { "max-body", 0, true, O_MAX_BODY, "BYTES", "largest response body accepted (default 1048576)" },
    { "color", 0, false, O_COLOR, "[=WHEN]",
      "colour the console: auto (on a terminal, without NO_COLOR; the default),\n"
      "                               always (--color alone) or never" },
    { "no-color", 0, false, O_NO_COLOR, NULL, "never colour the console output (NO_COLOR is honoured too)" },
    { "help", 'h', false, O_HELP, NULL, "show this help" },
    { "help-options", 0, false, O_HELP_OPTIONS, NULL,
      "list every option, one per line: --NAME, -X or -, ARG or -, help (tab-separated;\n"
      "                               the shell completions and the man page test read it)" },
    { "version", 'V', false, O_VERSION, NULL, "show the version and the libcurl/TLS versions" },
};
#define N_OPTS (sizeof OPTS / sizeof OPTS[0])

void ac_cli_usage(FILE *out)
{
    fputs("Usage: authconform [run] [OPTIONS] [FILE|DIR...]\n"
          "       authconform lint [OPTIONS] [FILE|DIR...]\n"
          "       authconform vars [--suite FILE|NAME | --issuer URL] [--var ...] [--vars-file FILE]\n"
          "       authconform merge [--junit OUT.xml] [--json OUT.json] [--html OUT.html] [--tap OUT.tap]\n"
          "                         SHARD.json... | SHARD.xml...\n"
          "       authconform diff [--tap FILE] [--junit FILE] OLD.json NEW.json\n"
          "       authconform report [--tap FILE] [--tap-version 13] [--junit FILE] [--html FILE]\n"
          "                          [--json FILE] EVENTS.jsonl|RECORD.json\n"
          "\n"
          "Runs YAML conformance cases against an Apinizer Management API, or with --issuer against\n"
          "any OAuth2 client-credentials server, and writes TAP 14 (stdout unless it is a terminal)\n"
          "and JUnit reports; the console view goes to stderr.\n"
          "With no FILE, the bundled Apinizer authentication suite runs; with --issuer, the generic\n"
          "OAuth2 suite (RFC 6749/6750/7009/7662/8414/9068), its endpoints read from the issuer's\n"
          "metadata (the client secret goes only to the issuer's host). 'lint' checks case files\n"
          "without sending anything. 'vars' lists the variables the suite reads, where each is set\n"
          "and which tests need it, without their values. 'merge' joins the run records of --shard\n"
          "runs into one run and writes any report from it (JUnit, record, HTML, TAP); JUnit files\n"
          "alone are read for pipelines that keep only those, and give only --junit.\n"
          "'diff' compares two run records (--json): new failures, lost coverage (must-level tests\n"
          "that passed before and are now skipped, not run or errored), fixed, changed, added,\n"
          "removed; exit 1 on a new failure or errored lost coverage, 4 on lost coverage, 2 when a\n"
          "record cannot be read. 'report' rebuilds the reports from an events file (--events) or a\n"
          "run record; a file without its end line (the run was killed) gives reports that say\n"
          "INTERRUPTED. It exits as the run did (0, 1, 4, 130, 143...); for a killed run 1 when a\n"
          "test that ran failed, else 4 (never 0: not every test ran); 2 for an unreadable file.\n"
          "\nOptions:\n", out);
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt *o = &OPTS[i];
        char left[64];
        const char *sp = o->arg && !optional_arg(o) ? " " : "";
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, sp, o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, sp, o->arg ? o->arg : "");
        fprintf(out, "  %-28s %s\n", left, o->help);
    }
    fputs("\nVariables (precedence: --var > --vars-file > environment fallbacks > suite defaults):\n"
          "  APINIZER_USERNAME, APINIZER_PASSWORD       the account used to obtain tokens\n"
          "  APINIZER_EXPIRED_TOKEN, APINIZER_REVOKED_TOKEN, APINIZER_REVOKE_COMMAND\n"
          "  Generic suite: AUTHCONFORM_CLIENT_ID, AUTHCONFORM_CLIENT_SECRET (the client),\n"
          "  resource_url (AUTHCONFORM_RESOURCE_URL), scope and audience (sent only when set);\n"
          "  each suite accepts the other's credential names as aliases, its own win.\n"
          "  Tests whose variables are not set are skipped with a reason naming the variable.\n"
          "  'authconform vars' lists every variable of the suite: its default, its environment\n"
          "  names, whether it is set and where, and the tests that need it (never a set value).\n"
          "  A --var that no loaded case file uses and the suite does not declare is an error\n"
          "  (exit 2, with a did-you-mean); an unused vars-file entry, and an environment variable\n"
          "  with the suite's prefix (APINIZER_) or AUTHCONFORM_ that nothing reads, get a warning.\n"
          "  Secrets (passwords, tokens, Authorization values) never appear in any output.\n"
          "\nConsole (stderr): a line per test, then one summary line, always last:\n"
          "  VERDICT: P passed, F failed, S skipped of N tests in T s[; W passed with warnings]\n"
          "           [; failed: PARTS]; J of K must-level tests judged[ (...)]\n"
          "  VERDICT is PASS, FAIL, UNREACHABLE, INCOMPLETE or INTERRUPTED, as the exit status says.\n"
          "  Waits and polls show a live status line on a terminal, a line every 10 s elsewhere.\n"
          "\nExit status:\n"
          "  0  every selected must-level test was judged and passed\n"
          "  1  a must-level check failed or errored, or no must-level check ran\n"
          "  2  usage, vars-file or case-file error (nothing was sent)\n"
          "  3  the target never gave an HTTP answer (refused, DNS, TLS, timeout, not HTTP)\n"
          "  4  incomplete: all that ran passed, but must-level tests were not judged (a variable\n"
          "     or account not configured, a 429); the summary names what to set. Accept named\n"
          "     gaps with --allow-skip ID|TAG (also AUTHCONFORM_ALLOW_SKIP=ID,TAG or allow_skip in\n"
          "     a vars file), or all with --allow-incomplete\n"
          "     --baseline: also when must-level tests that passed in the baseline were not judged\n"
          "  5  local failure: a report could not be written (disk full, read-only, a directory in\n"
          "     the way, stdout closed); the message names the file; the other reports are written\n"
          "  130, 143  interrupted by SIGINT or SIGTERM (128 + the signal): every report is written\n"
          "     with what ran and says INTERRUPTED; a second signal exits at once\n"
          "  (when several apply: 2 > 3 > 5 > 1 > 4 > 0; an interrupted run's 130/143 wins over all)\n"
          "  137  killed by SIGKILL (nothing can be written then): with --events FILE, 'authconform\n"
          "     report FILE' rebuilds the reports and exits 1 if a test that ran failed, else 4\n"
          "\nExamples:\n"
          "  APINIZER_USERNAME=ci APINIZER_PASSWORD=... authconform --target https://host/apiops --junit out/junit.xml\n"
          "  authconform --target http://127.0.0.1:8080/apiops --tags bearer --tap out.tap --tap-version 13; prove -e cat out.tap\n"
          "  AUTHCONFORM_CLIENT_ID=c AUTHCONFORM_CLIENT_SECRET=... authconform --issuer https://as.example \\\n"
          "      --var resource_url=https://api.example/ping --var scope=read\n"
          "  authconform lint cases/\n"
          "  authconform --target URL --shard 2/4 --junit shard-2.xml   (then: authconform merge --junit all.xml shard-*.xml)\n"
          "  authconform --target URL --events ev.jsonl --tap none; authconform report ev.jsonl --junit j.xml --html r.html\n"
          "\nThe case format: docs/case-format.md. Report issues with the test id and the redacted transcript (-v).\n",
          out);
}

void ac_cli_dump_options(FILE *out)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt *o = &OPTS[i];
        fprintf(out, "--%s\t", o->name);
        if (o->short_name) fprintf(out, "-%c\t", o->short_name);
        else fputs("-\t", out);
        fprintf(out, "%s\t", o->arg ? o->arg : "-");
        /* the help text on one line: a continuation's newline and indent become one space */
        for (const char *p = o->help; *p; p++) {
            if (*p != '\n') {
                fputc(*p, out);
                continue;
            }
            while (p[1] == ' ') p++;
            fputc(' ', out);
        }
        fputc('\n', out);
    }
}

static const opt *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strlen(OPTS[i].name) == len && strncmp(OPTS[i].name, name, len) == 0) return &OPTS[i];
    return NULL;
}

/* "unknown option '--taget' (did you mean '--target'?)": the closest long option by the same
 * rule as every other near-miss message (suggest.c). arg is "--name" or "--name=value"; only
 * the name is echoed, since a value (--vra=password=...) may be a secret. Caller frees. */
static char *unknown_long(const char *arg)
{
    size_t len = strcspn(arg + 2, "=");
    char *name = ac_sprintf("%.*s", (int)len, arg + 2);
    ac_suggest c = { 0 };
    for (size_t i = 0; i < N_OPTS; i++) ac_suggest_add(&c, OPTS[i].name);
    const char *best = ac_suggest_best(&c, name);
    char *msg = best ? ac_sprintf("unknown option '--%s' (did you mean '--%s'? see --help)", name, best)
                     : ac_sprintf("unknown option '--%s' (see --help)", name);
    ac_suggest_free(&c);
    free(name);
    return msg;
}

static const opt *find_short(char c)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (OPTS[i].short_name == c) return &OPTS[i];
    return NULL;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = ac_strdup(v);
}

static int parse_number(const char *name, const char *v, double min, double max, double *out, char **err)
{
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d) || d < min || d > max) {
        *err = ac_sprintf("--%s: '%s' is not a number between %g and %g", name, v, min, max);
        return -1;
    }
    *out = d;
    return 0;
}

/* --shard K/N: this run is the K-th of N shards of the plan. */
static int parse_shard(ac_config *cfg, const char *v, char **err)
{
    char *end = NULL;
    errno = 0;
    long k = strtol(v, &end, 10), n = 0;
    bool ok = !errno && end != v && *end == '/';
    if (ok) {
        const char *ns = end + 1;
        n = strtol(ns, &end, 10);
        ok = !errno && end != ns && !*end && k >= 1 && n >= 1 && k <= n && n <= 10000;
    }
    if (!ok) {
        *err = ac_sprintf("--shard expects K/N with 1 <= K <= N (e.g. 2/4), not '%s'", v);
        return -1;
    }
    cfg->shard_k = (int)k;
    cfg->shard_n = (int)n;
    free(cfg->shard);
    cfg->shard = ac_sprintf("%ld/%ld", k, n);
    return 0;
}

/* A report format's path; given twice, the last one wins (as for every other option). */
static void set_output(ac_cli *c, const char *format, const char *path)
{
    for (size_t i = 0; i < c->n_outputs; i++)
        if (strcmp(c->outputs[i].format, format) == 0) {
            free(c->outputs[i].path);
            c->outputs[i].path = ac_strdup(path);
            return;
        }
    c->outputs = ac_realloc(c->outputs, (c->n_outputs + 1) * sizeof *c->outputs);
    c->outputs[c->n_outputs++] = (ac_cli_output){ .format = ac_strdup(format), .path = ac_strdup(path) };
}

const char *ac_cli_output_path(const ac_cli *c, const char *format)
{
    for (size_t i = 0; i < c->n_outputs; i++)
        if (strcmp(c->outputs[i].format, format) == 0) return c->outputs[i].path;
    return NULL;
}

static int apply(ac_cli *c, const opt *o, const char *v, char **err)
{
    double d = 0;
    switch (o->id) {
    case O_TARGET: set_str(&c->cfg.target, v); break;
    case O_VAR:
        if (!strchr(v, '=') || v[0] == '=') {
            /* The argument is not shown: it may be a secret given without its name. */
            *err = ac_strdup(v[0] == '=' ? "--var expects NAME=VALUE: the name is missing"
                                         : "--var expects NAME=VALUE: there is no '='");
            return -1;
        }
        ac_strlist_push(&c->vars, v);
        break;
    case O_VARS_FILE: ac_strlist_push(&c->vars_files, v); break;
    case O_SECRET: ac_strlist_push(&c->secrets, v); break;
    case O_SUITE: set_str(&c->suite, v); break;
    case O_ISSUER: set_str(&c->issuer, v); break;
    case O_ALLOW_ENDPOINT_HOST: ac_strlist_push(&c->endpoint_hosts, v); break;
    case O_LIST: c->list = true; break;
    case O_TAGS: ac_strlist_split(&c->cfg.tags, v); break;
    case O_SKIP_TAGS: ac_strlist_split(&c->cfg.skip_tags, v); break;
    case O_INCLUDE: ac_strlist_split(&c->cfg.include, v); break;
    case O_ID: ac_strlist_split(&c->cfg.ids, v); break;
    case O_ALLOW_SKIP: ac_strlist_split(&c->cfg.allow_skip, v); break;
    case O_ALLOW_INCOMPLETE: c->cfg.allow_incomplete = true; break;
    case O_NODE: ac_strlist_push(&c->cfg.node_specs, v); break;
    case O_PROFILE: set_str(&c->cfg.profile, v); break;
    case O_STRICT: c->cfg.strict = true; break;
    case O_FAIL_FAST: c->cfg.fail_fast = true; break;
    case O_VERBOSE: c->cfg.verbose = true; break;
    case O_JOBS:
        if (parse_number(o->name, v, 1, 256, &d, err) < 0) return -1;
        c->cfg.jobs = (int)d;
        break;
    case O_SHARD:
        if (parse_shard(&c->cfg, v, err) < 0) return -1;
        break;
    case O_RUN_DEADLINE:
        if (parse_number(o->name, v, 0.001, 1e7, &d, err) < 0) return -1;
        c->cfg.run_deadline_s = d;
        break;
    case O_TAP:
        if (strcmp(v, "none") == 0) c->no_tap = true;
        else set_output(c, "tap", v);
        break;
    case O_TAP_VERSION:
        if (strcmp(v, "13") && strcmp(v, "14")) {
            *err = ac_sprintf("--tap-version must be 13 or 14, not '%s'", v);
            return -1;
        }
        c->tap_version = atoi(v);
        break;
    case O_REPORT: set_output(c, o->name, v); break;
    case O_BASELINE: set_str(&c->baseline_path, v); break;
    case O_TIMEOUT:
        if (parse_number(o->name, v, 0.001, 86400, &d, err) < 0) return -1;
        c->cfg.http.timeout_s = d;
        break;
    case O_HTTP_VERSION:
        if (strcmp(v, "1.1") == 0) c->cfg.http.http_version = 11;
        else if (strcmp(v, "2") == 0) c->cfg.http.http_version = 2;
        else {
            *err = ac_sprintf("--http-version must be 1.1 or 2, not '%s'", v);
            return -1;
        }
        break;
    case O_CACERT: set_str(&c->cfg.cacert, v); break;
    case O_CERT: set_str(&c->cfg.cert, v); break;
    case O_KEY: set_str(&c->cfg.key, v); break;
    case O_INSECURE: c->cfg.http.insecure = true; break;
    case O_PROXY: set_str(&c->cfg.proxy, v); break;
    case O_MAX_BODY:
        if (parse_number(o->name, v, 1, 1e10, &d, err) < 0) return -1;
        c->cfg.http.max_body = (size_t)d;
        break;
    case O_COLOR:
        if (!v || !strcmp(v, "always")) c->color = 1;
        else if (!strcmp(v, "never")) c->color = 0;
        else if (!strcmp(v, "auto")) c->color = -1;
        else {
            *err = ac_sprintf("--color must be auto, always or never, not '%s'", v);
            return -1;
        }
        break;
    case O_QUIET: c->quiet = true; break;
    case O_LIST_VARS: c->command = AC_CMD_VARS; break;
    case O_NO_COLOR: c->color = 0; break;
    case O_HELP: c->command = AC_CMD_HELP; break;
    case O_HELP_OPTIONS:
        c->command = AC_CMD_HELP;
        c->help_options = true;
        break;
    case O_VERSION: c->command = AC_CMD_VERSION; break;
    }
    return 0;
}

int ac_cli_parse(int argc, char **argv, ac_cli *c, char **err)
{
    memset(c, 0, sizeof *c);
    ac_config_init(&c->cfg);
    c->tap_version = 14;
    c->color = -1;
    c->command = AC_CMD_RUN;
    int i = 1;
    if (i < argc && strcmp(argv[i], "run") == 0) i++;
    else if (i < argc && strcmp(argv[i], "lint") == 0) {
        c->command = AC_CMD_LINT;
        i++;
    } else if (i < argc && strcmp(argv[i], "merge") == 0) {
        c->command = AC_CMD_MERGE;
        i++;
    } else if (i < argc && strcmp(argv[i], "diff") == 0) {
        c->command = AC_CMD_DIFF;
        i++;
    } else if (i < argc && strcmp(argv[i], "report") == 0) {
        c->command = AC_CMD_REPORT;
        i++;
    } else if (i < argc && strcmp(argv[i], "vars") == 0) {
        c->command = AC_CMD_VARS;
        i++;
    }
    bool only_paths = false;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            ac_strlist_push(&c->paths, a);
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_paths = true;
            continue;
        }
        const opt *o;
        const char *inline_val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            o = find_long(name, eq ? (size_t)(eq - name) : strlen(name));
            if (!o) {
                *err = unknown_long(a);
                return -1;
            }
            if (eq) inline_val = eq + 1;
        } else {
            o = find_short(a[1]);
            if (!o) {
                *err = ac_sprintf("unknown option '%s' (see --help)", a);
                return -1;
            }
            if (a[2]) inline_val = a + 2;
        }
        const char *val = NULL;
        if (o->has_arg) {
            if (inline_val) val = inline_val;
            else if (i + 1 < argc) val = argv[++i];
            else {
                *err = ac_sprintf("option --%s needs a value (%s)", o->name, o->arg);
                return -1;
            }
        } else if (inline_val && optional_arg(o) && a[1] == '-') {
            val = inline_val;
        } else if (inline_val) {
            *err = ac_sprintf("option --%s takes no value", o->name);
            return -1;
        }
        if (apply(c, o, val, err) < 0) return -1;
    }
    c->cfg.http.cacert = c->cfg.cacert;
    c->cfg.http.cert = c->cfg.cert;
    c->cfg.http.key = c->cfg.key;
    c->cfg.http.proxy = c->cfg.proxy;
    if ((c->cfg.cert == NULL) != (c->cfg.key == NULL)) {
        *err = ac_strdup("--cert and --key go together");
        return -1;
    }
    return 0;
}

void ac_cli_free(ac_cli *c)
{
    if (!c) return;
    ac_config_free(&c->cfg);
    ac_strlist_free(&c->paths);
    ac_strlist_free(&c->vars);
    ac_strlist_free(&c->vars_files);
    ac_strlist_free(&c->secrets);
    free(c->suite);
    free(c->issuer);
    ac_strlist_free(&c->endpoint_hosts);
    for (size_t i = 0; i < c->n_outputs; i++) {
        free(c->outputs[i].format);
        free(c->outputs[i].path);
    }
    free(c->outputs);
    free(c->baseline_path);
}
