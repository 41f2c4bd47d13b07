/* The pieces of the run record (docs/run-record.md) as cJSON values, built in one place
 * (reports/json.c) for every file that writes them: the run record itself and the events file
 * (reports/events.c), whose lines are these same objects, one per line. Every string is made
 * visible (ac_text_visible) and comes from results that are already redacted. Each returns a
 * new object the caller owns (cJSON_Delete). `det`: golden-file mode (times 0, no library
 * versions). */
#ifndef AC_RECORD_JSON_H
#define AC_RECORD_JSON_H

#include <stdbool.h>
#include "result.h"

struct cJSON;
/* record_version, tool, suite, target, profile, options, started_at, planned: the members
 * before "tests", in file order. `strict` ORs into options.strict. info may be NULL. */
struct cJSON *ac_json_record_header(const ac_run_info *info, bool strict, bool det);
/* One element of "tests". */
struct cJSON *ac_json_record_test(const ac_test_result *t, bool det);
/* The "summary" member: counts, stopped_early, stop_reason, interrupted, exit_code. */
struct cJSON *ac_json_record_summary(const ac_run_summary *s);

#endif
