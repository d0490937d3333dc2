/* textfile.h -- reading a whole text file (a scenario, a profile, a
 * correction) with a size limit and one clear message on failure. */
#ifndef SCENARIOS_TEXTFILE_H
#define SCENARIOS_TEXTFILE_H

#include <stddef.h>

/* textfile_read: the contents of path, NUL-terminated, in memory the caller
 * frees; at most max_bytes. NULL with a message "PATH: why" in err when it
 * cannot be opened or read, is larger, or holds a NUL byte. */
char *textfile_read(const char *path, long max_bytes, char *err, size_t errlen);

#endif
