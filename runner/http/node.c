/* Nodes and pinning a request to one (node.h). URLs are taken apart with libcurl's URL API, the
 * parser that will send them, so pinning and sending never disagree on what the host is. */
#include "node.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-') return false;
    return true;
}

static bool is_url(const char *a)
{
    return !strncasecmp(a, "http://", 7) || !strncasecmp(a, "https://", 8);
}

/* "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" into host and port (0 when absent). */
static int parse_host_port(const char *a, char **host, long *port)
{
    const char *end, *rest;
    if (*a == '[') {
        end = strchr(a, ']');
        if (!end || end == a + 1) return -1;
        *host = ac_strndup(a + 1, (size_t)(end - a - 1));
        rest = end + 1;
    } else {
        end = strchr(a, ':');
        size_t n = end ? (size_t)(end - a) : strlen(a);
        if (n == 0) return -1;
        *host = ac_strndup(a, n);
        rest = a + n;
    }
    for (const char *p = *host; *p; p++)
        if (isspace((unsigned char)*p) || *p == '/' || *p == '@' || (*a != '[' && *p == ':')) goto bad;
    *port = 0;
    if (!*rest) return 0;
    if (*rest != ':' || !rest[1]) goto bad;
    char *e = NULL;
    long p = strtol(rest + 1, &e, 10);
    if (*e || p < 1 || p > 65535 || !isdigit((unsigned char)rest[1])) goto bad;
    *port = p;
    return 0;
bad:
    free(*host);
    *host = NULL;
    return -1;
}

int ac_node_parse(const char *spec, ac_node *out, char **err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (!eq || !valid_name(spec, (size_t)(eq - spec))) {
        *err = ac_sprintf("node '%s': give NAME=HOST:PORT or NAME=URL, NAME of letters, digits, '.', '_' "
                          "or '-' (at most 64)", spec);
        return -1;
    }
    const char *a = eq + 1;
    if (is_url(a)) {
        CURLU *u = curl_url();
        char *host = NULL, *user = NULL;
        bool ok = u && curl_url_set(u, CURLUPART_URL, a, 0) == CURLUE_OK &&
                  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host;
        /* Credentials in a URL would be printed with it (the run record keeps the address). */
        bool creds = ok && curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user;
        curl_free(host);
        curl_free(user);
        curl_url_cleanup(u);
        if (!ok || creds) {
            /* Never quote a spec that holds a password. */
            *err = creds ? ac_sprintf("node %.*s: credentials in a node URL are not supported (and would be "
                                      "printed)", (int)(eq - spec), spec)
                         : ac_sprintf("node '%s': '%s' is not a usable URL", spec, a);
            return -1;
        }
        out->url = ac_strdup(a);
    } else if (strchr(a, '@')) {
        *err = ac_sprintf("node %.*s: credentials in a node address are not supported (and would be printed)",
                          (int)(eq - spec), spec);
        return -1;
    } else if (strstr(a, "://") || parse_host_port(a, &out->host, &out->port) < 0) {
        *err = ac_sprintf("node '%s': '%s' is neither HOST:PORT ([IPv6]:PORT) nor an http(s) URL", spec, a);
        return -1;
    }
    out->name = ac_strndup(spec, (size_t)(eq - spec));
    out->addr = ac_strdup(a);
    return 0;
}

void ac_node_free(ac_node *n)
{
    if (!n) return;
    free(n->name);
    free(n->addr);
    free(n->url);
    free(n->host);
    memset(n, 0, sizeof *n);
}

void ac_nodes_free(ac_node *nodes, size_t n)
{
    for (size_t i = 0; i < n; i++) ac_node_free(&nodes[i]);
    free(nodes);
}

const ac_node *ac_nodes_find(const ac_node *nodes, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(nodes[i].name, name)) return &nodes[i];
    return NULL;
}

int ac_nodes_parse(const char *const *specs, size_t n_specs, ac_node **out, size_t *n_out, char **err)
{
    ac_node *nodes = ac_calloc(n_specs ? n_specs : 1, sizeof *nodes);
    size_t n = 0;
    for (size_t i = 0; i < n_specs; i++) {
        if (ac_node_parse(specs[i], &nodes[n], err) < 0) goto fail;
        if (ac_nodes_find(nodes, n, nodes[n].name)) {
            *err = ac_sprintf("node '%s' is given twice: names must be unique", nodes[n].name);
            ac_node_free(&nodes[n]);
            goto fail;
        }
        n++;
    }
    *out = nodes;
    *n_out = n;
    return 0;
fail:
    ac_nodes_free(nodes, n);
    *out = NULL;
    *n_out = 0;
    return -1;
}

char **ac_nodes_split(const char *value, size_t *n_out)
{
    char **items = NULL;
    size_t n = 0;
    const char *p = value ? value : "";
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p)) p++;
        const char *s = p;
        while (*p && *p != ',' && !isspace((unsigned char)*p)) p++;
        if (p == s) continue;
        items = ac_realloc(items, (n + 1) * sizeof *items);
        items[n++] = ac_strndup(s, (size_t)(p - s));
    }
    *n_out = n;
    return items;
}

