/* Test helper: tshark's decoding of IEs shared by SIB1 and CellGroupConfig (ControlResourceSet, SearchSpace,
 * time domain allocation lists, SetupRelease) compared with the encoded structs, field by field. */
#ifndef GNBD_TESTS_COMMON_IES_CHECK_H
#define GNBD_TESTS_COMMON_IES_CHECK_H

#include <stdio.h>
#include <string.h>

#include "rrc/msg/common_ies.h"
#include "tshark_check.h"

/* Search space i of the common list; optional fields' occurrences count the earlier entries that have them. */
static inline void check_search_space(const struct tshark_pkt *p, const char *prefix, const struct rrc_search_space *list, int i)
{
    char path[256];
#define SS(f) (snprintf(path, sizeof path, "%s%s", prefix, f), path)
    const struct rrc_search_space *s = &list[i];
    int n_cs = 0, n_mon = 0, n_dur = 0, n_sym = 0, n_cand = 0, n_type = 0, n_ue = 0, n_off = 0;
    for (int k = 0; k < i; k++) {
        n_cs += list[k].has_coreset_id;
        n_mon += list[k].has_monitoring;
        n_off += list[k].has_monitoring && list[k].monitoring_period_slots == s->monitoring_period_slots;
        n_dur += list[k].has_duration;
        n_sym += list[k].has_monitoring_symbols;
        n_cand += list[k].has_nrof_candidates;
        n_type += list[k].has_type;
        n_ue += list[k].has_type && list[k].type == RRC_SS_UE_SPECIFIC;
    }
    EXPECT_INT(p, SS("searchSpaceId"), i, s->id);
    if (s->has_coreset_id) EXPECT_INT(p, SS("controlResourceSetId"), n_cs, s->coreset_id);
    if (s->has_monitoring) {
        EXPECT_NAME(p, SS("monitoringSlotPeriodicityAndOffset"), n_mon, "sl%d", s->monitoring_period_slots);
        char sub[64];
        snprintf(sub, sizeof sub, "monitoringSlotPeriodicityAndOffset/sl%d", s->monitoring_period_slots);
        if (s->monitoring_period_slots > 1) EXPECT_INT(p, SS(sub), n_off, s->monitoring_offset);
    }
    if (s->has_duration) EXPECT_INT(p, SS("duration"), n_dur, s->duration);
    if (s->has_monitoring_symbols) EXPECT_BITS(p, SS("monitoringSymbolsWithinSlot"), n_sym, 14, s->monitoring_symbols);
    if (s->has_nrof_candidates) {
        static const char *const al[5] = {"aggregationLevel1", "aggregationLevel2", "aggregationLevel4",
                                          "aggregationLevel8", "aggregationLevel16"};
        for (int a = 0; a < 5; a++) {
            char sub[64];
            snprintf(sub, sizeof sub, "nrofCandidates_element/%s", al[a]);
            EXPECT_NAME(p, SS(sub), n_cand, "n%d", s->nrof_candidates[a]);
        }
    }
    if (s->has_type) {
        EXPECT_NAME(p, SS("searchSpaceType"), n_type, "%s", s->type == RRC_SS_COMMON ? "common" : "ue-Specific");
        if (s->type == RRC_SS_UE_SPECIFIC)
            EXPECT_NAME(p, SS("searchSpaceType/ue_Specific_element/dci_Formats"), n_ue, "%s",
                        s->ue_dci_formats_0_1_and_1_1 ? "formats0-1-And-1-1" : "formats0-0-And-1-0");
    }
#undef SS
}

/* CORESET i of a list at `prefix`; optional fields' occurrences count the earlier entries that have them. */
static inline void check_coreset(const struct tshark_pkt *p, const char *prefix, const struct rrc_coreset *list, int i)
{
    char path[256];
#define CS(f) (snprintf(path, sizeof path, "%s%s", prefix, f), path)
    const struct rrc_coreset *cs = &list[i];
    int n_il = 0, n_shift = 0, n_tci = 0, n_dci = 0, n_dmrs = 0;
    for (int k = 0; k < i; k++) {
        n_il += list[k].interleaved;
        n_shift += list[k].interleaved && list[k].has_shift_index;
        n_tci += list[k].nof_tci_states;
        n_dci += list[k].tci_present_in_dci;
        n_dmrs += list[k].has_dmrs_scrambling_id;
    }
    EXPECT_INT(p, CS("controlResourceSetId"), i, cs->id);
    EXPECT_BITS(p, CS("frequencyDomainResources"), i, 45, cs->frequency_domain_resources);
    EXPECT_INT(p, CS("duration"), i, cs->duration);
    EXPECT_NAME(p, CS("cce_REG_MappingType"), i, "%s", cs->interleaved ? "interleaved" : "nonInterleaved");
    if (cs->interleaved) {
        EXPECT_NAME(p, CS("cce_REG_MappingType/interleaved_element/reg_BundleSize"), n_il, "n%d", cs->reg_bundle_size);
        EXPECT_NAME(p, CS("cce_REG_MappingType/interleaved_element/interleaverSize"), n_il, "n%d", cs->interleaver_size);
        if (cs->has_shift_index)
            EXPECT_INT(p, CS("cce_REG_MappingType/interleaved_element/shiftIndex"), n_shift, cs->shift_index);
    }
    EXPECT_NAME(p, CS("precoderGranularity"), i, "%s", cs->precoder_all_contiguous_rbs ? "allContiguousRBs" : "sameAsREG-bundle");
    for (int t = 0; t < cs->nof_tci_states; t++)
        EXPECT_INT(p, CS("tci_StatesPDCCH_ToAddList/TCI_StateId"), n_tci + t, cs->tci_states[t]);
    if (cs->has_dmrs_scrambling_id) EXPECT_INT(p, CS("pdcch_DMRS_ScramblingID"), n_dmrs, cs->pdcch_dmrs_scrambling_id);
    (void)n_dci;
#undef CS
}

/* Counts over a whole CORESET list at `prefix` (absent optional fields are absent in tshark's reading too). */
static inline void check_coreset_counts(const struct tshark_pkt *p, const char *prefix, const struct rrc_coreset *list, int n)
{
    char path[256];
    int n_shift = 0, n_tci = 0, n_dci = 0, n_dmrs = 0;
    for (int k = 0; k < n; k++) {
        n_shift += list[k].interleaved && list[k].has_shift_index;
        n_tci += list[k].nof_tci_states;
        n_dci += list[k].tci_present_in_dci;
        n_dmrs += list[k].has_dmrs_scrambling_id;
    }
    snprintf(path, sizeof path, "%scce_REG_MappingType/interleaved_element/shiftIndex", prefix);
    EXPECT_COUNT(p, path, n_shift);
    snprintf(path, sizeof path, "%stci_StatesPDCCH_ToAddList/TCI_StateId", prefix);
    EXPECT_COUNT(p, path, n_tci);
    snprintf(path, sizeof path, "%stci_PresentInDCI", prefix);
    EXPECT_COUNT(p, path, n_dci);
    snprintf(path, sizeof path, "%spdcch_DMRS_ScramblingID", prefix);
    EXPECT_COUNT(p, path, n_dmrs);
}

#endif
