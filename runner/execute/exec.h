/* Executing a plan: fixtures, tests and steps, producing one ac_test_result per planned test,
 * handed to the reporters in plan order. */
#ifndef AC_EXEC_H
#define AC_EXEC_H

#include "config.h"
#include "model.h"
#include "plan.h"
#include "report.h"
#include "vars.h"

/* Runs the plan. `vars` is the run's root scope (CLI > vars file > environment > defaults,
 * merged by the caller). Fills *summary (caller frees summary->bail_reason) including the exit
 * code (0, 1 or 3; 2 is decided before a run starts: report files are opened before it).
 * Returns 0, or -1 with *err when a reporter failed to write; the run still completes and the
 * caller reports the error and exits 1 at least. */
int ac_execute(const ac_model *m, const ac_plan *plan, const ac_scope *vars, const ac_config *cfg,
               ac_reporter **reporters, size_t n_reporters, ac_run_summary *summary, char **err);

#endif
