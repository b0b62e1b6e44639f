/* Reader for tests/vectors/pdcch/cases.tsv (see tests/vectors/README.md and the shared vector README): one row
 * per DCI 1_0 on CORESET#0, files pdcch_<id>_{dci,c,f,b,grid}.bin. Shared by test_dci.c and test_pdcch.c. */
#ifndef GNBD_TESTS_VECTOR_PDCCH_H
#define GNBD_TESTS_VECTOR_PDCCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vector_io.h"

#define VECTOR_PDCCH_DIR "tests/vectors/pdcch"
#define VECTOR_PDCCH_FIELDS 19
#define VECTOR_PDCCH_MAX_RBS 275

struct vector_pdcch_case {
    int id;
    char rnti_type[4];            /* "SI", "RA", "TC", "C" */
    int rnti, pci, slot, coreset0_idx, coreset_rb_start, coreset_nof_rb, coreset_nof_symb;
    int al, candidate, ncce, a, k, e;
    unsigned c_init_data;
    char dci_fields[256];         /* key=value;... as in the manifest */
    int cce_rbs[VECTOR_PDCCH_MAX_RBS];
    int nof_cce_rbs;
};

/* Value of key in a "key=value;key=value(...)" list (the leading integer of the value); -1 when absent. */
static inline long vector_pdcch_field(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = list; p && *p; p = strchr(p, ';'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, n) == 0 && p[n] == '=')
            return strtol(p + n + 1, NULL, 10);
    return -1;
}

/* Reads the next row of an open pdcch manifest; 1 when one was read, 0 at the end. */
static inline int vector_pdcch_next(FILE *f, struct vector_pdcch_case *c)
{
    char line[4096], *fld[VECTOR_PDCCH_FIELDS];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, fld, VECTOR_PDCCH_FIELDS) != VECTOR_PDCCH_FIELDS)
            continue;
        memset(c, 0, sizeof(*c));
        c->id = atoi(fld[0]);
        snprintf(c->rnti_type, sizeof c->rnti_type, "%s", fld[1]);
        c->rnti = (int)strtol(fld[2], NULL, 16);
        int *ints[] = { &c->pci, &c->slot, &c->coreset0_idx, &c->coreset_rb_start, &c->coreset_nof_rb,
                        &c->coreset_nof_symb, &c->al, &c->candidate, &c->ncce };
        for (int i = 0; i < 9; i++)
            *ints[i] = atoi(fld[3 + i]);
        snprintf(c->dci_fields, sizeof c->dci_fields, "%s", fld[12]);
        c->a = atoi(fld[13]);
        c->k = atoi(fld[14]);
        c->e = atoi(fld[15]);
        c->c_init_data = (unsigned)strtoul(fld[16], NULL, 10);
        for (char *p = fld[17]; *p && c->nof_cce_rbs < VECTOR_PDCCH_MAX_RBS; p += strspn(p, ","))
            c->cce_rbs[c->nof_cce_rbs++] = (int)strtol(p, &p, 10);
        return 1;
    }
    return 0;
}

#endif
