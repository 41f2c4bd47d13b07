/* probes: one probe per deviation; each shows its deviation's defect and nothing on a correct
 * server. */
#ifndef RS_TEST_PROBES_H
#define RS_TEST_PROBES_H

/* The "deviations" test group. */
void group_deviations(void);

#endif
