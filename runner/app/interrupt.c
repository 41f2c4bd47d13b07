/* The interrupt flag and the temporary-file registry (interrupt.h). Both are plain atomics and
 * fixed arrays because a signal handler reads them: no locks, no malloc. */
#include "interrupt.h"

#include <signal.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "result.h"
#include "util.h"

static atomic_int g_signo;
static _Atomic long long g_at_us;   /* CLOCK_MONOTONIC, the clock of ac_now_ms() */

bool ac_interrupt_from_signal(int signo)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);   /* async-signal-safe (POSIX) */
    int none = 0;
    if (!atomic_compare_exchange_strong(&g_signo, &none, signo)) return true;
    atomic_store(&g_at_us, (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
    return false;
}

int ac_interrupted(void)
{
    return atomic_load_explicit(&g_signo, memory_order_relaxed);
}

double ac_interrupt_at_ms(void)
{
    return (double)atomic_load(&g_at_us) / 1000.0;
}

void ac_interrupt_reset(void)
{
    atomic_store(&g_signo, 0);
    atomic_store(&g_at_us, 0);
}

void ac_summary_mark_interrupted(ac_run_summary *s, int signo)
{
    if (!signo) return;
    s->interrupted = signo;
    s->bailed = true;
    free(s->bail_reason);
    s->bail_reason = ac_sprintf("interrupted (%s)", ac_signal_name(signo));
    s->exit_code = 128 + signo;
}

/* One slot per report file that can be open at once (a handful), with room to spare. A slot is
 * claimed by compare-and-swap, filled, then published; the handler reads published slots only. */
enum { TMP_SLOTS = 32, TMP_PATH_MAX = 4096 };
enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE };
static atomic_int tmp_state[TMP_SLOTS];
static char tmp_path[TMP_SLOTS][TMP_PATH_MAX];

int ac_tmpfile_register(const char *path)
{
    size_t n = strlen(path);
    if (n >= TMP_PATH_MAX) return -1;
    for (int i = 0; i < TMP_SLOTS; i++) {
        int expect = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&tmp_state[i], &expect, SLOT_FILLING)) continue;
        memcpy(tmp_path[i], path, n + 1);
        atomic_store(&tmp_state[i], SLOT_LIVE);
        return 0;
    }
    return -1;
}

void ac_tmpfile_unregister(const char *path)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        if (atomic_load(&tmp_state[i]) != SLOT_LIVE || strcmp(tmp_path[i], path) != 0) continue;
        int expect = SLOT_LIVE;
        if (atomic_compare_exchange_strong(&tmp_state[i], &expect, SLOT_FILLING)) {
            tmp_path[i][0] = '\0';
            atomic_store(&tmp_state[i], SLOT_FREE);
            return;
        }
    }
}

void ac_tmpfile_unlink_all_from_signal(void)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&tmp_state[i]) == SLOT_LIVE) unlink(tmp_path[i]);
}
