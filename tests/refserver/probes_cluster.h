/* probes_cluster: probes of the deviations of the cluster's last node (PROFILE cluster in
 * refserver/deviations.def; probes.c runs them from its table with --cluster 3). Each returns true
 * when it sees the last node differ from the first in its deviation's way, and false against a
 * correct cluster. The probe server has alice (password "secret") and shorty ("pw", lifetime 1 s),
 * --admin, and the harness knows every node's URL (srv_node()). */
#ifndef RS_TEST_PROBES_CLUSTER_H
#define RS_TEST_PROBES_CLUSTER_H

#include "harness.h"

#include <stdbool.h>

/* The extra server arguments of these probes: a cluster of three nodes (and --throttle 3 for
 * p_node_throttle_local). NULL-terminated. */
#define CLUSTER_ARGS "--cluster", "3"

bool p_node_own_key(const struct srv *s);
bool p_node_no_revocation(const struct srv *s);
bool p_node_revocation_late(const struct srv *s);
bool p_node_bad_credentials(const struct srv *s);
bool p_node_throttle_local(const struct srv *s);
bool p_node_clock_slow(const struct srv *s);
bool p_node_health_down(const struct srv *s);

#endif
