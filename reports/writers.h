/* The writers' own constructors. Only the registry (reports/registry.c: ac_report_new) and the
 * writers' unit tests call them: the program reaches every writer by its format's name, so a new
 * format is one file plus one registry row. */
#ifndef AC_WRITERS_H
#define AC_WRITERS_H

#include "report.h"

/* Constructors. `path` NULL or "-" means stdout for TAP; JUnit requires a path.
 * Return NULL and set *err on failure to open. The console writer writes to `out` (stderr). */
ac_reporter *ac_report_tap_new(const char *path, const ac_report_opts *o, char **err);
ac_reporter *ac_report_junit_new(const char *path, const ac_report_opts *o, char **err);
ac_reporter *ac_report_console_new(FILE *out, const ac_report_opts *o, char **err);
/* The run record (docs/run-record.md) and the self-contained HTML report; both need a path and
 * are written to PATH.tmp, renamed to PATH at end(). */
ac_reporter *ac_report_json_new(const char *path, const ac_report_opts *o, char **err);
ac_reporter *ac_report_html_new(const char *path, const ac_report_opts *o, char **err);
/* The events file (reports/events.c, docs/report-formats.md): one JSON line per reported test,
 * each written at once with one write(2), so a killed run leaves what it had reported. Written
 * in place (no PATH.tmp); needs a path. */
ac_reporter *ac_report_events_new(const char *path, const ac_report_opts *o, char **err);

#endif
