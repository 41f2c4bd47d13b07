/* Small shared helpers: files, clocks, base64, percent-encoding, UTF-8 (allocation, buffers and
 * string lists: result/basics.h, which util.h includes). */
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

char *ac_read_file_capped(const char *path, size_t max, const char *what, size_t *len_out, char **err)
{
    char *e = NULL;
    ac_buf b;
    ac_buf_init(&b);
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        e = ac_sprintf("%s: cannot open: %s", path, strerror(errno));
    } else if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        e = what ? ac_sprintf("%s: is a directory, not %s", path, what) : ac_sprintf("%s: is a directory", path);
    } else {
        char chunk[65536];
        size_t n;
        while (!e && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
            ac_buf_append(&b, chunk, n);
            if (b.len > max)
                e = ac_sprintf("%s: larger than %zu MiB%s%s", path, max >> 20, what ? ": not " : "", what ? what : "");
        }
        if (!e && ferror(f)) e = ac_sprintf("%s: cannot read: %s", path, strerror(errno));
    }
    if (f) fclose(f);
    if (e) {
        ac_buf_free(&b);
        if (err) *err = e;
        else free(e);
        return NULL;
    }
    if (len_out) *len_out = b.len;
    return b.data ? ac_buf_steal(&b) : ac_strdup("");
}

char *ac_read_file(const char *path, size_t *len_out, char **err)
{
    return ac_read_file_capped(path, SIZE_MAX, NULL, len_out, err);
}

double ac_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ac_sleep_ms(double ms)
{
    if (ms <= 0) return;
    struct timespec ts = { (time_t)(ms / 1000.0), (long)((ms - (double)(long long)(ms / 1000.0) * 1000.0) * 1e6) };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64_encode(const void *data, size_t n, const char *alphabet, bool pad)
{
    const unsigned char *s = data;
    char *out = ac_malloc(4 * ((n + 2) / 3) + 1), *o = out;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *o++ = alphabet[v >> 18 & 63];
        *o++ = alphabet[v >> 12 & 63];
        *o++ = alphabet[v >> 6 & 63];
        *o++ = alphabet[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
        *o++ = alphabet[v >> 18 & 63];
        *o++ = alphabet[v >> 12 & 63];
        if (i + 1 < n) *o++ = alphabet[v >> 6 & 63];
        else if (pad) *o++ = '=';
        if (pad) *o++ = '=';
    }
    *o = '\0';
    return out;
}

char *ac_base64_encode(const void *data, size_t n) { return b64_encode(data, n, B64, true); }
char *ac_base64url_encode(const void *data, size_t n) { return b64_encode(data, n, B64URL, false); }

static int b64_value(char c, bool url)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (!url && c == '+') return 62;
    if (!url && c == '/') return 63;
    if (url && c == '-') return 62;
    if (url && c == '_') return 63;
    return -1;
}

static unsigned char *b64_decode(const char *s, size_t *out_len, bool url)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=') n--;
    if (n % 4 == 1) return NULL;
    unsigned char *out = ac_malloc(n * 3 / 4 + 1);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(s[i], url);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    out[o] = '\0';
    if (out_len) *out_len = o;
    return out;
}

unsigned char *ac_base64_decode(const char *s, size_t *out_len) { return b64_decode(s, out_len, false); }
unsigned char *ac_base64url_decode(const char *s, size_t *out_len) { return b64_decode(s, out_len, true); }

char *ac_urlencode(const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = ac_malloc(3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

bool ac_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) { i++; continue; }
        else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        /* Reject overlong forms, surrogates and values beyond U+10FFFF. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += len;
    }
    return true;
}
