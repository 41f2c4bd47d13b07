/* Secret redaction: a process-wide registry of secrets and the matcher that removes every
 * registered secret, in every encoded form, from text before it reaches any output.
 *
 * Two scopes. Run-wide secrets (configured variables, secret captures, anything derived from
 * them, tokens a server issued) live in the registry below and are redacted in every output of
 * every test. A literal written in a case file is a secret only inside the test that sent it:
 * it lives in the test scope of the worker thread running that test (ac_redact_test_begin), which
 * every ac_redact() on that thread consults too. A test runs, and its results are redacted, on
 * one thread (execute/test_run.c), so under -j N one test's literals never touch another test's output.
 *
 * Design: registering a secret computes its search patterns once (raw, percent-encoded,
 * JSON-escaped, base64/base64url at three alignments). ac_redact() works on an immutable,
 * reference-counted snapshot of all patterns, indexed by their first two bytes, so redacting
 * runs concurrently in every worker thread and only takes the mutex to pick up the snapshot. A
 * snapshot is rebuilt lazily, on the first redaction after a registration, so a response that
 * registers five tokens at once costs one rebuild. */
#include "redact.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Secrets shorter than this are only redacted where they stand whole (see redact.h). */
#define RD_MIN_SUBSTRING 8
/* No fragment of a secret this long may remain (DESIGN 6): every window of this many bytes of a
 * longer secret is a pattern too, so a secret that reaches an output cut, or altered elsewhere
 * (a server that turned its '+' into a space), still loses every run of RD_WINDOW or more of
 * its bytes. Overlapping window matches merge, so the whole surviving run goes. */
#define RD_WINDOW 20
/* Windows are made for secrets up to this long (a token, a password); a longer one is still
 * found whole and in every encoded form. Bounds the patterns per secret. */
#define RD_WINDOW_MAX_SECRET 8192
/* Two-byte prefix buckets. */
#define RD_BUCKETS 65536

typedef struct rd_pattern {
    unsigned char *bytes;   /* owned by the secret */
    size_t len;
} rd_pattern;

/* One registered secret. Shared between the registry and snapshots: freed when the last
 * reference goes (refs is only touched with the registry mutex held). */
typedef struct rd_secret {
    unsigned char *raw;
    size_t len;
    char marker[32];
    rd_pattern *pats;       /* empty for short secrets */
    size_t n_pats;
    unsigned refs;
} rd_secret;

typedef struct rd_entry {
    const unsigned char *bytes;
    size_t len;
    const rd_secret *sec;
} rd_entry;

/* An immutable view of the registry at one moment. */
typedef struct rd_snapshot {
    unsigned refs;              /* the registry's (while current) + one per ac_redact() in use */
    rd_secret **secrets;        /* a reference held on each */
    size_t n_secrets;
    rd_entry *entries;          /* sorted by two-byte prefix, then longest first */
    size_t n_entries;
    uint32_t *bucket;           /* RD_BUCKETS + 1 offsets into entries, or NULL when empty */
} rd_snapshot;

static struct {
    pthread_mutex_t lock;
    rd_secret **secrets;
    size_t n, cap;
    rd_snapshot *current;       /* NULL until the first redaction, or after a change */
    /* The last snapshot built (a reference held): the next one merges into its sorted patterns
     * only the secrets added since (a run registers a token per response, and every secret
     * brings hundreds of window patterns: re-sorting everything each time was the run's largest
     * cost). */
    rd_snapshot *last;
} reg = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The calling thread's test scope (ac_redact_test_begin): the literals of the case file that the
 * test running on this thread sent. Only this thread reads or writes it, so it needs no lock;
 * its secrets are never in the registry or a snapshot. */
typedef struct rd_local {
    rd_secret **secrets;        /* every literal, short ones too (ac_redact_is_test_literal) */
    size_t n, cap;
    rd_entry *entries;          /* the patterns of the >= RD_MIN_SUBSTRING ones, sorted like a
                                 * snapshot's (entry_cmp) */
    size_t n_entries;
} rd_local;

static _Thread_local rd_local *tl_scope;

/* ---- patterns ---------------------------------------------------------------------------- */

