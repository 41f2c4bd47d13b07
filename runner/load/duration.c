/* Durations in case files: a number of seconds, or a string with a unit (250ms, 2s, 1m). */
#include "duration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int ac_parse_duration(const char *s, double *seconds, char **err)
{
    char *end = NULL;
    while (*s == ' ') s++;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0) {
        *err = ac_sprintf("'%s' is not a duration (use seconds, or 250ms, 2s, 1m)", s);
        return -1;
    }
    while (*end == ' ') end++;
    double scale;
    if (*end == '\0' || strcmp(end, "s") == 0) scale = 1;
    else if (strcmp(end, "ms") == 0) scale = 0.001;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) scale = 60;
    else {
        *err = ac_sprintf("'%s' is not a duration: unknown unit '%s' (use ms, s or m)", s, end);
        return -1;
    }
    *seconds = v * scale;
    return 0;
}
