/* Format name -> writer constructor. Adding a format is one file plus one row here. */
#include "report.h"
#include "writers.h"
#include "report_common.h"

#include <stdlib.h>
#include <string.h>

void ac_report_opts_init(ac_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tap_version = 14;
    o->stream_cap = AC_REPORT_DEFAULT_CAP;
}

typedef enum { TARGET_PATH, TARGET_STREAM } target_kind;

typedef struct format_entry {
    const char *name;
    target_kind kind;
    ac_reporter *(*by_path)(const char *path, const ac_report_opts *o, char **err);
    ac_reporter *(*by_stream)(FILE *out, const ac_report_opts *o, char **err);
} format_entry;

static const format_entry FORMATS[] = {
    { "console", TARGET_STREAM, NULL, ac_report_console_new },
    { "events", TARGET_PATH, ac_report_events_new, NULL },
    { "html", TARGET_PATH, ac_report_html_new, NULL },
    { "json", TARGET_PATH, ac_report_json_new, NULL },
    { "junit", TARGET_PATH, ac_report_junit_new, NULL },
    { "tap", TARGET_PATH, ac_report_tap_new, NULL },
};

const char *ac_report_format_names(void)
{
    return "console, events, html, json, junit, tap";
}

ac_reporter *ac_report_new(const char *format, const char *path, FILE *out,
                           const ac_report_opts *o, char **err)
{
    for (size_t i = 0; format && i < sizeof FORMATS / sizeof FORMATS[0]; i++) {
        const format_entry *f = &FORMATS[i];
        if (strcmp(f->name, format) != 0) continue;
        return f->kind == TARGET_PATH ? f->by_path(path, o, err) : f->by_stream(out, o, err);
    }
    char *msg = ac_sprintf("unknown report format '%s' (known: %s)", format ? format : "",
                           ac_report_format_names());
    if (err) *err = msg;
    else free(msg);
    return NULL;
}

/* Keeps the first error; frees the others. */
static int fan_rc(int rc, char *e, char **err)
{
    if (rc >= 0) return 0;
    if (!*err) *err = e;
    else free(e);
    return -1;
}

int ac_reporters_begin(ac_reporter **reps, size_t n, const ac_run_info *info, char **err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *e = NULL;
        int r = reps[i]->begin(reps[i], info, &e);   /* before e is read */
        if (fan_rc(r, e, err) < 0) rc = -1;
    }
    return rc;
}

int ac_reporters_test(ac_reporter **reps, size_t n, const ac_test_result *t, size_t index, char **err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *e = NULL;
        int r = reps[i]->test(reps[i], t, index, &e);   /* before e is read */
        if (fan_rc(r, e, err) < 0) rc = -1;
    }
    return rc;
}

int ac_reporters_end(ac_reporter **reps, size_t n, const ac_run_summary *s, char **err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *e = NULL;
        int r = reps[i]->end(reps[i], s, &e);   /* before e is read */
        if (fan_rc(r, e, err) < 0) rc = -1;
    }
    return rc;
}
