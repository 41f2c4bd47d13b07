/* form: application/x-www-form-urlencoded parsing (RFC 6749 appendix B) and UTF-8 validation. */
#include "form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool rs_utf8_valid(const char *str, size_t len)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    size_t n;
    unsigned long cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (len - i <= n)
      return false;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

rs_form_status rs_form_decode(const char *in, size_t len, bool plus_is_space, bool nul_ends_value,
                              char **out)
{
  char *buf = malloc(len + 1);
  if (!buf)
    return FORM_NOMEM;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = in[i];
    if (c == '%') {
      /* "%" must be followed by two hex digits; "%ZZ" and a trailing "%" are refused. */
      if (len - i < 3 || hexval((unsigned char)in[i + 1]) < 0 ||
          hexval((unsigned char)in[i + 2]) < 0) {
        free(buf);
        return FORM_BAD_ENCODING;
      }
      c = (char)(hexval((unsigned char)in[i + 1]) << 4 | hexval((unsigned char)in[i + 2]));
      i += 2;
      /* A NUL would silently cut the value short in every C string that follows. */
      if (c == '\0' && !nul_ends_value) {
        free(buf);
        return FORM_BAD_ENCODING;
      }
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (c == '\0') {
      free(buf);
      return FORM_BAD_ENCODING;
    }
    buf[o++] = c;
  }
  buf[o] = '\0';
  if (!rs_utf8_valid(buf, o)) {
    free(buf);
    return FORM_BAD_ENCODING;
  }
  *out = buf;
  return FORM_OK;
}

const char *rs_form_get(const rs_form *f, const char *name)
{
  for (size_t i = 0; i < f->n; i++) {
    if (strcmp(f->params[i].name, name) == 0)
      return f->params[i].value;
  }
  return NULL;
}

/* Takes ownership of name and value in every case. */
static rs_form_status form_push(rs_form *f, char *name, char *value)
{
  rs_form_param *grown = realloc(f->params, (f->n + 1) * sizeof *grown);
  if (!grown) {
    free(name);
    free(value);
    return FORM_NOMEM;
  }
  f->params = grown;
  f->params[f->n].name = name;
  f->params[f->n].value = value;
  f->n++;
  return FORM_OK;
}

int rs_form_add(rs_form *f, const char *name, const char *value)
{
  char *n = strdup(name);
  char *v = strdup(value);
  if (!n || !v) {
    free(n);
    free(v);
    return -1;
  }
  return form_push(f, n, v) == FORM_OK ? 0 : -1;
}

rs_form_status rs_form_parse(const char *data, size_t len, bool nul_ends_value, rs_form *out)
{
  size_t pos = 0;
  while (pos < len) {
    const char *pair = data + pos;
    const char *amp = memchr(pair, '&', len - pos);
    size_t plen = amp ? (size_t)(amp - pair) : len - pos;
    pos += plen + 1;
    if (plen == 0)
      continue;
    const char *eq = memchr(pair, '=', plen);
    size_t nlen = eq ? (size_t)(eq - pair) : plen;
    char *name = NULL, *value = NULL;
    rs_form_status st = rs_form_decode(pair, nlen, true, nul_ends_value, &name);
    if (st != FORM_OK)
      return st;
    st = eq ? rs_form_decode(eq + 1, plen - nlen - 1, true, nul_ends_value, &value)
            : rs_form_decode("", 0, true, false, &value);
    if (st != FORM_OK) {
      free(name);
      return st;
    }
    if (rs_form_get(out, name)) {
      free(name);
      free(value);
      return FORM_DUPLICATE;
    }
    st = form_push(out, name, value);
    if (st != FORM_OK)
      return st;
  }
  return FORM_OK;
}

void rs_form_free(rs_form *f)
{
  if (!f)
    return;
  for (size_t i = 0; i < f->n; i++) {
    free(f->params[i].name);
    free(f->params[i].value);
  }
  free(f->params);
  f->params = NULL;
  f->n = 0;
}

bool rs_form_bad_escape(const char *data, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '%' &&
        (len - i < 3 || hexval((unsigned char)data[i + 1]) < 0 ||
         hexval((unsigned char)data[i + 2]) < 0))
      return true;
  }
  return false;
}

bool rs_form_media_type_is(const char *ct, const char *type)
{
  size_t n = strlen(type);
  ct += strspn(ct, " ");
  return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}
