/* Shared NR RRC IEs (38.331 6.3.2, 6.3.3); see common_ies.h. */
#include "rrc/msg/common_ies.h"

#include <errno.h>

const int rrc_scs_khz_values[8] = {15, 30, 60, 120, 240, 480, 960, -1};

/* monitoringSlotPeriodicityAndOffset alternatives: sl1 .. sl2560 (38.331 SearchSpace). */
static const int ss_periods[15] = {1, 2, 4, 5, 8, 10, 16, 20, 40, 80, 160, 320, 640, 1280, 2560};
/* nrofCandidates: ENUMERATED {n0, n1, n2, n3, n4, n5, n6, n8} */
static const int ss_candidates[8] = {0, 1, 2, 3, 4, 5, 6, 8};
/* reg-BundleSize and interleaverSize: ENUMERATED {n2, n3, n6} */
static const int reg_sizes[3] = {2, 3, 6};

void rrc_scs_codec(struct per *p, int *scs_khz) { per_enum_value(p, scs_khz, rrc_scs_khz_values, 8, false); }

void rrc_plmn_identity_codec(struct per *p, struct rrc_plmn_identity *v)
{
    per_opt(p, &v->has_mcc);
    for (int i = 0; v->has_mcc && i < 3; i++) { /* MCC ::= SEQUENCE (SIZE (3)) OF MCC-MNC-Digit */
        int d = v->mcc[i];
        per_int(p, &d, 0, 9);
        v->mcc[i] = (uint8_t)d;
    }
    per_size(p, &v->mnc_len, 2, 3, 3); /* MNC ::= SEQUENCE (SIZE (2..3)) OF MCC-MNC-Digit */
    for (int i = 0; i < v->mnc_len; i++) {
        int d = v->mnc[i];
        per_int(p, &d, 0, 9);
        v->mnc[i] = (uint8_t)d;
    }
}

void rrc_scs_carrier_codec(struct per *p, struct rrc_scs_carrier *v)
{
    bool ext = v->has_tx_dc_location, groups[1] = {v->has_tx_dc_location};
    per_ext(p, &ext);
    per_int(p, &v->offset_to_carrier, 0, 2199);
    rrc_scs_codec(p, &v->scs_khz);
    per_int(p, &v->carrier_bandwidth, 1, RRC_MAX_NROF_PRB);
    struct per_ext_additions x;
    per_ext_additions_begin(p, &x, ext, 1, groups);
    if (groups[0]) { /* [[ txDirectCurrentLocation INTEGER (0..4095) OPTIONAL ]] */
        struct per_nested n;
        uint8_t scratch[8];
        struct per *g = per_nested_begin(p, &n, scratch, sizeof scratch);
        per_opt(g, &v->has_tx_dc_location);
        if (v->has_tx_dc_location) per_int(g, &v->tx_dc_location, 0, 4095);
        per_nested_end(p, &n);
    }
    per_ext_additions_end(p, &x);
}

void rrc_bwp_codec(struct per *p, struct rrc_bwp *v)
{
    per_opt(p, &v->extended_cp); /* cyclicPrefix ENUMERATED {extended} OPTIONAL: the presence is the value */
    per_int(p, &v->location_and_bandwidth, 0, 37949);
    rrc_scs_codec(p, &v->scs_khz);
}

static void coreset_cce_reg_mapping(struct per *p, struct rrc_coreset *v)
{
    int alt = v->interleaved ? 0 : 1; /* CHOICE { interleaved SEQUENCE {...}, nonInterleaved NULL } */
    per_choice(p, &alt, 2, false);
    v->interleaved = alt == 0;
    if (!v->interleaved) return;
    per_opt(p, &v->has_shift_index);
    per_enum_value(p, &v->reg_bundle_size, reg_sizes, 3, false);
    per_enum_value(p, &v->interleaver_size, reg_sizes, 3, false);
    if (v->has_shift_index) per_int(p, &v->shift_index, 0, RRC_MAX_NROF_PRB - 1);
}

void rrc_coreset_codec(struct per *p, struct rrc_coreset *v)
{
    bool ext = false, has_tci = v->nof_tci_states > 0;
    per_ext(p, &ext);
    per_opt(p, &has_tci);
    per_opt_none(p); /* tci-StatesPDCCH-ToReleaseList */
    per_opt(p, &v->tci_present_in_dci);
    per_opt(p, &v->has_dmrs_scrambling_id);
    per_int(p, &v->id, 0, 11);
    per_bits(p, &v->frequency_domain_resources, 45);
    per_int(p, &v->duration, 1, 3);
    coreset_cce_reg_mapping(p, v);
    int precoder = v->precoder_all_contiguous_rbs;
    per_enum(p, &precoder, 2, false);
    v->precoder_all_contiguous_rbs = precoder == 1;
    if (has_tci) {
        per_size(p, &v->nof_tci_states, 1, 64, RRC_MAX_CORESET_TCI);
        for (int i = 0; i < v->nof_tci_states; i++) per_int(p, &v->tci_states[i], 0, 127);
    }
    if (v->has_dmrs_scrambling_id) per_int(p, &v->pdcch_dmrs_scrambling_id, 0, 65535);
    per_ext_skip(p, ext);
}

