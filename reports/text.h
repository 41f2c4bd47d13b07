/* Escaping for the report formats: TAP descriptions, YAML scalars and XML, on top of
 * ac_text_visible (report.h), which every string from a server passes through first.
 *
 * Ownership: functions returning char * return a string the caller frees; functions taking an
 * ac_buf append to it. A NULL input is treated as "". */
#ifndef AC_REPORT_TEXT_H
#define AC_REPORT_TEXT_H

#include <stddef.h>
#include "basics.h"

/* ac_text_visible of a NUL-terminated string (NULL -> ""). Caller frees. */
char *ac_text_visible_str(const char *s);

/* A TAP description or directive reason: visible, then `\` -> `\\`, `#` -> `\#`, and newline,
 * CR and tab -> one space each (a description is one line). Caller frees. */
char *ac_tap_escape(const char *s);

/* One line for a message attribute or a console line: visible, newline/CR/tab -> space,
 * capped at max_bytes (0: no cap) without splitting a UTF-8 sequence ("..." appended when cut).
 * Caller frees. */
char *ac_text_one_line(const char *s, size_t max_bytes);

/* Appends s as a YAML double-quoted scalar that Perl's TAP::Parser::YAMLish reader reads back:
 * visible, then only the escapes \" \\ \n \t \r. */
void ac_yaml_quoted(ac_buf *b, const char *s);
/* The same for a scalar list item (`- "..."`): a colon followed by a space or the end is written
 * \x3a, because Perl's reader parses `- "word: rest"` as a map and fails. */
void ac_yaml_quoted_item(ac_buf *b, const char *s);

/* Appends `KEY: |` followed by the lines of s, each indented by indent + 2 spaces (empty lines
 * too, because Perl's reader ends a block at a shorter line), as a literal block with clip
 * chomping (never `|-`, which Perl's reader cannot read). Falls back to a double-quoted scalar
 * when a block cannot represent s faithfully (empty, or first line empty or starting with a space or tab,
 * which would need an indentation indicator). CR LF becomes LF; a lone CR becomes the text \r
 * (YAML would read it as a line break). The caller has written `indent` spaces before nothing:
 * this function writes the key line itself, starting with the indentation. */
void ac_yaml_block(ac_buf *b, int indent, const char *key, const char *s);

/* XML 1.0 escaping after ac_text_visible. Text: & < > escaped, CR LF as LF, a lone CR as &#13;
 * (so that it is not normalised away). Attribute: & < > " escaped, and newline, tab and a lone CR
 * as &#10; &#9; &#13; (CR LF as &#10;). */
void ac_xml_text(ac_buf *b, const char *s);
void ac_xml_attr(ac_buf *b, const char *s);

/* Appends s made visible (ac_text_visible) and HTML-escaped for text and attribute values
 * alike; _line makes it one line, capped at max bytes first. */
void ac_html_esc(ac_buf *b, const char *s);
void ac_html_esc_line(ac_buf *b, const char *s, size_t max);

/* Appends n spaces. */
void ac_buf_indent(ac_buf *b, int n);

#endif
