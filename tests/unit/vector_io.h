/* Helpers for unit tests that read reference vectors under tests/vectors/ (see tests/vectors/README.md): whole
 * binary files, and rows of a folder's cases.tsv manifest. Tests run from the repository root. */
#ifndef GNBD_TESTS_VECTOR_IO_H
#define GNBD_TESTS_VECTOR_IO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file into a malloc'd buffer (free it); NULL when it cannot be read. *size gets its length. */
static inline void *vector_load(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    void *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        *size = (size_t)n;
    return buf;
}

/* Loads dir/name; NULL when it cannot be read. */
static inline void *vector_load_in(const char *dir, const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return vector_load(path, size);
}

/* Splits one manifest line in place at its tabs (the trailing newline is dropped); returns the field count,
 * at most max. */
static inline int vector_tsv_split(char *line, char **fields, int max)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *p = line; n < max; p++) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p = '\0';
    }
    return n;
}

/* Opens dir/cases.tsv positioned after its header row; NULL when absent. */
static inline FILE *vector_manifest_open(const char *dir)
{
    char path[512], header[4096];
    snprintf(path, sizeof path, "%s/cases.tsv", dir);
    FILE *f = fopen(path, "r");
    if (f && !fgets(header, sizeof header, f)) {
        fclose(f);
        f = NULL;
    }
    return f;
}

#endif
