/* `authconform merge [--json|--junit|--html|--tap OUT] SHARD.json...`: one run record (docs/run-record.md) from the
 * records of the shards of one run (--shard K/N).
 *
 * Each input is validated by the record reader first. The inputs must be shards of one run:
 * the same record_version, suite (name, version, hash), profile and options except `shard`; a
 * test id in two inputs is an error (they overlap). Different targets are allowed (each CI job
 * may start its own server) and noted. The output keeps the first input's tool, suite,
 * target, profile and options (with `shard` null), the earliest
 * started_at, `planned` summed, the tests of every input in input order, the summary counts
 * summed (stopped_early when any shard stopped early, with that shard's reason), `coverage`
 * united (counts summed; gaps, missing variables and accepted patterns each once; incomplete
 * when a united gap was not accepted), exit_code by the run's precedence (2 > 3 > 1 > 4 > 0,
 * and 4 when the united coverage is incomplete and no shard did worse), duration_ms summed
 * (machine time, not wall time), and a member `merged_shards` listing the inputs' shards
 * ("K/N", or null for an unsharded input). Since record version 3 the tests keep their detail,
 * so the merged HTML, JUnit and TAP reports show the same evidence as the shards' own. */
#ifndef AC_MERGE_H
#define AC_MERGE_H

#include <stddef.h>
#include <stdio.h>
#include "result.h"

#include "record_json.h"   /* ac_json_coverage */

/* Reads the shards' records into *out, the record of the whole run (above). Returns 0, or -1
 * with *err (caller frees); *note (caller frees, may be NULL) is something worth telling the
 * user (different targets). ac_record_free(out) either way. */
struct ac_record;
int ac_record_merge_read(const char *const *inputs, size_t n_inputs, struct ac_record *out, char **err, char **note);

/* The reports `merge` writes; NULL paths are not written. */
typedef struct ac_merge_outputs {
    const char *tap, *junit, *json, *html;
    int tap_version;   /* 13 or 14; 0: 14 */
} ac_merge_outputs;

/* `authconform merge`: with run records among the inputs, every report named in out is written
 * from the merged record through the writers (JUnit reports given beside them are not read,
 * and a note says so). With JUnit reports only, out->junit is their merge (ac_junit_merge) and
 * no other report can be written. What was written, and notes, go to `info`. Returns 0, or -1
 * with *err (caller frees): an input that is neither, no output, inputs that cannot give an
 * output, or a refused merge. */
int ac_merge_command(const char *const *inputs, size_t n, const ac_merge_outputs *out, FILE *info, char **err);

#endif
