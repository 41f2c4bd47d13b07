/* Compiled templates, parsed once per distinct template text and shared by every send and every
 * worker thread: a case's templates are interpolated again for each request, fixture and retry,
 * and parsing them each time was wasted work. */
#include "template_impl.h"

#include <pthread.h>
#include <stdint.h>

/* Bounds on what the cache keeps, so that a stream of ever-new texts (the fuzz target, a huge
 * suite) cannot grow it without end; beyond them a template is parsed for the one use. */
#define CACHE_MAX_ENTRIES 16384u
#define CACHE_MAX_TEXT (64u * 1024)           /* one template's text */
#define CACHE_MAX_BYTES (16u * 1024 * 1024)   /* all the texts kept */

typedef struct entry {
    char *text;          /* owned copy of the key */
    size_t len;
    uint64_t hash;
    tmpl compiled;       /* never changed after insertion: read without the lock */
} entry;

/* Open addressing with linear probing; entries are never removed, so a pointer handed out stays
 * valid until exit. */
static struct {
    pthread_mutex_t lock;
    entry **slots;
    size_t cap, n;
    size_t bytes;        /* text bytes kept */
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t hash_text(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* The slot of text in the table, or the empty slot where it belongs. Caller holds the lock. */
static entry **find_slot(const char *s, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (cache.cap - 1);
    for (;; i = (i + 1) & (cache.cap - 1)) {
        entry *e = cache.slots[i];
        if (!e || (e->hash == h && e->len == len && memcmp(e->text, s, len) == 0)) return &cache.slots[i];
    }
}

static void grow(void)
{
    entry **old = cache.slots;
    size_t old_cap = cache.cap;
    cache.cap = old_cap ? old_cap * 2 : 256;
    cache.slots = ac_calloc(cache.cap, sizeof *cache.slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i]) *find_slot(old[i]->text, old[i]->len, old[i]->hash) = old[i];
    free(old);
}

static const tmpl *lookup(const char *s, size_t len, uint64_t h)
{
    pthread_mutex_lock(&cache.lock);
    entry **slot = cache.cap ? find_slot(s, len, h) : NULL;
    const tmpl *t = slot && *slot ? &(*slot)->compiled : NULL;
    pthread_mutex_unlock(&cache.lock);
    return t;
}

/* Keeps e unless another thread compiled the same text meanwhile (then e is freed and theirs is
 * returned), or the cache is full (NULL: the caller keeps e). */
static const tmpl *insert(entry *e)
{
    const tmpl *t = NULL;
    pthread_mutex_lock(&cache.lock);
    if (cache.n < CACHE_MAX_ENTRIES && cache.bytes + e->len <= CACHE_MAX_BYTES) {
        if ((cache.n + 1) * 2 > cache.cap) grow();
        entry **slot = find_slot(e->text, e->len, e->hash);
        if (!*slot) {
            *slot = e;
            cache.n++;
            cache.bytes += e->len;
            e = NULL;
        }
        t = &(*slot)->compiled;
    }
    pthread_mutex_unlock(&cache.lock);
    if (e && t) {
        ac_tmpl_free(&e->compiled);
        free(e->text);
        free(e);
    }
    return t;
}

const tmpl *ac_tmpl_compile(const char *s, size_t len, tmpl *scratch, char **err)
{
    if (!s) s = "", len = 0;
    uint64_t h = hash_text(s, len);
    const tmpl *t = len <= CACHE_MAX_TEXT ? lookup(s, len, h) : NULL;
    if (t) return t;
    /* Parsed outside the lock: a syntax error is not cached (it is reported once and ends the
     * case), and other threads are not held up by a long template. */
    if (ac_tmpl_parse(s, len, scratch, err) < 0) return NULL;
    if (len > CACHE_MAX_TEXT) return scratch;
    entry *e = ac_malloc(sizeof *e);
    *e = (entry){ .text = ac_strndup(s, len), .len = len, .hash = h, .compiled = *scratch };
    t = insert(e);
    if (t) {
        *scratch = (tmpl){ 0 };
        return t;
    }
    free(e->text);   /* the cache is full: the caller keeps the parse, now in scratch */
    free(e);
    return scratch;
}

void ac_tmpl_release(const tmpl *t, tmpl *scratch)
{
    if (t == scratch) ac_tmpl_free(scratch);
}
