/* Running a user-supplied command for a `run` step: /bin/sh -c COMMAND with extra environment
 * variables, output captured (capped), bounded by a timeout after which the whole process group
 * is killed. */
#ifndef AC_RUNCMD_H
#define AC_RUNCMD_H

#include <stddef.h>
#include "util.h"

typedef struct ac_cmd_result {
    int exit_status;       /* exit code, or 128+signal; -1 when it could not start */
    bool timed_out;
    char *output;          /* stdout and stderr interleaved, capped; owned; NOT redacted */
    size_t output_len;
    double duration_ms;
} ac_cmd_result;

/* env_names/env_values: n extra variables for the child. Returns 0 when the command ran (whatever
 * its status), -1 with *err when it could not be started. */
int ac_run_command(const char *command, const char *const *env_names, const char *const *env_values,
                   size_t n_env, double timeout_s, size_t output_cap, ac_cmd_result *out, char **err);
void ac_cmd_result_free(ac_cmd_result *r);

#endif
