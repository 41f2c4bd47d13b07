/* node_faults: the deliberate defects of the reference cluster's last node (the CLUSTER rows of
 * deviations.def): whether a request is answered by the deviating node, and what that node sees
 * differently (its own signing key, its late or missing revocations, its slow clock, its own
 * failed-login counter). Handlers ask here rather than comparing node numbers themselves, so a
 * cluster deviation's effect is one call at each place it changes. Thread-safe (read-only). */
#ifndef RS_NODE_FAULTS_H
#define RS_NODE_FAULTS_H

#include "app.h"
#include "deviations.h"

#include <stdbool.h>
#include <time.h>

/* node-revocation-late: how long after a revocation the last node learns of it, in seconds. */
#define RS_NODE_REVOCATION_LAG 8
/* node-clock-slow: how far the last node's clock is behind when it checks expiry, in seconds:
 * more than admin mint's expired tokens are in the past (one hour plus the user's lifetime). */
#define RS_NODE_CLOCK_BEHIND 7200

/* True when deviation id is on and rq is answered by the last node of --cluster N (node N, also
 * when the balancer handed the request to it). Always false without --cluster. */
bool rs_node_fault(const rs_app *app, const rs_request *rq, rs_dev_id id);

/* The key rq's node signs and verifies tokens with: the last node's own under node-own-key,
 * app->key otherwise. Borrowed from app. */
const rs_jwt_key *rs_node_key(const rs_app *app, const rs_request *rq);

/* The time rq's node compares exp with when the true time is now: RS_NODE_CLOCK_BEHIND earlier
 * on the last node under node-clock-slow. */
time_t rs_node_expiry_now(const rs_app *app, const rs_request *rq, time_t now);

/* True when rq's node knows, at now, of a revocation made at revoked_at: never on the last node
 * under node-revocation-never, only RS_NODE_REVOCATION_LAG seconds later under
 * node-revocation-late, at once otherwise. */
bool rs_node_knows_revocation(const rs_app *app, const rs_request *rq, time_t revoked_at,
                              time_t now);

/* The failed-login throttle rq's node counts with: the last node's own under
 * node-throttle-local, the cluster's shared one otherwise; NULL when --throttle is off. */
rs_throttle *rs_node_throttle(const rs_app *app, const rs_request *rq);

#endif
