/* Test helper: random values for NR RRC structs (deterministic, test_rng.h): small pickers and random shared
 * IEs (ControlResourceSet, SearchSpace, time domain allocation lists) over every modelled field. */
#ifndef GNBD_TESTS_RRC_RANDOM_H
#define GNBD_TESTS_RRC_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

#include "rrc/msg/common_ies.h"
#include "test_rng.h"

static inline int rnd(int lo, int hi) { return lo + (int)(test_rng_next() % (uint64_t)(hi - lo + 1)); }
static inline bool coin(void) { return test_rng_next() & 1; }
static inline int pick(const int *v, int n) { return v[rnd(0, n - 1)]; }
/* SetupRelease fields set up most of the time, so that the fields inside get exercised. */
static inline uint8_t sr_rand(void)
{
    int r = rnd(0, 9);
    return r < 7 ? PER_SETUP : r < 9 ? PER_RELEASE : PER_ABSENT;
}
#define PICK(...) pick((const int[]){__VA_ARGS__}, (int)(sizeof((const int[]){__VA_ARGS__}) / sizeof(int)))

/* ---- random SIB1s over every modelled field ------------------------------------------------------------- */

static inline void random_coreset(struct rrc_coreset *c)
{
    *c = (struct rrc_coreset){.id = rnd(0, 11), .frequency_domain_resources = test_rng_next() >> 19,
                              .duration = rnd(1, 3), .interleaved = coin(), .precoder_all_contiguous_rbs = coin(),
                              .tci_present_in_dci = coin(), .has_dmrs_scrambling_id = coin(),
                              .pdcch_dmrs_scrambling_id = rnd(0, 65535)};
    if (c->interleaved) {
        c->reg_bundle_size = PICK(2, 3, 6);
        c->interleaver_size = PICK(2, 3, 6);
        c->has_shift_index = coin();
        c->shift_index = rnd(0, 274);
    }
    c->nof_tci_states = rnd(0, 3);
    for (int i = 0; i < c->nof_tci_states; i++) c->tci_states[i] = rnd(0, 127);
}

static inline void random_search_space(struct rrc_search_space *s)
{
    *s = (struct rrc_search_space){.id = rnd(0, 39), .has_coreset_id = coin(), .coreset_id = rnd(0, 11),
                                   .has_monitoring = coin(), .has_duration = coin(), .duration = rnd(2, 2559),
                                   .has_monitoring_symbols = coin(), .monitoring_symbols = (uint16_t)rnd(0, 16383),
                                   .has_nrof_candidates = coin(), .has_type = coin()};
    s->monitoring_period_slots = PICK(1, 2, 4, 5, 8, 10, 16, 20, 40, 80, 160, 320, 640, 1280, 2560);
    s->monitoring_offset = rnd(0, s->monitoring_period_slots - 1);
    for (int i = 0; i < 5; i++) s->nrof_candidates[i] = PICK(0, 1, 2, 3, 4, 5, 6, 8);
    s->type = coin() ? RRC_SS_UE_SPECIFIC : RRC_SS_COMMON;
    s->common_dci_0_0_and_1_0 = s->type == RRC_SS_COMMON && coin();
    s->ue_dci_formats_0_1_and_1_1 = s->type == RRC_SS_UE_SPECIFIC && coin();
}

static inline void random_tdra(struct rrc_tdra_list *l)
{
    l->n = rnd(1, 4);
    for (int i = 0; i < l->n; i++)
        l->e[i] = (struct rrc_tdra){.has_k = coin(), .k = rnd(0, 32), .mapping_type_b = coin(),
                                    .start_symbol_and_length = rnd(0, 127)};
}

#endif
