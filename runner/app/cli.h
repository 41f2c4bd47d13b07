/* Command-line parsing: argv -> ac_cli (the run configuration plus what main() must do). */
#ifndef AC_CLI_H
#define AC_CLI_H

#include <stdio.h>
#include "config.h"

typedef enum {
    AC_CMD_RUN, AC_CMD_LINT, AC_CMD_VARS, AC_CMD_MERGE, AC_CMD_DIFF, AC_CMD_REPORT, AC_CMD_HELP, AC_CMD_VERSION
} ac_command;

/* One report file: a format of the registry (reports/report.h) and where to write it. */
typedef struct ac_cli_output {
    char *format;              /* owned: "tap", "junit", "json", "html", "events" */
    char *path;                /* owned */
} ac_cli_output;

typedef struct ac_cli {
    ac_command command;
    ac_config cfg;
    ac_strlist paths;          /* case files and directories (merge: the reports to merge;
                                  diff: OLD.json NEW.json; report: the events file or record) */
    ac_strlist vars;           /* --var NAME=VALUE, in order */
    ac_strlist vars_files;     /* --vars-file FILE */
    ac_strlist secrets;        /* --secret NAME */
    char *suite;               /* --suite MANIFEST or bundled NAME, or NULL for the default */
    char *issuer;              /* --issuer URL: discovery, and the generic suite by default */
    ac_strlist endpoint_hosts; /* --allow-endpoint-host HOST: metadata may name endpoints there */
    /* The reports asked for, one per format, in the order first given: --tap FILE ("-":
     * stdout; none given: stdout unless a terminal), --junit, --json (the run record), --html,
     * --events FILE (one JSON line per test, as it finishes). The option is the format's name in
     * the writers' registry (ac_report_new), so a new format is a writer, a registry row and an
     * option row. */
    ac_cli_output *outputs; size_t n_outputs;
    bool no_tap;               /* --tap none */
    char *baseline_path;       /* --baseline OLD.json: compare with this record after the run */
    int tap_version;           /* 13 or 14 */
    bool list;                 /* --list */
    int color;                 /* -1 auto, 0 never, 1 always (--color[=WHEN], --no-color) */
    bool quiet;                /* -q: the console shows failures, warnings, errors, the summary */
    bool help_options;         /* --help-options: ac_cli_dump_options instead of the usage */
} ac_cli;

/* Parses argv. Returns 0, or -1 with *err (a usage error: exit 2). */
int ac_cli_parse(int argc, char **argv, ac_cli *out, char **err);
void ac_cli_free(ac_cli *c);
/* The path given for `format`, or NULL when that report was not asked for. */
const char *ac_cli_output_path(const ac_cli *c, const char *format);
void ac_cli_usage(FILE *out);
/* --help-options: every option of the table, one per line, "--NAME\t-X\tARG\tHELP" ("-" for
 * no short name or no argument). The shell completions read it, and package.man checks the man
 * page's option list against it. */
void ac_cli_dump_options(FILE *out);

#endif