static void secret_add_pattern(rd_secret *s, const void *bytes, size_t len)
{
    if (len < RD_MIN_SUBSTRING) return;
    for (size_t i = 0; i < s->n_pats; i++)
        if (s->pats[i].len == len && memcmp(s->pats[i].bytes, bytes, len) == 0) return;
    s->pats = ac_realloc(s->pats, (s->n_pats + 1) * sizeof *s->pats);
    s->pats[s->n_pats].bytes = (unsigned char *)ac_strndup(bytes, len);
    s->pats[s->n_pats].len = len;
    s->n_pats++;
}

static bool url_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* Percent-encoding as different encoders do it: hex case, and '+' for space (forms). */
static void add_percent_forms(rd_secret *s)
{
    static const char *const hexes[2] = { "0123456789ABCDEF", "0123456789abcdef" };
    bool has_space = memchr(s->raw, ' ', s->len) != NULL;
    for (int h = 0; h < 2; h++) {
        for (int plus = 0; plus <= (has_space ? 1 : 0); plus++) {
            ac_buf b;
            ac_buf_init(&b);
            for (size_t i = 0; i < s->len; i++) {
                unsigned char c = s->raw[i];
                if (url_unreserved(c)) ac_buf_putc(&b, (char)c);
                else if (c == ' ' && plus) ac_buf_putc(&b, '+');
                else {
                    ac_buf_putc(&b, '%');
                    ac_buf_putc(&b, hexes[h][c >> 4]);
                    ac_buf_putc(&b, hexes[h][c & 15]);
                }
            }
            secret_add_pattern(s, b.data, b.len);
            ac_buf_free(&b);
        }
    }
}

/* Decodes one UTF-8 sequence at s[*i]; returns the code point or -1 when invalid. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || *i + len > n) return -1;
    long cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (s[*i + k] & 0x3F);
    }
    *i += len;
    return cp;
}

/* JSON string escaping as serializers write it: the minimal form (cJSON, most servers), with
 * "\/" (some Java and PHP serializers), and ASCII-only "\uXXXX" (Python's default). */
static void add_json_forms(rd_secret *s)
{
    bool has_slash = memchr(s->raw, '/', s->len) != NULL;
    bool has_high = false;
    for (size_t i = 0; i < s->len; i++) has_high |= s->raw[i] >= 0x80;
    for (int variant = 0; variant < 3; variant++) {
        if ((variant == 1 && !has_slash) || (variant == 2 && !has_high)) continue;
        ac_buf b;
        ac_buf_init(&b);
        size_t i = 0;
        bool ok = true;
        while (i < s->len) {
            unsigned char c = s->raw[i];
            if (variant == 2 && c >= 0x80) {
                long cp = utf8_next(s->raw, s->len, &i);
                if (cp < 0) { ok = false; break; }
                if (cp >= 0x10000) {
                    cp -= 0x10000;
                    ac_buf_printf(&b, "\\u%04lx\\u%04lx", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
                } else {
                    ac_buf_printf(&b, "\\u%04lx", cp);
                }
                continue;
            }
            i++;
            switch (c) {
            case '"': ac_buf_puts(&b, "\\\""); break;
            case '\\': ac_buf_puts(&b, "\\\\"); break;
            case '\b': ac_buf_puts(&b, "\\b"); break;
            case '\f': ac_buf_puts(&b, "\\f"); break;
            case '\n': ac_buf_puts(&b, "\\n"); break;
            case '\r': ac_buf_puts(&b, "\\r"); break;
            case '\t': ac_buf_puts(&b, "\\t"); break;
            case '/':
                ac_buf_puts(&b, variant >= 1 ? "\\/" : "/");
                break;
            default:
                if (c < 0x20) ac_buf_printf(&b, "\\u%04x", c);
                else ac_buf_putc(&b, (char)c);
            }
        }
        if (ok) secret_add_pattern(s, b.data, b.len);
        ac_buf_free(&b);
    }
}

/* Base64 of the secret as it appears inside a longer encoded value ("Basic base64(user:pw)"):
 * the secret may start at any of the three byte positions of a base64 group. Encoding k filler
 * bytes followed by the secret and dropping the characters that mix in filler bits (at the
 * front) or whatever follows the secret (the last partial character) leaves a core that appears
 * verbatim in every encoding of a text containing the secret at that alignment. */
static void add_base64_forms(rd_secret *s)
{
    unsigned char *buf = ac_malloc(s->len + 2);
    for (size_t k = 0; k < 3; k++) {
        memset(buf, 'x', k);
        memcpy(buf + k, s->raw, s->len);
        size_t bits = 8 * (k + s->len);
        size_t start = (8 * k + 5) / 6;          /* first character made only of secret bits */
        size_t end = bits / 6;                   /* one past the last complete character */
        if (end <= start || end - start < RD_MIN_SUBSTRING) continue;
        char *std = ac_base64_encode(buf, k + s->len);
        char *url = ac_base64url_encode(buf, k + s->len);
        secret_add_pattern(s, std + start, end - start);
        secret_add_pattern(s, url + start, end - start);
        free(std);
        free(url);
    }
    free(buf);
}

/* Every RD_WINDOW-byte window of the raw secret (see RD_WINDOW). No duplicate search: windows of
 * one secret rarely repeat, and a repeated one only costs a redundant entry. */
static void add_windows(rd_secret *s)
{
    if (s->len <= RD_WINDOW || s->len > RD_WINDOW_MAX_SECRET) return;
    size_t n = s->len - RD_WINDOW + 1;
    s->pats = ac_realloc(s->pats, (s->n_pats + n) * sizeof *s->pats);
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && memcmp(s->raw + k, s->raw + k - 1, RD_WINDOW) == 0) continue;   /* "aaaa..." */
        s->pats[s->n_pats].bytes = (unsigned char *)ac_strndup((const char *)s->raw + k, RD_WINDOW);
        s->pats[s->n_pats].len = RD_WINDOW;
        s->n_pats++;
    }
}

