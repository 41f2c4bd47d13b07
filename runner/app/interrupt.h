/* A run interrupted by a signal: the flag the signal handler sets and the library reads, and the
 * registry of temporary report files that a second signal removes before the program exits.
 *
 * Only main() installs handlers; they call the two *_from_signal functions, which are
 * async-signal-safe. Everything else here is for the library: it polls, and never exits. */
#ifndef AC_INTERRUPT_H
#define AC_INTERRUPT_H

#include <stdbool.h>

/* Async-signal-safe: records signo (the first one wins) and the time it arrived. Returns true
 * when a signal had already been recorded (the caller then exits at once). */
bool ac_interrupt_from_signal(int signo);
/* The signal that interrupted the run, or 0. */
int ac_interrupted(void);
/* ac_now_ms() when the signal arrived (meaningful when ac_interrupted() != 0). */
double ac_interrupt_at_ms(void);
/* For tests: forget a recorded signal. */
void ac_interrupt_reset(void);

struct ac_run_summary;
/* Marks a run that signo interrupted (nothing when 0): it bailed out with the reason
 * "interrupted (SIGNAME)" (replacing an earlier reason: the interrupt is what the user must
 * see), and its exit code is 128 + signo, which wins over every verdict. */
void ac_summary_mark_interrupted(struct ac_run_summary *s, int signo);

/* Temporary files that must not survive the process. Registering copies the path into a fixed
 * table (no allocation, so the handler can read it); a path that does not fit is not tracked
 * and returns -1. Unregister after the file was renamed or removed. */
int ac_tmpfile_register(const char *path);
void ac_tmpfile_unregister(const char *path);
/* Async-signal-safe: unlinks every registered path. */
void ac_tmpfile_unlink_all_from_signal(void);

#endif
