/* `authconform merge --json OUT.json SHARD.json...`: one run record (docs/run-record.md) from the
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
 * ("K/N", or null for an unsharded input). */
#ifndef AC_RECORD_MERGE_H
#define AC_RECORD_MERGE_H

#include <stddef.h>
#include <stdio.h>
#include "result.h"

#include "record_json.h"   /* ac_json_coverage */

/* Writes OUT (through OUT.tmp and a rename). Returns 0, or -1 with *err (caller frees). *note
 * (caller frees, may be NULL) is something worth telling the user (different targets). */
int ac_record_merge(const char *out_path, const char *const *inputs, size_t n_inputs, char **err, char **note);

/* `authconform merge`: the JUnit reports among inputs into junit_out and the run records into
 * json_out (either may be NULL, not both), each through the merge above or ac_junit_merge. What
 * was written, and a note worth telling, go to `info`. Returns 0, or -1 with *err (caller frees):
 * an input that is neither, a missing output or inputs for it, or a refused merge. */
int ac_merge_command(const char *const *inputs, size_t n, const char *junit_out, const char *json_out, FILE *info,
                     char **err);

#endif
