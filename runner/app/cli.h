/* Command-line parsing: argv -> ac_cli (the run configuration plus what main() must do). */
#ifndef AC_CLI_H
#define AC_CLI_H

#include <stdio.h>
#include "config.h"

typedef enum {
    AC_CMD_RUN, AC_CMD_LINT, AC_CMD_VARS, AC_CMD_MERGE, AC_CMD_DIFF, AC_CMD_REPORT, AC_CMD_HELP, AC_CMD_VERSION
} ac_command;

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
    char *tap_path;            /* --tap FILE; NULL: stdout ("-" also stdout) */
    bool no_tap;               /* --tap none */
    char *junit_path;          /* --junit FILE */
    char *json_path;           /* --json FILE: the run record */
    char *html_path;           /* --html FILE */
    char *events_path;         /* --events FILE: one JSON line per test, as it finishes */
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
void ac_cli_usage(FILE *out);
/* --help-options: every option of the table, one per line, "--NAME\t-X\tARG\tHELP" ("-" for
 * no short name or no argument). The shell completions read it, and package.man checks the man
 * page's option list against it. */
void ac_cli_dump_options(FILE *out);

#endif
