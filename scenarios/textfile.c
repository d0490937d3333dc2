#include "scenarios/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *textfile_read(const char *path, long max_bytes, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len <= max_bytes &&
        fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1)) != NULL &&
        fread(text, 1, (size_t)len, f) == (size_t)len) {
        text[len] = '\0';
    } else {
        free(text);
        text = NULL;
        snprintf(err, errlen, "%s: cannot read (not a regular file, or larger than %ld bytes)",
                 path, max_bytes);
    }
    fclose(f);
    if (text && strlen(text) != (size_t)len) {
        free(text);
        snprintf(err, errlen, "%s: contains a NUL byte; expected text", path);
        return NULL;
    }
    return text;
}
