/* Helpers for unit tests that read reference vectors under tests/vectors/ (see tests/vectors/README.md): whole
 * binary files, and rows of a folder's cases.tsv manifest. Tests run from the repository root. */
#ifndef GNBD_TESTS_VECTOR_IO_H
#define GNBD_TESTS_VECTOR_IO_H

#include <check.h>
#include <complex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/types.h"

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

/* Loads <dir>/<set>_<id as 2 digits>_<kind>.bin (e.g. tests/vectors/ssb/ssb_03_grid.bin); NULL when absent
 * (not every case of a set is copied) or not of want_size bytes. */
static inline void *vector_load_case(const char *dir, const char *set, int id, const char *kind, size_t want_size)
{
    char name[128];
    size_t size = 0;
    snprintf(name, sizeof name, "%s_%02d_%s.bin", set, id, kind);
    void *buf = vector_load_in(dir, name, &size);
    if (buf && size != want_size) {
        free(buf);
        buf = NULL;
    }
    return buf;
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

/* One `grid` row of tests/vectors/ssb/cases.tsv: files are ssb_<id>_{grid,f864,b864}.bin. */
struct vector_ssb_case {
    int id, pci, hrf, ssb_idx, l_max;
};

/* Reads the next `grid` row from an open ssb manifest; 1 when one was read, 0 at the end. */
static inline int vector_ssb_next(FILE *f, struct vector_ssb_case *c)
{
    char line[4096], *fld[8];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, fld, 8) < 7 || strcmp(fld[1], "grid") != 0)
            continue;
        *c = (struct vector_ssb_case){ .id = atoi(fld[0]), .pci = atoi(fld[2]), .hrf = atoi(fld[4]),
                                       .ssb_idx = atoi(fld[5]), .l_max = atoi(fld[6]) };
        return 1;
    }
    return 0;
}

/* One row of tests/vectors/pdsch/cases.tsv (fields used by the tests); files are pdsch_<id>_<kind>.bin. */
struct vector_pdsch_case {
    int id, rnti, n_id, prb_start, nof_prb, s, l, qm, g, dmrs_type, cdm_groups_without_data;
    unsigned dmrs_symbols;   /* bit l set for each DM-RS symbol l */
    uint32_t c_init;
};

/* Reads the next row from an open pdsch manifest; 1 when one was read, 0 at the end. */
static inline int vector_pdsch_next(FILE *f, struct vector_pdsch_case *c)
{
    char line[4096], *fld[26];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, fld, 26) != 26)
            continue;
        unsigned dmrs = 0;
        for (char *p = fld[20]; *p; p += strspn(p, ","))
            dmrs |= 1u << strtoul(p, &p, 10);
        *c = (struct vector_pdsch_case){ .id = atoi(fld[0]), .rnti = (int)strtol(fld[2], NULL, 16),
                                         .n_id = atoi(fld[4]), .prb_start = atoi(fld[6]), .nof_prb = atoi(fld[7]),
                                         .s = atoi(fld[8]), .l = atoi(fld[9]), .qm = atoi(fld[12]),
                                         .g = atoi(fld[15]), .dmrs_type = atoi(fld[17]),
                                         .cdm_groups_without_data = atoi(fld[21]), .dmrs_symbols = dmrs,
                                         .c_init = (uint32_t)strtoul(fld[24], NULL, 10) };
        return 1;
    }
    return 0;
}

/* Asserts that n REs an encoder wrote (got) equal a vector grid's (want) within 1e-4; a failure names the case, the
 * RE (symbol l, subcarrier k of nof_sc) and both values. Returns how many of got are not zero. */
static inline int vector_grid_expect(const cf_t *got, const cf_t *want, int n, int nof_sc, int case_id)
{
    int nonzero = 0;
    for (int i = 0; i < n; i++) {
        ck_assert_msg(cabsf(got[i] - want[i]) <= 1e-4f, "case %d: RE l=%d k=%d is %g%+gi, want %g%+gi", case_id,
                      i / nof_sc, i % nof_sc, crealf(got[i]), cimagf(got[i]), crealf(want[i]), cimagf(want[i]));
        nonzero += got[i] != 0;
    }
    return nonzero;
}

#endif
