/* `authconform report FILE`: every report rebuilt from an events file (--events) or a run record
 * (--json), as the run would have written it. A run killed before its end line is reported as
 * interrupted: TAP bails out, JUnit says why in system-err, the HTML banner says INTERRUPTED. */
#ifndef AC_REPLAY_H
#define AC_REPLAY_H

#include <stdio.h>
#include "record.h"
#include "report.h"

/* The exit status the run had (its summary.exit_code; from the tests and coverage when the
 * record has none), or for a killed run: 1 when a test that was reported counts against the
 * run, else 4 (never 0: not every planned test ran; not 137 either, which a CI log would read
 * as `report` itself being killed). */
int ac_replay_exit_code(const ac_record *r);

/* Feeds every result of r to the writers (begin, test, end) with the run information and the
 * summary the run had; a record without its end (r->finished false) gets a summary that says
 * the run was killed. Moves the steps, transcripts and coverage out of r: call once. Returns 0,
 * or -1 with *err (the first error; every writer still gets every call). */
int ac_replay_feed(ac_record *r, ac_reporter **reps, size_t n_reps, char **err);

/* The command: reads `path`, writes the reports named (tap "-" is stdout) with the options o
 * (NULL: the defaults; strict comes from the file), prints one line on errout. Returns the run's exit status (above); 2 when the file is unusable or no report was
 * asked for (the message starts "FILE:LINE: error:" when a line is at fault); 5 when a report
 * cannot be written and the status would have been 0, 1 or 4. */
int ac_replay_command(const char *path, const char *tap_path, const char *junit_path, const char *html_path,
                      const char *json_path, const ac_report_opts *o, FILE *errout);

#endif
