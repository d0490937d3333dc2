/* outfile.h -- output files written to a temporary name and renamed into
 * place on commit, so an interrupted run never leaves a half-written file. */
#ifndef CLI_OUTFILE_H
#define CLI_OUTFILE_H

#include <stdio.h>

typedef struct {
    FILE *f;
    char  path[4096], tmp[4096];
} outfile;

/* outfile_mkdirs: create dir and its parents and check that files can be
 * made in it; 0 or -1 with errno. */
int outfile_mkdirs(const char *dir);

/* outfile_open: start DIR/NAME as a hidden temporary in DIR. 0, or -1 with a
 * message in err. */
int outfile_open(outfile *o, const char *dir, const char *name, char *err, size_t errlen);

/* outfile_commit: flush, close and rename into place; 0, or -1 with err (the
 * temporary is removed). outfile_abort: close and remove the temporary. */
int  outfile_commit(outfile *o, char *err, size_t errlen);
void outfile_abort(outfile *o);

#endif
