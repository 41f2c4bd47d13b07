/* The events file (--events FILE, docs/report-formats.md): one JSON object per line, written as
 * each test is reported, so a run killed with SIGKILL still leaves every result it had reported.
 *
 * Line 1 is the run record's header with "event":"start"; then one {"event":"test"} line per
 * result holding the run record's test object; then {"event":"end"} with the summary and the
 * coverage. A file without the end line is a run that died. The objects are built by the same
 * functions as the run record (record_json.h), so the two never disagree, and every string in
 * them comes from results that were redacted before any writer saw them.
 *
 * Unlike the other reports there is no PATH.tmp: the file is the record of what already
 * happened, written in place. Each line goes to the kernel with one write(2) on a descriptor
 * without user-space buffering, so whatever is killed afterwards, the lines written are whole. */
#include "record_json.h"
#include "report.h"
#include "writers.h"
#include "report_common.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct events_ctx {
    char *path;         /* owned */
    int fd;             /* -1 once closed */
    ac_report_opts o;
    bool det;
    int io_errno;       /* the first write error; 0 when none */
} events_ctx;

/* The object as one line and a newline, in one write(2) (a short write is continued: a
 * regular file only writes short when the disk is full). Takes obj. Returns 0 or -1. */
static int write_line(events_ctx *c, cJSON *obj)
{
    char *v = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!v) {
        if (!c->io_errno) c->io_errno = ENOMEM;
        return -1;
    }
    if (c->io_errno || c->fd < 0) {   /* after a failure, no later line: the file must not skip one */
        cJSON_free(v);
        return -1;
    }
    size_t n = strlen(v);
    char *line = ac_malloc(n + 1);   /* the line and its newline, for one write */
    memcpy(line, v, n);
    line[n++] = '\n';
    cJSON_free(v);
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(c->fd, line + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            c->io_errno = w < 0 ? errno : EIO;
            break;
        }
        done += (size_t)w;
    }
    free(line);
    return c->io_errno ? -1 : 0;
}

static int io_error(events_ctx *c, char **err)
{
    ac_report_set_err(err, ac_sprintf("%s: writing the events file: %s", c->path, strerror(c->io_errno)));
    return -1;
}

static int events_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    events_ctx *c = r->ctx;
    cJSON *h = ac_json_record_header(info, c->o.strict, c->det);
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "event", "start");
    cJSON_AddNumberToObject(line, "events_version", AC_EVENTS_VERSION);
    while (h->child) {
        cJSON *m = cJSON_DetachItemViaPointer(h, h->child);
        char *key = ac_strdup(m->string);
        cJSON_AddItemToObject(line, key, m);
        free(key);
    }
    cJSON_Delete(h);
    return write_line(c, line) < 0 ? io_error(c, err) : 0;
}

static int events_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    events_ctx *c = r->ctx;
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "event", "test");
    cJSON_AddNumberToObject(line, "index", (double)index);
    cJSON_AddItemToObject(line, "test", ac_json_record_test(t, c->det));
    cJSON_AddItemToObject(line, "detail", ac_json_record_detail(t, ac_report_cap(&c->o), c->det));
    return write_line(c, line) < 0 ? io_error(c, err) : 0;
}

static int events_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    events_ctx *c = r->ctx;
    if (c->fd < 0) return 0;
    ac_run_summary zero;
    memset(&zero, 0, sizeof zero);
    if (!s) s = &zero;
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "event", "end");
    cJSON_AddItemToObject(line, "coverage", ac_json_coverage(&s->coverage));
    cJSON_AddItemToObject(line, "summary", ac_json_record_summary(s));
    double ms = c->det || !(s->duration_ms > 0) || !isfinite(s->duration_ms) ? 0
              : round(s->duration_ms * 1000.0) / 1000.0;
    cJSON_AddNumberToObject(line, "duration_ms", ms);
    int rc = write_line(c, line);
    if (close(c->fd) != 0 && rc == 0) {
        c->io_errno = errno;
        rc = -1;
    }
    c->fd = -1;
    return rc < 0 ? io_error(c, err) : 0;
}

static void events_destroy(ac_reporter *r)
{
    if (!r) return;
    events_ctx *c = r->ctx;
    if (c) {
        if (c->fd >= 0) close(c->fd);   /* end() never ran: what was written stays, without an end line */
        free(c->path);
        free(c);
    }
    free(r);
}

ac_reporter *ac_report_events_new(const char *path, const ac_report_opts *o, char **err)
{
    if (!path || !*path || strcmp(path, "-") == 0) {
        ac_report_set_err(err, ac_strdup("the events file needs a file path"));
        return NULL;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        ac_report_set_err(err, ac_sprintf("%s: cannot open the events file: %s", path, strerror(errno)));
        return NULL;
    }
    events_ctx *c = ac_calloc(1, sizeof *c);
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    c->path = ac_strdup(path);
    c->fd = fd;
    return ac_reporter_make("events", c, events_begin, events_test, events_end, events_destroy);
}