/* ---- routing -------------------------------------------------------------------------------- */

/* The scheme, lower-cased host and port (the scheme's default when absent) of url. */
typedef struct url_parts {
    char *scheme, *host, *port;
} url_parts;

static void parts_free(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
}

static int url_parts_of(CURLU *u, const char *url, url_parts *p)
{
    memset(p, 0, sizeof *p);
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &p->host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &p->port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        parts_free(p);
        return -1;
    }
    for (char *c = p->host; *c; c++) *c = (char)tolower((unsigned char)*c);
    return 0;
}

/* A host as CURLOPT_CONNECT_TO writes it: an IPv6 address in brackets. libcurl's URL API gives
 * an IPv6 host with its brackets already. */
static char *bracketed(const char *host)
{
    if (strchr(host, ':') && host[0] != '[') return ac_sprintf("[%s]", host);
    return ac_strdup(host);
}

/* The URL form: url with the node URL's scheme, host and port; when the node URL has a path,
 * it replaces the target's base path at the front of url's path. */
static int rewrite_url(const ac_node *n, const char *target, const char *url, char **new_url)
{
    CURLU *nu = curl_url(), *ru = curl_url(), *tu = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *npath = NULL, *tpath = NULL, *rpath = NULL;
    int rc = -1;
    if (!nu || !ru || !tu || curl_url_set(nu, CURLUPART_URL, n->url, 0) != CURLUE_OK ||
        curl_url_set(ru, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_set(tu, CURLUPART_URL, target, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        goto out;
    curl_url_get(nu, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(nu, CURLUPART_HOST, &host, 0);
    curl_url_get(nu, CURLUPART_PORT, &port, 0);
    curl_url_get(nu, CURLUPART_PATH, &npath, 0);
    curl_url_get(tu, CURLUPART_PATH, &tpath, 0);
    curl_url_get(ru, CURLUPART_PATH, &rpath, 0);
    curl_url_set(ru, CURLUPART_SCHEME, scheme, 0);
    curl_url_set(ru, CURLUPART_HOST, host, 0);
    curl_url_set(ru, CURLUPART_PORT, port, 0);   /* NULL: the scheme's default */
    if (npath && strcmp(npath, "/") && rpath && tpath) {
        size_t tl = strlen(tpath);
        while (tl > 0 && tpath[tl - 1] == '/') tl--;
        if (!strncmp(rpath, tpath, tl) && (rpath[tl] == '/' || !rpath[tl])) {
            size_t nl = strlen(npath);
            while (nl > 0 && npath[nl - 1] == '/') nl--;
            char *p = ac_sprintf("%.*s%s", (int)nl, npath, rpath + tl);
            curl_url_set(ru, CURLUPART_PATH, p, 0);
            free(p);
        }
    }
    char *out = NULL;
    if (curl_url_get(ru, CURLUPART_URL, &out, 0) == CURLUE_OK) {
        *new_url = ac_strdup(out);
        rc = 0;
    }
    curl_free(out);
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(npath);
    curl_free(tpath);
    curl_free(rpath);
    curl_url_cleanup(nu);
    curl_url_cleanup(ru);
    curl_url_cleanup(tu);
    return rc;
}

int ac_node_route(const ac_node *n, const char *target, const char *url, char **new_url, char **connect_to,
                  bool *pinned, char **err)
{
    *new_url = *connect_to = NULL;
    *pinned = false;
    CURLU *u = curl_url();
    url_parts t, r;
    if (!u || url_parts_of(u, target, &t) < 0) {
        curl_url_cleanup(u);
        *err = ac_sprintf("cannot pin to node %s: the target '%s' is not a URL", n->name, target);
        return -1;
    }
    if (url_parts_of(u, url, &r) < 0) {
        parts_free(&t);
        curl_url_cleanup(u);
        *err = ac_sprintf("cannot pin to node %s: '%s' is not a URL", n->name, url);
        return -1;
    }
    curl_url_cleanup(u);
    int rc = 0;
    /* Another host (a separate issuer, an absolute url: elsewhere) is not the deployment's. */
    if (!strcmp(t.host, r.host) && !strcmp(t.port, r.port)) {
        *pinned = true;
        if (n->url) {
            rc = rewrite_url(n, target, url, new_url);
            if (rc < 0) *err = ac_sprintf("cannot pin '%s' to node %s (%s)", url, n->name, n->url);
        } else {
            char *th = bracketed(r.host), *nh = bracketed(n->host);
            *connect_to = n->port ? ac_sprintf("%s:%s:%s:%ld", th, r.port, nh, n->port)
                                  : ac_sprintf("%s:%s:%s:%s", th, r.port, nh, r.port);
            free(th);
            free(nh);
        }
    }
    parts_free(&t);
    parts_free(&r);
    return rc;
}
