/* Durations in case files: a number of seconds, or a string with a unit (250ms, 2s, 1m). */
#ifndef AC_DURATION_H
#define AC_DURATION_H

/* Parses s into seconds. Returns 0, or -1 with *err (caller frees). */
int ac_parse_duration(const char *s, double *seconds, char **err);

#endif
