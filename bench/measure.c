/* measure COMMAND [ARGS...]: runs COMMAND (stdout and stderr to /dev/null, or appended to the
 * file MEASURE_LOG names) and prints "WALL_SECONDS MAX_RSS_KIB EXIT_STATUS" for that process
 * alone (its rusage through wait4, so nothing else on the machine is counted).
 *
 * C rather than a script on purpose: Linux counts the memory a child had between fork() and
 * exec() in its peak RSS, so a child forked by a Python interpreter starts at about 14 MiB,
 * more than some of the figures bench/run measures. Forked from this program, the floor is
 * about 1 MiB. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
        return 2;
    }
    const char *log = getenv("MEASURE_LOG");
    int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : open("/dev/null", O_WRONLY);
    if (out < 0) {
        perror(log ? log : "/dev/null");
        return 2;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        dup2(out, 1);
        dup2(out, 2);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    close(out);
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.4f %ld %d\n", wall, ru.ru_maxrss, code);
    return 0;
}
