/* b64: base64url without padding (JWT segments) and standard base64 (HTTP Basic credentials). */
#include "b64.h"

#include <stdlib.h>
#include <string.h>

static const char url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of c in the given alphabet variant, or -1. */
static int sextet(unsigned char c, bool url)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == (url ? '-' : '+'))
    return 62;
  if (c == (url ? '_' : '/'))
    return 63;
  return -1;
}

bool rs_b64url_alphabet(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (sextet((unsigned char)s[i], true) < 0)
      return false;
  }
  return true;
}

char *rs_b64url_encode(const unsigned char *data, size_t len)
{
  char *out = malloc(len / 3 * 4 + 5);
  if (!out)
    return NULL;
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8 | data[i + 2];
    out[o++] = url_alphabet[v >> 18 & 63];
    out[o++] = url_alphabet[v >> 12 & 63];
    out[o++] = url_alphabet[v >> 6 & 63];
    out[o++] = url_alphabet[v & 63];
  }
  if (len - i == 1) {
    unsigned long v = (unsigned long)data[i] << 16;
    out[o++] = url_alphabet[v >> 18 & 63];
    out[o++] = url_alphabet[v >> 12 & 63];
  } else if (len - i == 2) {
    unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8;
    out[o++] = url_alphabet[v >> 18 & 63];
    out[o++] = url_alphabet[v >> 12 & 63];
    out[o++] = url_alphabet[v >> 6 & 63];
  }
  out[o] = '\0';
  return out;
}

/* Shared strict decoder for len characters without padding. */
static int decode_unpadded(const char *s, size_t len, bool url, unsigned char **out,
                           size_t *out_len)
{
  if (len % 4 == 1)
    return -1;
  unsigned char *buf = malloc(len / 4 * 3 + 3);
  if (!buf)
    return -1;
  size_t o = 0;
  unsigned long acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = sextet((unsigned char)s[i], url);
    if (v < 0) {
      free(buf);
      return -1;
    }
    acc = (acc << 6 | (unsigned long)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf[o++] = (unsigned char)(acc >> bits & 0xff);
    }
  }
  /* Leftover bits must be zero: otherwise two encodings would decode to the same bytes and an
   * altered token could pass. */
  if (bits > 0 && (acc & ((1UL << bits) - 1)) != 0) {
    free(buf);
    return -1;
  }
  buf[o] = '\0';
  *out = buf;
  *out_len = o;
  return 0;
}

int rs_b64url_decode(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
  return decode_unpadded(s, len, true, out, out_len);
}

int rs_b64std_decode(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
  if (len % 4 != 0)
    return -1;
  size_t pad = 0;
  while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
    pad++;
  return decode_unpadded(s, len - pad, false, out, out_len);
}
