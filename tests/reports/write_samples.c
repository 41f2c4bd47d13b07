/* Writes the sample reports (TAP 14, TAP 13, JUnit, console; a full run and a bail-out) into a
 * directory, for validate.sh to check with the real consumers (xmllint, prove, tap-parser).
 * Usage: write_samples OUTDIR. Exit 0, or 1 with a message on stderr. */
#include <stdio.h>
#include <stdlib.h>

#include "samples.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < SAMPLE_N_FILES; i++) {
        char *err = NULL;
        if (samples_write_file(argv[1], &SAMPLE_FILES[i], &err) != 0) {
            fprintf(stderr, "write_samples: %s\n", err ? err : "failed");
            free(err);
            return 1;
        }
    }
    return 0;
}
