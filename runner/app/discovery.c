/* discovery: metadata (RFC 8414, OpenID Connect Discovery, RFC 9728) to run variables. See
 * discovery.h for what is checked before a secret may follow what a document says. */
#include "discovery.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WK_AS "/.well-known/oauth-authorization-server"
#define WK_OIDC "/.well-known/openid-configuration"
#define WK_PR "/.well-known/oauth-protected-resource"

/* The endpoints that receive client credentials, checked against the issuer's host. */
static const char *const CREDENTIAL_ENDPOINTS[] = { "token_endpoint", "revocation_endpoint",
                                                    "introspection_endpoint", NULL };

/* Splits "scheme://authority/path?q" at the authority: *auth_start/auth_len, and the rest. */
static bool split_url(const char *url, const char **auth, size_t *auth_len, const char **rest)
{
    const char *sep = strstr(url, "://");
    if (!sep || sep == url) return false;
    *auth = sep + 3;
    *auth_len = strcspn(*auth, "/?#");
    *rest = *auth + *auth_len;
    return *auth_len > 0;
}

char *ac_disc_url_host(const char *url)
{
    const char *auth, *rest;
    size_t n;
    if (!url || !split_url(url, &auth, &n, &rest)) return NULL;
    const char *at = memchr(auth, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    size_t hl;
    if (n && auth[0] == '[') {
        const char *close = memchr(auth, ']', n);
        if (!close) return NULL;
        auth++;
        hl = (size_t)(close - auth);
    } else {
        const char *colon = memchr(auth, ':', n);
        hl = colon ? (size_t)(colon - auth) : n;
    }
    if (!hl) return NULL;
    char *h = ac_strndup(auth, hl);
    for (char *p = h; *p; p++) *p = (char)tolower((unsigned char)*p);
    return h;
}

/* localhost, ::1, or an IPv4 literal in 127/8 (not a name that merely starts with "127."). */
static bool is_loopback(const char *host)
{
    if (!strcmp(host, "localhost") || !strcmp(host, "::1")) return true;
    return !strncmp(host, "127.", 4) && strspn(host, "0123456789.") == strlen(host);
}

bool ac_disc_url_secure(const char *url)
{
    if (!url) return false;
    bool https = !strncasecmp(url, "https://", 8);
    if (!https && strncasecmp(url, "http://", 7)) return false;
    char *h = ac_disc_url_host(url);
    bool ok = h && (https || is_loopback(h));
    free(h);
    return ok;
}

/* "https://h/t/" -> "https://h/t": RFC 8414 issuers have no trailing slash to insert before. */
static char *trim_slash(const char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '/') n--;
    return ac_strndup(s, n);
}

void ac_disc_candidates(const char *issuer, ac_strlist *urls, char **expected_issuer)
{
    const char *auth, *rest;
    size_t n;
    *expected_issuer = NULL;
    const char *wk = strstr(issuer, "/.well-known/");
    if (wk && split_url(issuer, &auth, &n, &rest)) {
        /* A metadata document's own URL: used alone; the issuer it implies is what RFC 8414 3.3
         * compares with (inserted: the path after the well-known name; appended: before it). */
        ac_strlist_push(urls, issuer);
        if (!strncmp(rest, WK_AS, strlen(WK_AS)))
            *expected_issuer = ac_sprintf("%.*s%s", (int)(rest - issuer), issuer, rest + strlen(WK_AS));
        else if (strstr(issuer, WK_OIDC))
            *expected_issuer = ac_strndup(issuer, (size_t)(strstr(issuer, WK_OIDC) - issuer));
        return;
    }
    char *base = trim_slash(issuer);
    *expected_issuer = ac_strdup(base);
    if (split_url(base, &auth, &n, &rest)) {
        /* RFC 8414 3: the well-known segment goes between the host and the issuer's path. */
        ac_strlist_push_owned(urls, ac_sprintf("%.*s%s%s", (int)(rest - base), base, WK_AS, rest));
        ac_strlist_push_owned(urls, ac_sprintf("%s%s", base, WK_OIDC));
    }
    free(base);
}

/* GET url; a 200 JSON object is returned (caller deletes), else NULL with *why. */
static cJSON *fetch_json(ac_http *h, const char *url, bool *answered, char **why)
{
    ac_header accept = { .name = "Accept", .value = "application/json" };
    ac_http_req req = { .method = "GET", .url = url, .headers = &accept, .n_headers = 1 };
    ac_response resp;
    memset(&resp, 0, sizeof resp);
    bool got = false;
    char *err = NULL;
    ac_http_status st = ac_http_send(h, &req, &resp, &got, &err);
    cJSON *doc = NULL;
    if (st != AC_HTTP_OK) {
        *why = ac_sprintf("%s: %s", url, err ? err : "no answer");
        if (got) *answered = true;
    } else {
        *answered = true;
        if (resp.status != 200)
            *why = ac_sprintf("%s: status %ld", url, resp.status);
        else if (!(doc = cJSON_ParseWithLength(resp.body ? resp.body : "", resp.body_len)) || !cJSON_IsObject(doc)) {
            cJSON_Delete(doc);
            doc = NULL;
            *why = ac_sprintf("%s: the answer is not a JSON object", url);
        }
    }
    free(err);
    ac_response_free(&resp);
    return doc;
}

