/* Nodes: the replicas of one deployment (--node NAME=ADDR, or the `nodes` variable), and how a
 * request is pinned to one of them.
 *
 * Two ways to reach a node, as with curl:
 *   NAME=HOST:PORT (or NAME=HOST, the target's port)   the request keeps its URL, Host header
 *       and TLS SNI and only the connection goes to HOST:PORT (libcurl's CURLOPT_CONNECT_TO):
 *       what a client behind the load balancer sends, delivered to one replica;
 *   NAME=URL (http:// or https://)   each replica has its own URL (kubectl port-forward): the
 *       request's scheme, host and port become the node URL's, and a path in the node URL
 *       replaces the target's base path.
 * Only requests to the target's own host and port are pinned: a separate issuer or any other
 * host is reached as it is. */
#ifndef AC_NODE_H
#define AC_NODE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ac_node {
    char *name;        /* the user's name: [A-Za-z0-9._-]+ */
    char *addr;        /* as given after '=' */
    char *url;         /* NAME=URL: the node's URL; NULL for HOST:PORT */
    char *host;        /* NAME=HOST[:PORT]: the host (IPv6 without brackets); NULL for a URL */
    long port;         /* NAME=HOST:PORT: the port; 0: the target's */
} ac_node;

/* Parses "NAME=ADDR" into *out (freed with ac_node_free). 0, or -1 with *err, one line that
 * quotes the spec and says what is wrong. */
int ac_node_parse(const char *spec, ac_node *out, char **err);
void ac_node_free(ac_node *n);

/* A list of node specs (--node as given, or the `nodes` variable: specs separated by commas or
 * white space) into *out (n_out nodes, ac_nodes_free). Names must be unique. 0, or -1 with *err. */
int ac_nodes_parse(const char *const *specs, size_t n_specs, ac_node **out, size_t *n_out, char **err);
/* Splits the `nodes` variable's value into specs (caller frees each and the array). */
char **ac_nodes_split(const char *value, size_t *n_out);
void ac_nodes_free(ac_node *nodes, size_t n);
/* The node called name, or NULL. */
const ac_node *ac_nodes_find(const ac_node *nodes, size_t n, const char *name);

/* How a request to `url`, in a run against `target`, reaches node n. Sets *new_url (the URL to
 * send, for the URL form) or *connect_to (a CURLOPT_CONNECT_TO entry
 * "HOST:PORT:NODEHOST:NODEPORT"), each owned or NULL; both NULL when url is on another host
 * than the target (not pinned: *pinned false). 0, or -1 with *err for a URL that cannot be
 * parsed. */
int ac_node_route(const ac_node *n, const char *target, const char *url, char **new_url, char **connect_to,
                  bool *pinned, char **err);

#endif
