/* The report-writer interface: every format (TAP, JUnit, console, ...) is one file implementing
 * this struct of function pointers. Writers receive results in plan order, already redacted, and
 * know nothing about HTTP. Adding a format is one file plus one line in the registry. */
#ifndef AC_REPORT_H
#define AC_REPORT_H

#include <stdio.h>
#include "progress.h"
#include "result.h"

typedef struct ac_reporter ac_reporter;
struct ac_reporter {
    const char *format;   /* "tap", "junit", "console", "json", "html", "events" */
    void *ctx;            /* owned by the reporter */
    /* Each returns 0, or -1 after setting *err (caller frees) on an I/O error. */
    int (*begin)(ac_reporter *r, const ac_run_info *info, char **err);
    int (*test)(ac_reporter *r, const ac_test_result *t, size_t index /* 1-based */, char **err);
    /* Called once at the end, also after a bail-out (summary->bailed). Must flush and close. */
    int (*end)(ac_reporter *r, const ac_run_summary *s, char **err);
    void (*destroy)(ac_reporter *r);   /* frees ctx and r; accepts NULL r */
};

typedef struct ac_report_opts {
    int tap_version;      /* 13 or 14 */
    bool strict;          /* should failures are failures */
    bool verbose;         /* console: print transcripts of failures (-v) */
    bool color;           /* console: ANSI colours (caller decides: TTY and no NO_COLOR) */
    bool quiet;           /* console: only failures, warnings, errors and the summary (-q) */
    bool live;            /* console: its stream is a terminal: a live status line for long
                             work, erased and overwritten; else a plain line every 10 s */
    int jobs;             /* console: -j N; above 1, how many tests are done is shown */
    size_t stream_cap;    /* cap for system-out / excerpts, bytes (default 65536) */
    /* Golden-file mode: every time is 0 (TAP duration_ms, JUnit time, console ms), the JUnit
     * timestamp is 1970-01-01T00:00:00 and the hostname "localhost". Also switched on by the
     * environment variable AC_REPORT_DETERMINISTIC=1, so end-to-end tests can use it through
     * the CLI. */
    bool deterministic;
} ac_report_opts;

/* Defaults: TAP 14, not strict, no colour, stream_cap 65536, not deterministic. */
void ac_report_opts_init(ac_report_opts *o);

/* The console writer as the runner's progress listener (result/progress.h), for
 * ac_config.progress: valid while r lives. NULL when r is not a console writer. */
const ac_progress *ac_report_console_progress(ac_reporter *r);
/* The events file's format version (reports/events.c, docs/report-formats.md). */
#define AC_EVENTS_VERSION 1

/* The fan-out to every reporter, in order: each gets the call even when an earlier one failed
 * (a full disk for one report must not lose the others). Returns 0, or -1 with the first error
 * in *err (later ones are dropped) when any failed. */
int ac_reporters_begin(ac_reporter **reps, size_t n, const ac_run_info *info, char **err);
int ac_reporters_test(ac_reporter **reps, size_t n, const ac_test_result *t, size_t index, char **err);
int ac_reporters_end(ac_reporter **reps, size_t n, const ac_run_summary *s, char **err);

/* Registry (reports/registry.c): constructs the writer for `format` ("tap", "junit",
 * "console", "json", "html", "events"). `path` is used by file formats, `out` by the console. Returns
 * NULL and sets *err (caller frees) for an unknown format or a failure to open. */
ac_reporter *ac_report_new(const char *format, const char *path, FILE *out,
                           const ac_report_opts *o, char **err);
/* Comma-separated names of the known formats, for --help and error messages; static. */
const char *ac_report_format_names(void);

/* Writers that replace a file write PATH.tmp and rename it. While PATH.tmp exists it is told to
 * `add` and, once renamed or removed, to `drop`, so that the program can remove it when a second
 * signal makes it exit at once (main passes interrupt.h's registry). Unset (tests): not told. */
void ac_report_set_tmpfile_hooks(int (*add)(const char *path), void (*drop)(const char *path));

/* Text hygiene shared by writers (reports/text.c):
 * - ac_text_visible: invalid UTF-8 bytes become \xHH, C0 controls other than \n \t \r become
 *   \xHH (ESC -> \x1b, NUL -> \x00), DEL -> \x7f; U+FFFE/U+FFFF -> \uFFFE. Also as \uXXXX:
 *   C1 controls U+0080..U+009F (terminals may obey U+009B as CSI; YAML readers reject them),
 *   U+2028/U+2029 and the bidi overrides U+202A..U+202E, U+2066..U+2069. s may hold NULs (len
 *   is the truth); NULL -> "". Caller frees.
 * - ac_text_cap: keep head and tail, with "\n[truncated N bytes]\n" in between, when over cap
 *   (the result is at most cap bytes for cap >= 80); cap 0 means no cap. Never splits a UTF-8
 *   sequence. NULL -> "". Caller frees. */
char *ac_text_visible(const char *s, size_t len);
char *ac_text_cap(const char *s, size_t cap);

#endif