static const char *member_str(const cJSON *doc, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* A method list as one space-separated value; RFC 8414 2's default when absent. */
static char *methods(const cJSON *doc, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
    if (!cJSON_IsArray(v)) return ac_strdup("client_secret_basic");
    ac_buf b = { 0 };
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
        if (cJSON_IsString(e)) {
            if (b.len) ac_buf_putc(&b, ' ');
            ac_buf_puts(&b, e->valuestring);
        }
    return ac_buf_steal(&b);
}

/* Sets a run variable unless the user set it (--var, vars file, environment win over the
 * metadata, which wins over the suite's defaults). */
static void offer(ac_scope *root, const char *name, const char *value)
{
    const ac_var *v = ac_scope_get(root, name);
    if (!value || (v && v->source != AC_VSRC_DEFAULT)) return;
    ac_scope_set(root, name, value, strlen(value), false, AC_VSRC_COMPUTED);
}

/* Whether a URL that receives the client secret may be used; *err says why not. */
static bool endpoint_allowed(const char *member, const char *url, const char *issuer_host,
                             const ac_strlist *allowed, char **err)
{
    if (!ac_disc_url_secure(url)) {
        *err = ac_sprintf("the metadata's %s %s is not https (http is accepted on loopback only); "
                          "the client secret is never sent over plain http", member, url);
        return false;
    }
    char *h = ac_disc_url_host(url);
    bool ok = h && (!strcmp(h, issuer_host) || ac_strlist_contains(allowed, h));
    if (!ok)
        *err = ac_sprintf("the metadata's %s %s is on host %s, not the issuer's host %s; the client "
                          "secret goes only to the issuer's host (allow it with --allow-endpoint-host %s)",
                          member, url, h ? h : "?", issuer_host, h ? h : "HOST");
    free(h);
    return ok;
}

ac_disc_status ac_discover(const char *issuer, const ac_disc_opts *o, ac_scope *root, char **err)
{
    *err = NULL;
    if (!ac_disc_url_secure(issuer)) {
        *err = ac_sprintf("--issuer %s: an issuer must be an https URL (http is accepted on loopback only)", issuer);
        return AC_DISC_REFUSED;
    }
    ac_strlist urls = { 0 };
    char *expected = NULL;
    ac_disc_candidates(issuer, &urls, &expected);
    char *issuer_host = ac_disc_url_host(expected ? expected : issuer);
    ac_disc_status st = AC_DISC_NOT_FOUND;
    ac_http *h = ac_http_new(o->http, err);
    cJSON *doc = NULL;
    const char *found = NULL;
    ac_buf whys = { 0 };
    bool answered = false;
    for (size_t i = 0; h && i < urls.n && !doc; i++) {
        char *why = NULL;
        doc = fetch_json(h, urls.items[i], &answered, &why);
        if (doc) found = urls.items[i];
        if (why) {
            if (whys.len) ac_buf_puts(&whys, "; ");
            ac_buf_puts(&whys, why);
            free(why);
        }
    }
    if (!h) {
        st = AC_DISC_UNREACHABLE;
    } else if (!doc) {
        st = answered ? AC_DISC_NOT_FOUND : AC_DISC_UNREACHABLE;
        *err = ac_sprintf("no authorization server metadata for %s: %s", issuer, ac_buf_str(&whys));
    } else {
        st = AC_DISC_OK;
        for (size_t i = 0; CREDENTIAL_ENDPOINTS[i] && st == AC_DISC_OK; i++) {
            const char *u = member_str(doc, CREDENTIAL_ENDPOINTS[i]);
            if (u && !endpoint_allowed(CREDENTIAL_ENDPOINTS[i], u, issuer_host, o->allowed_hosts, err))
                st = AC_DISC_REFUSED;
        }
    }
    if (st == AC_DISC_OK) {
        /* The issuer as RFC 8414 3.3 compares it: without a trailing slash, and derived from a
         * metadata URL given in its place. */
        ac_scope_set(root, "issuer", expected, strlen(expected), false, AC_VSRC_COMPUTED);
        offer(root, "metadata_url", found);
        offer(root, "metadata_issuer", member_str(doc, "issuer"));
        for (size_t i = 0; CREDENTIAL_ENDPOINTS[i]; i++)
            offer(root, CREDENTIAL_ENDPOINTS[i], member_str(doc, CREDENTIAL_ENDPOINTS[i]));
        offer(root, "jwks_uri", member_str(doc, "jwks_uri"));
        static const char *const METHOD_VARS[][2] = {
            { "token_endpoint_auth_methods", "token_endpoint_auth_methods_supported" },
            { "revocation_endpoint_auth_methods", "revocation_endpoint_auth_methods_supported" },
            { "introspection_endpoint_auth_methods", "introspection_endpoint_auth_methods_supported" },
        };
        for (size_t i = 0; i < 3; i++) {
            char *m = methods(doc, METHOD_VARS[i][1]);
            offer(root, METHOD_VARS[i][0], m);
            free(m);
        }
        if (o->log) {
            fprintf(o->log, "authconform: issuer %s: metadata from %s\n", expected, found);
            static const char *const SHOWN[] = { "token_endpoint", "revocation_endpoint",
                                                 "introspection_endpoint", "jwks_uri",
                                                 "token_endpoint_auth_methods", NULL };
            for (size_t i = 0; SHOWN[i]; i++) {
                const ac_var *v = ac_scope_get(root, SHOWN[i]);
                fprintf(o->log, "  %-28s %s\n", SHOWN[i], v ? v->value : "(not in the metadata: its tests are not configured)");
            }
        }
    }
    cJSON_Delete(doc);
    ac_http_free(h);
    ac_buf_free(&whys);
    ac_strlist_free(&urls);
    free(expected);
    free(issuer_host);
    return st;
}

/* The first case-insensitive occurrence of needle in s, or NULL (strcasestr is not C11). */
static const char *find_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (!strncasecmp(s, needle, n)) return s;
    return NULL;
}

