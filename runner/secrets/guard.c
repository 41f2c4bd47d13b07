/* The account guard (guard.h): classifies outgoing requests by the client credentials they carry
 * and keeps a run from locking out the configured account. */
#include "guard.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

typedef enum { ST_UNKNOWN, ST_IN_FLIGHT, ST_OK, ST_REFUSED } login_state;

struct ac_guard {
    char *username, *password;   /* owned */
    char *token_url;             /* owned or NULL; without a query */
    pthread_mutex_t mu;
    pthread_cond_t cv;           /* the first login completed */
    login_state state;
    char *refused;               /* owned: why the account's login was refused */
    unsigned ok_methods;         /* how logins have succeeded (CARRY_* bits) */
    size_t failed;               /* wrong-secret token requests sent */
};

ac_guard *ac_guard_new(const char *username, const char *password, const char *token_url)
{
    if (!username || !*username) return NULL;
    ac_guard *g = ac_calloc(1, sizeof *g);
    g->username = ac_strdup(username);
    g->password = ac_strdup(password ? password : "");
    if (token_url) g->token_url = ac_strndup(token_url, strcspn(token_url, "?"));
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    return g;
}

void ac_guard_free(ac_guard *g)
{
    if (!g) return;
    free(g->username);
    free(g->password);
    free(g->token_url);
    free(g->refused);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free(g);
}

/* ---- what a request carries ------------------------------------------------------------------ */

/* Where the client credentials travel. */
enum { CARRY_QUERY = 1, CARRY_FORM = 2, CARRY_JSON = 4, CARRY_BASIC = 8 };

typedef struct creds {
    char *id, *secret;          /* owned or NULL */
    bool grant_type;            /* a grant_type parameter was seen */
    unsigned method;            /* CARRY_* of the id */
} creds;

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* application/x-www-form-urlencoded decoding ('+' is a space). Caller frees. */
static char *form_decode(const char *s, size_t n)
{
    char *out = ac_malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') out[o++] = ' ';
        else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

static void set_once(char **dst, char *v)
{
    if (*dst) free(v);
    else *dst = v;
}

/* k=v&k=v: client_id, client_secret, grant_type. */
static void scan_form(const char *s, size_t n, creds *c, unsigned method)
{
    if (!c->id) c->method = method;
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '&') end++;
        const char *eq = memchr(s + i, '=', end - i);
        size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
        char *key = form_decode(s + i, klen);
        char *val = eq ? form_decode(eq + 1, (size_t)(s + end - eq - 1)) : ac_strdup("");
        if (!strcmp(key, "client_id")) set_once(&c->id, val);
        else if (!strcmp(key, "client_secret")) set_once(&c->secret, val);
        else {
            if (!strcmp(key, "grant_type")) c->grant_type = true;
            free(val);
        }
        free(key);
        i = end + 1;
    }
}

static void scan_json(const char *s, size_t n, creds *c)
{
    cJSON *j = cJSON_ParseWithLength(s, n);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "client_id");
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(j, "client_secret");
    if (cJSON_IsString(id) && !c->id) c->method = CARRY_JSON;
    if (cJSON_IsString(id)) set_once(&c->id, ac_strdup(id->valuestring));
    if (cJSON_IsString(sec)) set_once(&c->secret, ac_strdup(sec->valuestring));
    if (cJSON_GetObjectItemCaseSensitive(j, "grant_type")) c->grant_type = true;
    cJSON_Delete(j);
}

static const char *header(const ac_built_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
    return NULL;
}

/* HTTP Basic: RFC 6749 2.3.1 form-encodes id and secret before base64; both spellings count,
 * for the id and for the secret independently (an id without special characters reads the same
 * either way, its secret may not). */
static void scan_basic(const ac_built_req *r, const char *username, const char *password, creds *c)
{
    const char *a = header(r, "Authorization");
    if (!a || strncasecmp(a, "Basic ", 6) != 0) return;
    size_t len = 0;
    unsigned char *raw = ac_base64_decode(a + 6 + strspn(a + 6, " "), &len);
    if (!raw) return;
    char *txt = ac_strndup((const char *)raw, len);
    free(raw);
    char *colon = strchr(txt, ':');
    if (colon) {
        *colon = '\0';
        char *user = form_decode(txt, strlen(txt));
        if (!strcmp(txt, username) || !strcmp(user, username)) {
            free(c->id);
            free(c->secret);
            c->id = ac_strdup(username);
            c->method = CARRY_BASIC;
            char *decoded = form_decode(colon + 1, strlen(colon + 1));
            if (strcmp(decoded, password) != 0 && strcmp(txt, username) == 0) {
                free(decoded);
                decoded = ac_strdup(colon + 1);
            }
            c->secret = decoded;
        }
        free(user);
    }
    free(txt);
}

static void creds_free(creds *c)
{
    free(c->id);
    free(c->secret);
}

