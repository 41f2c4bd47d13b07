/* cluster: the nodes of `--cluster N` (one process serving N nodes and a balancer) and what they
 * share: which node a request reached, and how many requests each node answered. Users, keys,
 * tokens and revocations are the app's, shared by every node, as replicas behind a load balancer
 * share a database and a signing key. Thread-safe. */
#ifndef RS_CLUSTER_H
#define RS_CLUSTER_H

#include <stddef.h>

typedef struct rs_cluster rs_cluster;

/* The most nodes --cluster accepts. */
#define RS_CLUSTER_MAX 16

/* A cluster of n nodes (1..RS_CLUSTER_MAX), named "1".."n"; NULL when out of memory. */
rs_cluster *rs_cluster_new(unsigned n);
void rs_cluster_free(rs_cluster *c); /* accepts NULL */

unsigned rs_cluster_size(const rs_cluster *c);

/* The node the balancer sends its next request to: round robin, 0-based. */
unsigned rs_cluster_next(rs_cluster *c);

/* Counts one request answered by node (0-based). */
void rs_cluster_count(rs_cluster *c, unsigned node);

/* {"nodes":[{"name":"1","requests":N},...],"balanced":M}: the per-node counts and how many
 * requests came through the balancer. Caller frees; NULL when out of memory. */
char *rs_cluster_json(const rs_cluster *c);

#endif