static void make_marker(const void *secret, size_t len, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(secret, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len < 2) {
        /* Never fall back to anything derived from the secret without a hash. */
        memcpy(out, "[redacted]", sizeof "[redacted]");
        return;
    }
    snprintf(out, 32, "[redacted:%02x%02x]", md[0], md[1]);
}

static rd_secret *secret_new(const char *raw, size_t len)
{
    rd_secret *s = ac_calloc(1, sizeof *s);
    s->raw = (unsigned char *)ac_strndup(raw, len);
    s->len = len;
    make_marker(raw, len, s->marker);
    if (len >= RD_MIN_SUBSTRING) {
        secret_add_pattern(s, raw, len);
        add_percent_forms(s);
        add_json_forms(s);
        add_base64_forms(s);
        add_windows(s);
    }
    return s;
}

/* Caller holds the lock. */
static void secret_unref(rd_secret *s)
{
    if (!s || --s->refs > 0) return;
    for (size_t i = 0; i < s->n_pats; i++) free(s->pats[i].bytes);
    free(s->pats);
    free(s->raw);
    free(s);
}

/* ---- snapshots --------------------------------------------------------------------------- */

static unsigned key2(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

static int entry_cmp(const void *a, const void *b)
{
    const rd_entry *x = a, *y = b;
    unsigned kx = key2(x->bytes), ky = key2(y->bytes);
    if (kx != ky) return kx < ky ? -1 : 1;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;   /* longest first */
    return 0;
}

/* Caller holds the lock. */
static rd_snapshot *snapshot_build(void)
{
    rd_snapshot *snap = ac_calloc(1, sizeof *snap);
    snap->refs = 1;   /* the registry's */
    snap->secrets = ac_malloc((reg.n ? reg.n : 1) * sizeof *snap->secrets);
    size_t n_entries = 0;
    for (size_t i = 0; i < reg.n; i++) {
        snap->secrets[i] = reg.secrets[i];
        reg.secrets[i]->refs++;
        n_entries += reg.secrets[i]->n_pats;
    }
    snap->n_secrets = reg.n;
    if (n_entries == 0) return snap;
    /* The new secrets' patterns, sorted, merged with the registry's sorted patterns (stable:
     * equal keys keep the older secret first, as one sort of everything would not promise
     * either; any order of equal-length patterns with the same prefix finds the same spans). */
    const rd_snapshot *prev = reg.last;
    size_t n_old = prev ? prev->n_entries : 0, first_new = prev ? prev->n_secrets : 0;
    size_t n_new = n_entries - n_old;
    rd_entry *fresh = ac_malloc((n_new ? n_new : 1) * sizeof *fresh);
    size_t k = 0;
    for (size_t i = first_new; i < reg.n; i++)
        for (size_t p = 0; p < reg.secrets[i]->n_pats; p++)
            fresh[k++] = (rd_entry){ reg.secrets[i]->pats[p].bytes, reg.secrets[i]->pats[p].len, reg.secrets[i] };
    qsort(fresh, n_new, sizeof *fresh, entry_cmp);
    rd_entry *merged = ac_malloc(n_entries * sizeof *merged);
    size_t a = 0, b = 0, o = 0;
    while (a < n_old || b < n_new) {
        if (b == n_new || (a < n_old && entry_cmp(&prev->entries[a], &fresh[b]) <= 0))
            merged[o++] = prev->entries[a++];
        else
            merged[o++] = fresh[b++];
    }
    free(fresh);
    snap->entries = merged;
    snap->n_entries = n_entries;
    /* bucket[k] = the first entry whose two-byte prefix is >= k (entries are sorted by it). */
    snap->bucket = ac_malloc((RD_BUCKETS + 1) * sizeof *snap->bucket);
    size_t e = 0;
    for (size_t key = 0; key <= RD_BUCKETS; key++) {
        while (e < n_entries && key2(merged[e].bytes) < key) e++;
        snap->bucket[key] = (uint32_t)e;
    }
    return snap;
}

/* Caller holds the lock. */
static void snapshot_unref(rd_snapshot *snap)
{
    if (!snap || --snap->refs > 0) return;
    for (size_t i = 0; i < snap->n_secrets; i++) secret_unref(snap->secrets[i]);
    free(snap->secrets);
    free(snap->entries);
    free(snap->bucket);
    free(snap);
}

static rd_snapshot *snapshot_acquire(void)
{
    pthread_mutex_lock(&reg.lock);
    if (!reg.current) {
        reg.current = snapshot_build();
        snapshot_unref(reg.last);
        reg.last = reg.current;
        reg.last->refs++;
    }
    rd_snapshot *snap = reg.current;
    snap->refs++;
    pthread_mutex_unlock(&reg.lock);
    return snap;
}

static void snapshot_release(rd_snapshot *snap)
{
    pthread_mutex_lock(&reg.lock);
    snapshot_unref(snap);
    pthread_mutex_unlock(&reg.lock);
}

/* ---- public API -------------------------------------------------------------------------- */

void ac_redact_add(const char *secret, size_t len)
{
    if (!secret || len == 0) return;
    pthread_mutex_lock(&reg.lock);
    for (size_t i = 0; i < reg.n; i++) {
        if (reg.secrets[i]->len == len && memcmp(reg.secrets[i]->raw, secret, len) == 0) {
            pthread_mutex_unlock(&reg.lock);
            return;
        }
    }
    pthread_mutex_unlock(&reg.lock);

    /* Computing the patterns (hashing, encoding) happens outside the lock. */
    rd_secret *s = secret_new(secret, len);
    s->refs = 1;

    pthread_mutex_lock(&reg.lock);
    for (size_t i = 0; i < reg.n; i++) {   /* another thread may have added it meanwhile */
        if (reg.secrets[i]->len == len && memcmp(reg.secrets[i]->raw, secret, len) == 0) {
            secret_unref(s);
            pthread_mutex_unlock(&reg.lock);
            return;
        }
    }
    if (reg.n == reg.cap) {
        reg.cap = reg.cap ? reg.cap * 2 : 16;
        reg.secrets = ac_realloc(reg.secrets, reg.cap * sizeof *reg.secrets);
    }
    reg.secrets[reg.n++] = s;
    snapshot_unref(reg.current);
    reg.current = NULL;
    pthread_mutex_unlock(&reg.lock);
}

static void local_free(rd_local *loc)
{
    if (!loc) return;
    for (size_t i = 0; i < loc->n; i++) {
        loc->secrets[i]->refs = 1;
        secret_unref(loc->secrets[i]);   /* never shared: no lock needed */
    }
    free(loc->secrets);
    free(loc->entries);
    free(loc);
}

void ac_redact_test_begin(void)
{
    local_free(tl_scope);
    tl_scope = ac_calloc(1, sizeof *tl_scope);
}

void ac_redact_test_end(void)
{
    local_free(tl_scope);
    tl_scope = NULL;
}

void ac_redact_add_literal(const char *literal, size_t len)
{
    if (!literal || len == 0) return;
    rd_local *loc = tl_scope;
    if (!loc) {
        /* Not inside a test (a caller outside the executor): the safe side for a long one. */
        if (len >= RD_MIN_SUBSTRING) ac_redact_add(literal, len);
        return;
    }
    for (size_t i = 0; i < loc->n; i++)
        if (loc->secrets[i]->len == len && memcmp(loc->secrets[i]->raw, literal, len) == 0) return;
    rd_secret *sec = secret_new(literal, len);   /* no patterns when short */
    sec->refs = 1;
    if (loc->n == loc->cap) {
        loc->cap = loc->cap ? loc->cap * 2 : 8;
        loc->secrets = ac_realloc(loc->secrets, loc->cap * sizeof *loc->secrets);
    }
    loc->secrets[loc->n++] = sec;
    if (sec->n_pats == 0) return;
    loc->entries = ac_realloc(loc->entries, (loc->n_entries + sec->n_pats) * sizeof *loc->entries);
    for (size_t p = 0; p < sec->n_pats; p++)
        loc->entries[loc->n_entries++] = (rd_entry){ sec->pats[p].bytes, sec->pats[p].len, sec };
    qsort(loc->entries, loc->n_entries, sizeof *loc->entries, entry_cmp);
}

bool ac_redact_is_test_literal(const char *value, size_t len)
{
    const rd_local *loc = tl_scope;
    for (size_t i = 0; loc && value && i < loc->n; i++)
        if (loc->secrets[i]->len == len && memcmp(loc->secrets[i]->raw, value, len) == 0) return true;
    return false;
}

void ac_redact_add_from_server(const char *value, size_t len)
{
    if (!value || len == 0) return;
    /* A short literal of the case file that the server echoed ("*" sent as client_secret and
     * returned) is no secret of the server's: registering it run-wide would blank every later
     * occurrence of "*" in evidence. */
    if (len < RD_MIN_SUBSTRING && ac_redact_is_test_literal(value, len)) return;
    ac_redact_add(value, len);
}

void ac_redact_reset(void)
{
    pthread_mutex_lock(&reg.lock);
    snapshot_unref(reg.current);
    reg.current = NULL;
    for (size_t i = 0; i < reg.n; i++) secret_unref(reg.secrets[i]);
    free(reg.secrets);
    reg.secrets = NULL;
    reg.n = reg.cap = 0;
    snapshot_unref(reg.last);
    reg.last = NULL;
    pthread_mutex_unlock(&reg.lock);
}

typedef struct rd_match { size_t start, end; const rd_secret *sec; } rd_match;

/* The longest pattern of the thread's test scope that starts at t (avail bytes), or NULL. */
static const rd_entry *local_match(const rd_local *loc, const unsigned char *t, size_t avail)
{
    unsigned k = key2(t);
    size_t lo = 0, hi = loc->n_entries;
    while (lo < hi) {   /* the first entry whose prefix is >= k */
        size_t mid = lo + (hi - lo) / 2;
        if (key2(loc->entries[mid].bytes) < k) lo = mid + 1;
        else hi = mid;
    }
    for (size_t e = lo; e < loc->n_entries && key2(loc->entries[e].bytes) == k; e++) {
        const rd_entry *en = &loc->entries[e];
        if (en->len <= avail && memcmp(t, en->bytes, en->len) == 0) return en;
    }
    return NULL;
}

char *ac_redact(const char *s, size_t len, size_t *out_len)
{
    if (!s) s = "";
    rd_snapshot *snap = snapshot_acquire();
    const unsigned char *t = (const unsigned char *)s;

    /* Find, at every position, the longest pattern starting there; keep it unless a previous
     * match already covers it entirely. Overlapping matches of different secrets are all
     * kept, so the union of their spans is removed and no fragment of either survives. */
    rd_match *m = NULL;
    size_t n_m = 0, cap_m = 0, covered = 0;
    const rd_local *loc = tl_scope;
    size_t n_local = loc ? loc->n_entries : 0;
    if (snap->n_entries > 0 || n_local > 0) {
        for (size_t i = 0; i + RD_MIN_SUBSTRING <= len; i++) {
            const rd_entry *best = NULL;
            if (snap->n_entries > 0) {
                unsigned k = key2(t + i);
                for (uint32_t e = snap->bucket[k]; e < snap->bucket[k + 1]; e++) {
                    const rd_entry *en = &snap->entries[e];
                    if (en->len > len - i || memcmp(t + i, en->bytes, en->len) != 0) continue;
                    best = en;   /* the longest: entries of a prefix are sorted longest first */
                    break;
                }
            }
            if (n_local) {
                const rd_entry *en = local_match(loc, t + i, len - i);
                if (en && (!best || en->len > best->len)) best = en;
            }
            if (best && i + best->len > covered) {
                if (n_m == cap_m) {
                    cap_m = cap_m ? cap_m * 2 : 8;
                    m = ac_realloc(m, cap_m * sizeof *m);
                }
                m[n_m++] = (rd_match){ i, i + best->len, best->sec };
                covered = i + best->len;
            }
        }
    }

    ac_buf out;
    ac_buf_init(&out);
    size_t pos = 0;
    for (size_t i = 0; i < n_m;) {
        size_t region_end = m[i].end;
        ac_buf_append(&out, s + pos, m[i].start - pos);
        const rd_secret *last = NULL;
        for (; i < n_m && m[i].start < region_end; i++) {
            if (m[i].sec != last) ac_buf_puts(&out, m[i].sec->marker);
            last = m[i].sec;
            if (m[i].end > region_end) region_end = m[i].end;
        }
        pos = region_end;
    }
    ac_buf_append(&out, s + pos, len - pos);
    free(m);
    snapshot_release(snap);

    if (out_len) *out_len = out.len;
    if (!out.data) return ac_strdup("");
    return ac_buf_steal(&out);
}

char *ac_redact_whole(const char *value, size_t len)
{
    if (!value) value = "";
    rd_snapshot *snap = snapshot_acquire();
    char *whole = NULL;
    for (size_t i = 0; i < snap->n_secrets && !whole; i++)
        if (len > 0 && snap->secrets[i]->len == len && memcmp(snap->secrets[i]->raw, value, len) == 0)
            whole = ac_strdup(snap->secrets[i]->marker);
    snapshot_release(snap);
    /* A test's literals only when long enough to be secrets there (see ac_redact_add_literal). */
    const rd_local *loc = tl_scope;
    for (size_t i = 0; loc && i < loc->n && !whole; i++)
        if (len >= RD_MIN_SUBSTRING && loc->secrets[i]->len == len && memcmp(loc->secrets[i]->raw, value, len) == 0)
            whole = ac_strdup(loc->secrets[i]->marker);
    return whole ? whole : ac_redact(value, len, NULL);
}

bool ac_redact_is_secret_key(const char *name)
{
    static const char *const keys[] = { "access_token", "refresh_token", "id_token", "client_secret",
                                        "password", NULL };
    if (!name) return false;
    for (size_t i = 0; keys[i]; i++)
        if (strcasecmp(name, keys[i]) == 0) return true;
    return false;
}

void ac_redact_scan_json(const cJSON *root)
{
    if (!root) return;
    for (const cJSON *c = root->child; c; c = c->next) {
        if (cJSON_IsString(c) && c->string && c->valuestring && ac_redact_is_secret_key(c->string))
            ac_redact_add_from_server(c->valuestring, strlen(c->valuestring));
        if (cJSON_IsObject(c) || cJSON_IsArray(c)) ac_redact_scan_json(c);
    }
}

char *ac_redact_marker(const char *secret, size_t len)
{
    char m[32];
    make_marker(secret ? secret : "", len, m);
    return ac_strdup(m);
}