static ac_guard_kind classify(const ac_guard *g, const ac_built_req *r, bool expects_success, bool *token_request,
                              unsigned *method)
{
    *token_request = false;
    *method = 0;
    if (!g) return AC_GUARD_NONE;
    creds c = { 0 };
    const char *q = r->url ? strchr(r->url, '?') : NULL;
    if (q) scan_form(q + 1, strlen(q + 1), &c, CARRY_QUERY);
    if (r->has_body && r->body) {
        const char *ct = header(r, "Content-Type");
        if (ct && strncasecmp(ct, "application/json", 16) == 0) scan_json(r->body, r->body_len, &c);
        else scan_form(r->body, r->body_len, &c, CARRY_FORM);
    }
    scan_basic(r, g->username, g->password, &c);
    ac_guard_kind k = AC_GUARD_NONE;
    if (c.id && !strcmp(c.id, g->username)) {
        size_t ulen = r->url ? strcspn(r->url, "?") : 0;
        *token_request = c.grant_type ||
                         (g->token_url && r->url && strlen(g->token_url) == ulen && !strncmp(r->url, g->token_url, ulen));
        bool right = c.secret && !strcmp(c.secret, g->password);
        if (!*token_request) k = AC_GUARD_OTHER;
        else if (!right) k = AC_GUARD_WRONG;
        else k = expects_success ? AC_GUARD_LOGIN : AC_GUARD_OTHER;
        *method = c.method;
    }
    creds_free(&c);
    return k;
}

ac_guard_kind ac_guard_classify(const ac_guard *g, const ac_built_req *r, bool expects_success, bool *token_request)
{
    unsigned method;
    return classify(g, r, expects_success, token_request, &method);
}

/* ---- the gate ------------------------------------------------------------------------------- */

int ac_guard_enter(ac_guard *g, const ac_built_req *r, bool expects_success, ac_guard_ticket *t, char **why)
{
    memset(t, 0, sizeof *t);
    *why = NULL;
    t->kind = classify(g, r, expects_success, &t->token_request, &t->method);
    if (t->kind == AC_GUARD_NONE) return 0;
    int rc = 0;
    pthread_mutex_lock(&g->mu);
    while (g->state == ST_IN_FLIGHT) pthread_cond_wait(&g->cv, &g->mu);
    if (g->state == ST_REFUSED) {
        *why = ac_sprintf("not sent: %s", g->refused);
        rc = -1;
    } else if (t->kind == AC_GUARD_WRONG) {
        if (g->state != ST_OK) {
            *why = ac_strdup("not sent: a wrong secret for the configured account is sent only after a "
                             "successful login in this run, and none has succeeded yet (give the test a "
                             "control that logs in)");
            rc = -1;
        } else if (g->failed >= AC_GUARD_FAILED_LOGIN_BUDGET) {
            *why = ac_sprintf("not sent: this run already made %d failed logins for the configured account, "
                              "the most it may make", AC_GUARD_FAILED_LOGIN_BUDGET);
            rc = -1;
        } else {
            g->failed++;
        }
    } else if (g->state == ST_UNKNOWN) {
        /* The first request with the right secret is the login the others wait for. */
        g->state = ST_IN_FLIGHT;
        t->first = true;
    }
    pthread_mutex_unlock(&g->mu);
    return rc;
}

/* Answers that refuse the account itself: the password is wrong, the account locked or
 * throttled. Anything else (a 404, a 5xx, a 400 about the request) says nothing about it. */
static bool refuses_account(long status, const char *oauth_error)
{
    if (status == 401 || status == 403 || status == 429) return true;
    return status == 400 && oauth_error &&
           (!strcmp(oauth_error, "invalid_client") || !strcmp(oauth_error, "unauthorized_client"));
}

char *ac_guard_done(ac_guard *g, const ac_guard_ticket *t, long status, const char *oauth_error)
{
    if (!g || t->kind == AC_GUARD_NONE) return NULL;
    char *msg = NULL;
    pthread_mutex_lock(&g->mu);
    /* Once a login has worked one way, the refusal of a login sent another way (HTTP Basic where
     * the form worked) refuses the method, not the account. */
    bool judged = t->token_request && t->kind != AC_GUARD_WRONG &&
                  (g->state != ST_OK || (g->ok_methods & t->method));
    if (t->kind == AC_GUARD_LOGIN && status >= 200 && status < 300) g->ok_methods |= t->method;
    if (judged && g->state != ST_REFUSED && refuses_account(status, oauth_error)) {
        g->state = ST_REFUSED;
        g->refused = oauth_error
            ? ac_sprintf("the configured account's login was refused (%ld %.60s); its credentials are not "
                         "sent again in this run", status, oauth_error)
            : ac_sprintf("the configured account's login was refused (%ld); its credentials are not sent "
                         "again in this run", status);
        msg = ac_strdup(g->refused);
    } else if (t->first) {
        g->state = status >= 200 && status < 300 && t->kind == AC_GUARD_LOGIN ? ST_OK : ST_UNKNOWN;
    } else if (t->kind == AC_GUARD_LOGIN && status >= 200 && status < 300 && g->state == ST_UNKNOWN) {
        g->state = ST_OK;
    }
    if (t->first || msg) pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    return msg;
}

size_t ac_guard_failed_logins(ac_guard *g)
{
    if (!g) return 0;
    pthread_mutex_lock(&g->mu);
    size_t n = g->failed;
    pthread_mutex_unlock(&g->mu);
    return n;
}
