/* Loader for the 3GPP tables typed in as test data under tests/vectors/spec_tables/ (see tests/vectors/README.md):
 * the tables gnbd implements are checked against these, never against themselves.
 *
 * File format: UTF-8 text, '#' lines are comments (the first ones name the table and the release), the first other
 * line holds the column names, every further line one row; fields are separated by tabs. A field "-" means "not
 * applicable" (Reserved rows, a column the row does not have); lists inside a field are comma separated ("1,6").
 * Tests run from the repository root, so names are relative to SPEC_TABLES_DIR.
 *
 * Test-only code: it allocates (malloc) and is not meant for the daemon. */
#ifndef GNBD_TESTS_SPEC_TABLES_H
#define GNBD_TESTS_SPEC_TABLES_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_TABLES_DIR "tests/vectors/spec_tables"
#define SPEC_TABLE_MAX_COLS 16

struct spec_table {
    int nrows, ncols;
    const char *col[SPEC_TABLE_MAX_COLS];   /* column names */
    const char **cell;                      /* nrows * ncols fields, row-major */
    char *text;                             /* the file, split in place */
};

/* Splits `line` in place at tabs; returns the field count (at most max), or -1 when there are more. */
static inline int spec_table_split_(char *line, const char **f, int max)
{
    int n = 0;
    for (char *p = line;; ) {
        if (n == max)
            return -1;
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            return n;
        *p++ = '\0';
    }
}

static inline void spec_table_free(struct spec_table *t)
{
    free(t->cell);
    free(t->text);
    memset(t, 0, sizeof(*t));
}

/* Loads SPEC_TABLES_DIR/<file>. Returns 0; -ENOENT when it cannot be read; -EINVAL when a row's field count
 * differs from the header's or there are more than SPEC_TABLE_MAX_COLS columns; -ENOMEM. */
static inline int spec_table_load(struct spec_table *t, const char *file)
{
    char path[512];
    memset(t, 0, sizeof(*t));
    snprintf(path, sizeof(path), "%s/%s", SPEC_TABLES_DIR, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -ENOENT;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -ENOENT;
    }
    t->text = malloc((size_t)size + 1);
    size_t lines = 1;
    if (t->text && fread(t->text, 1, (size_t)size, f) == (size_t)size) {
        t->text[size] = '\0';
        for (long i = 0; i < size; i++)
            lines += t->text[i] == '\n';
        t->cell = malloc(lines * SPEC_TABLE_MAX_COLS * sizeof(*t->cell));
    }
    fclose(f);
    if (!t->text || !t->cell) {
        spec_table_free(t);
        return -ENOMEM;
    }
    char *save = NULL;
    for (char *line = strtok_r(t->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line[strcspn(line, "\r")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (t->ncols == 0) {
            t->ncols = spec_table_split_(line, t->col, SPEC_TABLE_MAX_COLS);
            if (t->ncols <= 0)
                break;
            continue;
        }
        if (spec_table_split_(line, &t->cell[(size_t)t->nrows * (size_t)t->ncols], t->ncols) != t->ncols) {
            t->ncols = -1;
            break;
        }
        t->nrows++;
    }
    if (t->ncols <= 0) {
        spec_table_free(t);
        return -EINVAL;
    }
    return 0;
}

/* Index of column `name`, or -1. */
static inline int spec_table_col(const struct spec_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->col[c], name) == 0)
            return c;
    return -1;
}

/* The field of row `row` in column `name`; NULL when either does not exist. */
static inline const char *spec_table_str(const struct spec_table *t, int row, const char *name)
{
    int c = spec_table_col(t, name);
    return c < 0 || row < 0 || row >= t->nrows ? NULL : t->cell[(size_t)row * (size_t)t->ncols + (size_t)c];
}

/* The field as a decimal integer: 0; -ENOENT for "-"; -EINVAL when it is missing or not an integer. */
static inline int spec_table_int(const struct spec_table *t, int row, const char *name, int *v)
{
    const char *s = spec_table_str(t, row, name);
    char *end;
    if (!s)
        return -EINVAL;
    if (strcmp(s, "-") == 0)
        return -ENOENT;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        return -EINVAL;
    *v = (int)x;
    return 0;
}

/* The field as a comma separated list of integers: the count (at most max), -ENOENT for "-", -EINVAL. */
static inline int spec_table_list(const struct spec_table *t, int row, const char *name, int *v, int max)
{
    const char *s = spec_table_str(t, row, name);
    if (!s)
        return -EINVAL;
    if (strcmp(s, "-") == 0)
        return -ENOENT;
    int n = 0;
    for (;;) {
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s || n == max)
            return -EINVAL;
        v[n++] = (int)x;
        if (*end == '\0')
            return n;
        if (*end != ',')
            return -EINVAL;
        s = end + 1;
    }
}

/* The first row at or after `from` whose column `name` holds exactly `value`; -1 when none. */
static inline int spec_table_find(const struct spec_table *t, int from, const char *name, const char *value)
{
    for (int r = from < 0 ? 0 : from; r < t->nrows; r++) {
        const char *s = spec_table_str(t, r, name);
        if (s && strcmp(s, value) == 0)
            return r;
    }
    return -1;
}

#endif
