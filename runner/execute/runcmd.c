/* Running a `run` step's command with /bin/sh -c, bounded in time and output. */
#define _GNU_SOURCE   /* pipe2 */
#include "runcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

void ac_cmd_result_free(ac_cmd_result *r)
{
    if (!r) return;
    free(r->output);
    r->output = NULL;
}

int ac_run_command(const char *command, const char *const *env_names, const char *const *env_values,
                   size_t n_env, double timeout_s, size_t output_cap, ac_cmd_result *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->exit_status = -1;
    int fds[2];
    /* Close-on-exec: under -j another test's command may be forked meanwhile, and must not
     * inherit this pipe (its copy of the write end would hold our reader's end-of-file back). */
    if (pipe2(fds, O_CLOEXEC) < 0) {
        *err = ac_sprintf("cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    double t0 = ac_now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        *err = ac_sprintf("cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Child: own process group so a timeout can kill everything the command started. */
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        for (size_t i = 0; i < n_env; i++) setenv(env_names[i], env_values[i], 1);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);

    ac_buf buf;
    ac_buf_init(&buf);
    size_t dropped = 0;
    bool eof = false;
    while (!eof) {
        double left = timeout_s * 1000 - (ac_now_ms() - t0);
        if (left <= 0) {
            out->timed_out = true;
            break;
        }
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        int pr = poll(&p, 1, left > 100 ? 100 : (int)left + 1);
        if (pr < 0 && errno != EINTR) break;
        if (pr <= 0) continue;
        char chunk[4096];
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n == 0) eof = true;
        else if (n > 0) {
            size_t room = buf.len < output_cap ? output_cap - buf.len : 0;
            size_t take = (size_t)n < room ? (size_t)n : room;
            ac_buf_append(&buf, chunk, take);
            dropped += (size_t)n - take;
        } else if (errno != EAGAIN && errno != EINTR) {
            eof = true;
        }
    }
    close(fds[0]);
    int status = 0;
    if (out->timed_out) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        out->exit_status = -1;
    } else {
        /* Output closed: the command is ending; wait for it, still within the timeout. */
        for (;;) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid) break;
            if (ac_now_ms() - t0 > timeout_s * 1000) {
                out->timed_out = true;
                kill(-pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            ac_sleep_ms(5);
        }
        if (!out->timed_out)
            out->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (dropped) ac_buf_printf(&buf, "\n[truncated %zu bytes]\n", dropped);
    out->output_len = buf.len;
    out->output = ac_buf_steal(&buf);
    out->duration_ms = ac_now_ms() - t0;
    return 0;
}
