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

/* The run record's format version (docs/run-record.md; the versions: record.h): the writer owns
 * it, the reader (runner/record/record.c) accepts it and every version before it. */
#define AC_RECORD_VERSION 3

struct cJSON;
/* The run record's `coverage` member for *c (docs/run-record.md): counts, `complete`, the gaps
 * with kind, one-line reason, whether accepted and the missing variable, the missing variables
 * and what the user accepted; every string made visible. `merge` writes the united coverage of
 * the shards with it. */
struct cJSON *ac_json_coverage(const ac_coverage *c);
/* record_version, tool, suite, target, profile, options, started_at, planned: the members
 * before "tests", in file order. `strict` ORs into options.strict. info may be NULL. */
struct cJSON *ac_json_record_header(const ac_run_info *info, bool strict, bool det);
/* One element of "tests". */
struct cJSON *ac_json_record_test(const ac_test_result *t, bool det);
/* What the events file keeps of a test beyond the run record (its "detail" member): the raw
 * reason, multi_step, strict, every step with its checks (expected, actual, message, severity, where
 * declared), HTTP status, attempts and the request/response excerpts, and the transcript capped
 * at `cap` bytes (0: no cap). Enough for `authconform report` to render what a live run shows. */
struct cJSON *ac_json_record_detail(const ac_test_result *t, size_t cap, bool det);
/* The "summary" member: counts, stopped_early, stop_reason, interrupted, exit_code. */
struct cJSON *ac_json_record_summary(const ac_run_summary *s);

#endif
