/* cluster: node accounting of --cluster N (cluster.h). */
#include "cluster.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct rs_cluster {
  unsigned n;
  atomic_uint next;                       /* the balancer's round robin */
  atomic_ulong requests[RS_CLUSTER_MAX]; /* answered, per node */
};

rs_cluster *rs_cluster_new(unsigned n)
{
  if (n < 1 || n > RS_CLUSTER_MAX)
    return NULL;
  rs_cluster *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->n = n;
  atomic_init(&c->next, 0);
  for (unsigned i = 0; i < RS_CLUSTER_MAX; i++)
    atomic_init(&c->requests[i], 0);
  return c;
}

void rs_cluster_free(rs_cluster *c) { free(c); }

unsigned rs_cluster_size(const rs_cluster *c) { return c ? c->n : 0; }

unsigned rs_cluster_next(rs_cluster *c) { return atomic_fetch_add(&c->next, 1) % c->n; }

void rs_cluster_count(rs_cluster *c, unsigned node)
{
  if (c && node < c->n)
    atomic_fetch_add(&c->requests[node], 1);
}

char *rs_cluster_json(const rs_cluster *c)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *nodes = o ? cJSON_AddArrayToObject(o, "nodes") : NULL;
  for (unsigned i = 0; nodes && c && i < c->n; i++) {
    cJSON *node = cJSON_CreateObject();
    char name[16];
    snprintf(name, sizeof name, "%u", i + 1);
    if (!node || !cJSON_AddStringToObject(node, "name", name) ||
        !cJSON_AddNumberToObject(node, "requests", (double)atomic_load(&c->requests[i]))) {
      cJSON_Delete(node);
      nodes = NULL;
      break;
    }
    cJSON_AddItemToArray(nodes, node);
  }
  if (nodes)
    cJSON_AddNumberToObject(o, "balanced", c ? (double)atomic_load(&((rs_cluster *)c)->next) : 0);
  char *body = nodes ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return body;
}
