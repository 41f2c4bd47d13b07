# embed.cmake: writes OUT, a C file holding the bytes of IN as NAME (const unsigned char[],
# NUL-terminated) and NAME_len (its length without the NUL). Run with cmake -P.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}" "/* Generated from ${IN} by scripts/embed.cmake: do not edit. */\n#include <stddef.h>\nconst unsigned char ${NAME}[] = {${bytes} 0x00};\nconst size_t ${NAME}_len = sizeof ${NAME} - 1;\n")