/* The URL named by resource_metadata="..." in a WWW-Authenticate value, or NULL. */
static char *challenge_metadata(const char *v)
{
    const char *p = v;
    while ((p = find_ci(p, "resource_metadata"))) {
        const char *q = p + strlen("resource_metadata");
        while (*q == ' ') q++;
        if (*q++ != '=') { p = q; continue; }
        while (*q == ' ') q++;
        if (*q == '"') {
            const char *end = strchr(q + 1, '"');
            return end ? ac_strndup(q + 1, (size_t)(end - q - 1)) : NULL;
        }
        return ac_strndup(q, strcspn(q, ", "));
    }
    return NULL;
}

char *ac_discover_issuer_of(const char *resource_url, const ac_disc_opts *o, ac_disc_status *st,
                            char **err)
{
    *err = NULL;
    *st = AC_DISC_NOT_FOUND;
    const char *auth, *rest;
    size_t n;
    if (!split_url(resource_url, &auth, &n, &rest)) {
        *err = ac_sprintf("resource_url %s is not an absolute URL", resource_url);
        *st = AC_DISC_REFUSED;
        return NULL;
    }
    ac_http *h = ac_http_new(o->http, err);
    if (!h) {
        *st = AC_DISC_UNREACHABLE;
        return NULL;
    }
    size_t path_len = strcspn(rest, "?#");
    while (path_len && rest[path_len - 1] == '/') path_len--;
    char *wk = ac_sprintf("%.*s%s%.*s", (int)(rest - resource_url), resource_url, WK_PR, (int)path_len, rest);
    bool answered = false;
    char *why = NULL;
    cJSON *doc = fetch_json(h, wk, &answered, &why);
    if (!doc) {
        /* RFC 9728 5: the resource may name its metadata in its challenge instead. */
        ac_http_req req = { .method = "GET", .url = resource_url };
        ac_response resp;
        memset(&resp, 0, sizeof resp);
        bool got = false;
        char *e2 = NULL;
        if (ac_http_send(h, &req, &resp, &got, &e2) == AC_HTTP_OK) {
            answered = true;
            const char *vals[4];
            size_t nv = ac_response_header_values(&resp, "WWW-Authenticate", vals, 4);
            for (size_t i = 0; i < nv && !doc; i++) {
                char *mu = challenge_metadata(vals[i]);
                if (mu && ac_disc_url_secure(mu)) {
                    free(why);
                    why = NULL;
                    doc = fetch_json(h, mu, &answered, &why);
                }
                free(mu);
            }
        }
        free(e2);
        ac_response_free(&resp);
    }
    char *issuer = NULL;
    const cJSON *as = doc ? cJSON_GetObjectItemCaseSensitive(doc, "authorization_servers") : NULL;
    const cJSON *first = cJSON_IsArray(as) ? cJSON_GetArrayItem(as, 0) : NULL;
    if (cJSON_IsString(first) && first->valuestring[0]) {
        char *rh = ac_disc_url_host(resource_url), *ih = ac_disc_url_host(first->valuestring);
        if (!ih || !rh || (strcmp(ih, rh) && !ac_strlist_contains(o->allowed_hosts, ih))) {
            *err = ac_sprintf("the resource's metadata names the issuer %s on host %s, not the resource's "
                              "host %s; give --issuer, or allow it with --allow-endpoint-host %s",
                              first->valuestring, ih ? ih : "?", rh ? rh : "?", ih ? ih : "HOST");
            *st = AC_DISC_REFUSED;
        } else {
            issuer = ac_strdup(first->valuestring);
            *st = AC_DISC_OK;
        }
        free(rh);
        free(ih);
    } else {
        *err = ac_sprintf("no protected resource metadata names an issuer for %s (%s)", resource_url,
                          why ? why : "no authorization_servers");
        *st = answered ? AC_DISC_NOT_FOUND : AC_DISC_UNREACHABLE;
    }
    free(why);
    free(wk);
    cJSON_Delete(doc);
    ac_http_free(h);
    return issuer;
}
