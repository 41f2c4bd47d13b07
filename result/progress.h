/* Progress of long work, told as it happens: a wait step, an `until` poll, a test finished. The
 * runner only calls this interface; the console side implements it (reports/console.c), so no
 * terminal code lives in the runner. It is the live side of the result model (result/), which is
 * why it lives here: the writers depend on result/ and nothing in runner/. Nothing told here
 * reaches a report. */
#ifndef AC_PROGRESS_H
#define AC_PROGRESS_H

#include <stddef.h>

typedef enum {
    AC_PROG_WAIT,       /* a wait is under way: told every few hundred ms while it lasts */
    AC_PROG_WAIT_END,   /* that wait is over */
    AC_PROG_TEST_DONE   /* a test is about to be reported: done of total */
} ac_progress_kind;

typedef struct ac_progress_event {
    ac_progress_kind kind;
    const char *test_id;   /* borrowed; NULL for AC_PROG_TEST_DONE */
    const char *what;      /* borrowed: "waiting", "polling step refused" */
    double elapsed_s;      /* since the wait began */
    double bound_s;        /* the wait's length or the poll's `within`; 0: unknown */
    int attempts;          /* requests sent so far by a poll; 0 for a plain wait */
    size_t done, total;    /* AC_PROG_TEST_DONE: tests reported so far (this one included), planned */
} ac_progress_event;

/* Called from any worker thread, at any time during ac_execute(): must lock what it shares and
 * must be quick. ctx is the implementer's. */
typedef struct ac_progress {
    void (*fn)(void *ctx, const ac_progress_event *ev);
    void *ctx;
} ac_progress;

/* Calls p->fn when p is set; p may be NULL. */
static inline void ac_progress_tell(const ac_progress *p, const ac_progress_event *ev)
{
    if (p && p->fn) p->fn(p->ctx, ev);
}

#endif
