/* deviations: the switches of the deliberate defects listed in deviations.def, one at a time. */
#ifndef RS_DEVIATIONS_H
#define RS_DEVIATIONS_H

#include <stdbool.h>
#include <stdio.h>

/* One value per defect, in the order of deviations.def (the one list; see there). Each is tested
 * by as few rs_dev_on() conditions as its effect needs, so the effect of a deviation stays narrow
 * and can be found by grepping its name. */
typedef enum rs_dev_id {
#define X(id, name, check, profile, level, description) DEV_##id,
#include "deviations.def"
#undef X
  DEV_COUNT
} rs_dev_id;

/* What --list-deviations prints. All strings are static. */
typedef struct rs_dev_info {
  const char *name;        /* the --deviate argument */
  const char *check;       /* the id of the bundled suite's test that catches it (cases/) */
  const char *profile;     /* "documented", "rfc", "oauth2" or "cluster" (deviations.def) */
  const char *level;       /* "must" (the run fails) or "should" (a warning: TAP "not ok # TODO") */
  const char *description; /* one line */
} rs_dev_info;

/* The id named name, or -1 when no deviation has that name. */
int rs_dev_lookup(const char *name);

/* Switches a deviation on. Only called before the server's threads start: the flags are read
 * without locks afterwards. */
void rs_dev_enable(rs_dev_id id);

/* True when the deviation was switched on. */
bool rs_dev_on(rs_dev_id id);

/* True for the deviations of the last node of --cluster N (PROFILE CLUSTER): without --cluster
 * they would change nothing, so the command line refuses them there. */
bool rs_dev_needs_cluster(rs_dev_id id);

/* The --deviate name of id (static). */
const char *rs_dev_name(rs_dev_id id);

/* Prints NAME<TAB>CHECK_ID<TAB>PROFILE<TAB>DESCRIPTION<TAB>LEVEL, one line per deviation, in table
 * order. LEVEL is last so that readers of the older four-column format keep working. */
void rs_dev_list(FILE *out);

/* Prints the table of docs/deviations.md (a header row, then one row per deviation in table
 * order): what --list-deviations=markdown prints and scripts/gen-deviations-doc splices in. */
void rs_dev_list_markdown(FILE *out);

/* The text deviations leak where a correct server would never show internals. */
#define DEV_JAVA_STACK_TRACE                                                                     \
  "java.lang.IllegalStateException: request failed\n"                                            \
  "\tat com.apinizer.manager.security.TokenFilter.doFilterInternal(TokenFilter.java:87)\n"        \
  "\tat org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)"

#endif
