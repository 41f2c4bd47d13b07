/* probes_health: probes of the health, response-shape and leak deviations (probes.c runs them
 * from its table). Each returns true when it sees its deviation's defect. The probe server has
 * alice (password "secret") and shorty ("pw"), and --admin. */
#ifndef RS_TEST_PROBES_HEALTH_H
#define RS_TEST_PROBES_HEALTH_H

#include "harness.h"

#include <stdbool.h>

bool p_health_auth(const struct srv *s);
bool p_health_json(const struct srv *s);
bool p_health_leak(const struct srv *s);
bool p_stack_trace(const struct srv *s);
bool p_projects_shape(const struct srv *s);
bool p_projects_count(const struct srv *s);
bool p_hello_body(const struct srv *s);

#endif