static void ss_monitoring(struct per *p, struct rrc_search_space *v)
{
    int alt = 0;
    if (!per_decoding(p)) {
        while (alt < 15 && ss_periods[alt] != v->monitoring_period_slots) alt++;
        if (alt == 15) {
            per_fail(p, -EINVAL);
            return;
        }
    }
    per_choice(p, &alt, 15, false);
    if (per_error(p)) return;
    v->monitoring_period_slots = ss_periods[alt];
    if (alt == 0) /* sl1 NULL */
        v->monitoring_offset = 0;
    else
        per_int(p, &v->monitoring_offset, 0, ss_periods[alt] - 1);
}

static void ss_type(struct per *p, struct rrc_search_space *v)
{
    int alt = v->type;
    per_choice(p, &alt, 2, false);
    v->type = alt ? RRC_SS_UE_SPECIFIC : RRC_SS_COMMON;
    bool ext = false;
    if (v->type == RRC_SS_COMMON) {
        per_opt(p, &v->common_dci_0_0_and_1_0);
        for (int i = 0; i < 4; i++) per_opt_none(p); /* dci-Format2-0 .. dci-Format2-3 */
        if (v->common_dci_0_0_and_1_0) { /* SEQUENCE { ... }: an extension bit only */
            per_ext(p, &ext);
            per_ext_skip(p, ext);
        }
        return;
    }
    int formats = v->ue_dci_formats_0_1_and_1_1;
    per_ext(p, &ext);
    per_enum(p, &formats, 2, false);
    v->ue_dci_formats_0_1_and_1_1 = formats == 1;
    per_ext_skip(p, ext);
}

void rrc_search_space_codec(struct per *p, struct rrc_search_space *v)
{
    per_opt(p, &v->has_coreset_id);
    per_opt(p, &v->has_monitoring);
    per_opt(p, &v->has_duration);
    per_opt(p, &v->has_monitoring_symbols);
    per_opt(p, &v->has_nrof_candidates);
    per_opt(p, &v->has_type);
    per_int(p, &v->id, 0, 39);
    if (v->has_coreset_id) per_int(p, &v->coreset_id, 0, 11);
    if (v->has_monitoring) ss_monitoring(p, v);
    if (v->has_duration) per_int(p, &v->duration, 2, 2559);
    if (v->has_monitoring_symbols) {
        uint64_t bits = v->monitoring_symbols;
        per_bits(p, &bits, 14);
        v->monitoring_symbols = (uint16_t)bits;
    }
    for (int al = 0; v->has_nrof_candidates && al < 5; al++)
        per_enum_value(p, &v->nrof_candidates[al], ss_candidates, 8, false);
    if (v->has_type) ss_type(p, v);
}

void rrc_tdra_list_codec(struct per *p, struct rrc_tdra_list *v)
{
    per_size(p, &v->n, 1, RRC_MAX_TDRA, RRC_MAX_TDRA);
    for (int i = 0; i < v->n; i++) {
        struct rrc_tdra *e = &v->e[i];
        per_opt(p, &e->has_k);
        if (e->has_k) per_int(p, &e->k, 0, 32);
        int type = e->mapping_type_b;
        per_enum(p, &type, 2, false);
        e->mapping_type_b = type == 1;
        per_int(p, &e->start_symbol_and_length, 0, 127);
    }
}

int rrc_sliv(int start, int length)
{
    if (start < 0 || length < 1 || start + length > 14) return -1;
    return length - 1 <= 7 ? 14 * (length - 1) + start : 14 * (14 - length + 1) + (14 - 1 - start);
}

int rrc_riv(int n_bwp, int rb_start, int l_rbs)
{
    if (rb_start < 0 || l_rbs < 1 || rb_start + l_rbs > n_bwp) return -1;
    return l_rbs - 1 <= n_bwp / 2 ? n_bwp * (l_rbs - 1) + rb_start
                                   : n_bwp * (n_bwp - l_rbs + 1) + (n_bwp - 1 - rb_start);
}

void rrc_rat_type_codec(struct per *p, enum rrc_rat_type *v)
{
    int rat = (int)*v;
    per_enum(p, &rat, 4, true);
    *v = (enum rrc_rat_type)rat;
    if (!per_error(p) && (rat < RRC_RAT_NR || rat > RRC_RAT_EUTRA))
        per_fail(p, per_decoding(p) ? -ENOTSUP : -EINVAL); /* spare1 */
}

bool rrc_message_head(struct per *p, int *transaction_id)
{
    if (transaction_id) per_int(p, transaction_id, 0, 3);
    int crit = 0;
    per_choice(p, &crit, 2, false);
    if (crit != 0) per_fail(p, -ENOTSUP);
    return !per_error(p);
}
