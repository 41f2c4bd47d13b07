/* The run configuration's defaults and ownership. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

void ac_config_init(ac_config *c)
{
    memset(c, 0, sizeof *c);
    c->profile = ac_strdup("documented");
    c->jobs = 1;
    ac_http_opts_default(&c->http);
}

void ac_config_free(ac_config *c)
{
    if (!c) return;
    free(c->target);
    free(c->profile);
    ac_strlist_free(&c->tags);
    ac_strlist_free(&c->skip_tags);
    ac_strlist_free(&c->include);
    ac_strlist_free(&c->ids);
    ac_strlist_free(&c->allow_skip);
    free(c->shard);
    ac_strlist_free(&c->node_specs);
    ac_nodes_free(c->nodes, c->n_nodes);
    free(c->cacert);
    free(c->cert);
    free(c->key);
    free(c->proxy);
    memset(c, 0, sizeof *c);
}
