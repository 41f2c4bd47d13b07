/* node_faults: the last node's deviations of --cluster N (node_faults.h). */
#include "node_faults.h"

#include "cluster.h"

bool rs_node_fault(const rs_app *app, const rs_request *rq, rs_dev_id id)
{
  /* rs_dev_on first: without a cluster deviation this costs nothing per request. */
  if (!rs_dev_on(id) || !app->cluster)
    return false;
  int node = rs_rq_node(rq);
  return node >= 0 && (unsigned)node + 1 == rs_cluster_size(app->cluster);
}

const rs_jwt_key *rs_node_key(const rs_app *app, const rs_request *rq)
{
  return app->node_key && rs_node_fault(app, rq, DEV_NODE_OWN_KEY) ? app->node_key : &app->key;
}

time_t rs_node_expiry_now(const rs_app *app, const rs_request *rq, time_t now)
{
  return rs_node_fault(app, rq, DEV_NODE_CLOCK_SLOW) ? now - RS_NODE_CLOCK_BEHIND : now;
}

bool rs_node_knows_revocation(const rs_app *app, const rs_request *rq, time_t revoked_at,
                              time_t now)
{
  if (rs_node_fault(app, rq, DEV_NODE_NO_REVOCATION))
    return false;
  if (rs_node_fault(app, rq, DEV_NODE_REVOCATION_LATE))
    return now - revoked_at >= RS_NODE_REVOCATION_LAG;
  return true;
}

rs_throttle *rs_node_throttle(const rs_app *app, const rs_request *rq)
{
  return app->node_throttle && rs_node_fault(app, rq, DEV_NODE_THROTTLE_LOCAL) ? app->node_throttle
                                                                               : app->throttle;
}
