/* `authconform merge --junit OUT.xml IN.xml...`: one JUnit report from the reports of several
 * runs, typically the shards of a run split with --shard K/N across CI jobs.
 *
 * The inputs are read as the documents reports/junit.c writes (a <testsuites> root holding
 * <testsuite> elements, each with an optional <properties> block and <testcase> elements); a
 * bare <testsuite> root is accepted too. Test cases are copied byte for byte. Suites are
 * listed in order of first appearance; suites of the same name from several inputs become one,
 * with tests/failures/errors/skipped/time summed, timestamp, hostname and file from the first,
 * the should_failures property summed and other properties taken from the first that has them.
 * The root's counts are the sums over the suites; its time is the sum of the inputs' run
 * times. A test case (classname and name) present in two inputs is an error: the inputs
 * overlap, so they are not the shards of one run. The exception is the coverage suite each
 * shard writes (coverage_text.h): those become one coverage suite, last, with the counts summed
 * and the gaps, missing variables and accepted patterns united; its test case fails when any
 * shard's failed or a united gap was not accepted. */
#ifndef AC_JUNIT_MERGE_H
#define AC_JUNIT_MERGE_H

#include <stddef.h>

/* Writes OUT (through OUT.tmp and a rename). Returns 0, or -1 with *err (caller frees) naming
 * the input or output that failed. */
int ac_junit_merge(const char *out_path, const char *const *inputs, size_t n_inputs, char **err);

#endif
