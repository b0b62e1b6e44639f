/* ServingCellConfig (38.331 6.3.2), the UE-dedicated configuration of the SpCell that RRCSetup's
 * CellGroupConfig carries in spCellConfigDedicated: the initial DL BWP's PDCCH-Config (CORESETs, search
 * spaces) and PDSCH-Config (DMRS, TCI states, time domain list, resource allocation, PRB bundling), the UL
 * configuration's initial BWP PUCCH-Config (resource sets, resources of formats 0..4, format configs, SR
 * resources, dl-DataToUL-ACK) and PUSCH-Config (DMRS, time domain list, UCI on PUSCH), first active BWPs,
 * PDSCH-ServingCellConfig and the TAG. Not modelled (encoded absent; -ENOTSUP when decoded): other BWPs, SPS,
 * configured grants, SRS, CSI, beam failure recovery, power control, rate matching and ZP CSI-RS, PTRS.
 *
 * Plain structs (values in natural units), SetupRelease fields as enum per_setup_release, one two-way codec
 * (asn1/per.h). Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_SERVING_CELL_CONFIG_H
#define GNBD_RRC_MSG_SERVING_CELL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "asn1/per.h"
#include "phy/ch/dci.h"
#include "rrc/msg/common_ies.h"

#define RRC_MAX_CORESETS 3            /* controlResourceSetToAddModList SIZE (1..3) */
#define RRC_MAX_SEARCH_SPACES 10      /* searchSpacesToAddModList SIZE (1..10) */
#define RRC_MAX_TCI_STATES 4          /* kept here; 38.331 allows maxNrofTCI-States = 128 */
#define RRC_MAX_PUCCH_SETS 4          /* maxNrofPUCCH-ResourceSets */
#define RRC_MAX_PUCCH_SET_RESOURCES 8 /* kept per set; 38.331 allows 32 */
#define RRC_MAX_PUCCH_RESOURCES 16    /* kept; 38.331 allows 128 */
#define RRC_MAX_SR_RESOURCES 8        /* maxNrofSR-Resources */

struct rrc_pdcch_config {
    int nof_coresets;
    struct rrc_coreset coreset[RRC_MAX_CORESETS];
    int nof_search_spaces;
    struct rrc_search_space ss[RRC_MAX_SEARCH_SPACES];
};

/* DMRS-DownlinkConfig (phaseTrackingRS not modelled). */
struct rrc_dmrs_dl_config {
    bool type2;                       /* dmrs-Type: absent = type 1 */
    bool has_additional_position;     /* absent = pos2 */
    int additional_position;          /* 0, 1, 3 */
    bool max_length_2;
    bool has_scrambling_id0, has_scrambling_id1;
    int scrambling_id0, scrambling_id1; /* 0..65535 */
};

/* TCI-State with qcl-Type1 (qcl-Type2 not modelled). */
struct rrc_tci_state {
    int id;                           /* 0..127 */
    bool has_cell, has_bwp_id;
    int cell, bwp_id;
    bool ref_csi_rs;                  /* referenceSignal: false = ssb */
    int ref_index;                    /* SSB-Index 0..63 or NZP-CSI-RS-ResourceId 0..191 */
    int qcl_type;                     /* 0 typeA, 1 typeB, 2 typeC, 3 typeD */
};

struct rrc_pdsch_config {
    bool has_data_scrambling_id;
    int data_scrambling_id;           /* 0..1023 */
    uint8_t dmrs_type_a_sr;           /* enum per_setup_release */
    struct rrc_dmrs_dl_config dmrs_type_a;
    int nof_tci_states;
    struct rrc_tci_state tci[RRC_MAX_TCI_STATES];
    bool has_vrb_to_prb_interleaver;
    int vrb_to_prb_interleaver;       /* 2, 4 */
    int resource_allocation;          /* 0 type 0, 1 type 1, 2 dynamicSwitch */
    uint8_t tdra_sr;
    struct rrc_tdra_list tdra;
    bool has_aggregation_factor;
    int aggregation_factor;           /* 2, 4, 8 */
    int rbg_size;                     /* 1 config1, 2 config2 */
    bool has_mcs_table;
    int mcs_table;                    /* 0 qam256, 1 qam64LowSE */
    bool has_max_codewords;
    int max_codewords;                /* 1, 2 */
    bool prb_bundling_dynamic;        /* prb-BundlingType: false = staticBundling */
    bool has_bundle_size1, has_bundle_size2;
    int bundle_size1;                 /* static: bundleSize 0 n4, 1 wideband; dynamic: bundleSizeSet1 0..3 */
    int bundle_size2;                 /* dynamic: bundleSizeSet2 0 n4, 1 wideband */
};

enum rrc_pucch_format { RRC_PUCCH_F0, RRC_PUCCH_F1, RRC_PUCCH_F2, RRC_PUCCH_F3, RRC_PUCCH_F4 };

struct rrc_pucch_resource_set {
    int id;                           /* 0..3 */
    int nof_resources;
    int resources[RRC_MAX_PUCCH_SET_RESOURCES]; /* PUCCH-ResourceId 0..127 */
    bool has_max_payload_size;
    int max_payload_size;             /* 4..256 */
};

struct rrc_pucch_resource {
    int id;                           /* 0..127 */
    int starting_prb;                 /* 0..274 */
    bool intra_slot_hopping;
    bool has_second_hop_prb;
    int second_hop_prb;
    enum rrc_pucch_format format;
    int initial_cyclic_shift;         /* formats 0, 1: 0..11 */
    int nof_symbols;                  /* format 0, 2: 1..2; 1, 3, 4: 4..14 */
    int start_symbol;                 /* 0..13 (format 0, 2), 0..10 (1, 3, 4) */
    int time_domain_occ;              /* format 1: 0..6 */
    int nof_prbs;                     /* formats 2, 3: 1..16 */
    int occ_length;                   /* format 4: 2, 4 */
    int occ_index;                    /* format 4: 0..3 */
};

struct rrc_pucch_format_config {
    bool interslot_hopping, additional_dmrs, pi2_bpsk, simultaneous_harq_ack_csi;
    bool has_max_code_rate;
    int max_code_rate;                /* 0 zeroDot08 .. 6 zeroDot80 */
    bool has_nrof_slots;
    int nrof_slots;                   /* 2, 4, 8 */
};

struct rrc_sr_resource {
    int id;                           /* SchedulingRequestResourceId 1..8 */
    int sr_id;                        /* SchedulingRequestId 0..7 */
    bool has_periodicity;
    int period;                       /* slots 1..640; RRC_SR_PERIOD_SYM2 / _SYM6OR7 for the sub-slot periods */
    int offset;                       /* 0..period-1 */
    bool has_resource;
    int resource;                     /* PUCCH-ResourceId */
};
#define RRC_SR_PERIOD_SYM2 (-2)
#define RRC_SR_PERIOD_SYM6OR7 (-7)

struct rrc_pucch_config {
    int nof_resource_sets;
    struct rrc_pucch_resource_set sets[RRC_MAX_PUCCH_SETS];
    int nof_resources;
    struct rrc_pucch_resource res[RRC_MAX_PUCCH_RESOURCES];
    uint8_t format_sr[4];             /* format1 .. format4: enum per_setup_release */
    struct rrc_pucch_format_config format[4];
    int nof_sr_resources;
    struct rrc_sr_resource sr[RRC_MAX_SR_RESOURCES];
    int nof_dl_data_to_ul_ack;
    int dl_data_to_ul_ack[8];         /* slots 0..15 */
};

/* DMRS-UplinkConfig (phaseTrackingRS not modelled). */
struct rrc_dmrs_ul_config {
    bool type2;
    bool has_additional_position;
    int additional_position;          /* 0, 1, 3 */
    bool max_length_2;
    bool has_tp_disabled;             /* transformPrecodingDisabled */
    bool has_scrambling_id0, has_scrambling_id1;
    int scrambling_id0, scrambling_id1;
    bool has_tp_enabled;              /* transformPrecodingEnabled */
    bool has_npusch_identity;
    int npusch_identity;              /* 0..1007 */
    bool sequence_group_hopping_disabled, sequence_hopping_enabled;
};

struct rrc_beta_offsets {
    bool has[7];                      /* ACK-Index1..3, CSI-Part1-Index1..2, CSI-Part2-Index1..2 */
    int v[7];                         /* 0..31 */
};

struct rrc_uci_on_pusch {
    bool has_beta_offsets;
    bool beta_dynamic;                /* false = semiStatic (one set), true = dynamic (four) */
    struct rrc_beta_offsets beta[4];
    int scaling;                      /* 0 f0p5, 1 f0p65, 2 f0p8, 3 f1 */
};

struct rrc_pusch_config {
    bool has_data_scrambling_id;
    int data_scrambling_id;           /* 0..1023 */
    bool has_tx_config;
    int tx_config;                    /* 0 codebook, 1 nonCodebook */
    uint8_t dmrs_type_a_sr;
    struct rrc_dmrs_ul_config dmrs_type_a;
    bool has_frequency_hopping;
    int frequency_hopping;            /* 0 intraSlot, 1 interSlot */
    int resource_allocation;          /* 0 type 0, 1 type 1, 2 dynamicSwitch */
    uint8_t tdra_sr;
    struct rrc_tdra_list tdra;
    bool has_aggregation_factor;
    int aggregation_factor;           /* 2, 4, 8 */
    bool has_mcs_table, has_mcs_table_tp;
    int mcs_table, mcs_table_tp;      /* 0 qam256, 1 qam64LowSE */
    bool has_transform_precoder;
    int transform_precoder;           /* 0 enabled, 1 disabled */
    bool has_codebook_subset;
    int codebook_subset;              /* 0 fullyAndPartialAndNonCoherent, 1 partialAndNonCoherent, 2 nonCoherent */
    bool has_max_rank;
    int max_rank;                     /* 1..4 */
    bool rbg_size_config2;
    uint8_t uci_on_pusch_sr;
    struct rrc_uci_on_pusch uci_on_pusch;
    bool tp_pi2_bpsk;
};

struct rrc_serving_cell_config {
    bool has_initial_dl_bwp;
    uint8_t pdcch_sr, pdsch_sr;       /* BWP-DownlinkDedicated */
    struct rrc_pdcch_config pdcch;
    struct rrc_pdsch_config pdsch;
    bool has_first_active_dl_bwp;
    int first_active_dl_bwp;          /* BWP-Id 0..4 */
    bool has_uplink_config;
    bool has_initial_ul_bwp;
    uint8_t pucch_sr, pusch_sr;       /* BWP-UplinkDedicated */
    struct rrc_pucch_config pucch;
    struct rrc_pusch_config pusch;
    bool has_first_active_ul_bwp;
    int first_active_ul_bwp;
    uint8_t pdsch_serving_sr;         /* pdsch-ServingCellConfig */
    bool has_x_overhead;
    int x_overhead;                   /* 6, 12, 18 */
    bool has_nrof_harq_processes;
    int nrof_harq_processes;          /* 2, 4, 6, 10, 12, 16 */
    int tag_id;                       /* 0..3 */
};

void rrc_serving_cell_config_codec(struct per *p, struct rrc_serving_cell_config *v);

/* What sizes DCI format 1_1 for a UE given sc (38.212 7.3.1.2.2; phy/ch/dci.h) on an active DL BWP of n_rb_bwp
 * RBs (UL BWP the same), with the dynamic HARQ-ACK codebook or not (PhysicalCellGroupConfig). Returns 0;
 * -ENOTSUP when sc sets a 1_1 field struct dci_1_1_config cannot size (no dedicated
 * pdsch-TimeDomainAllocationList, resource allocation type 0 or dynamicSwitch, a VRB-to-PRB interleaver, dynamic PRB bundling, two codewords); -EINVAL without PDSCH-Config,
 * PUCCH-Config or a search space for DCI 0_1/1_1. */
int rrc_serving_cell_dci_1_1(const struct rrc_serving_cell_config *sc, int n_rb_bwp, bool dynamic_codebook,
                             struct dci_1_1_config *c);
/* What sizes DCI format 0_1 for a UE given sc (38.212 7.3.1.1.2; phy/ch/dci.h) on an active UL BWP of n_rb_bwp
 * RBs, with the dynamic HARQ-ACK codebook or not. A PUSCH-Config without transformPrecoder reads as transform
 * precoding disabled (gnbd's SIB1 has no msg3-transformPrecoder). Returns 0; -ENOTSUP when sc sets a 0_1 field
 * struct dci_0_1_config cannot size (no dedicated pusch-TimeDomainAllocationList, resource allocation type 0 or
 * dynamicSwitch, frequency hopping, txConfig, dynamic beta offsets); -EINVAL without PUSCH-Config or a search space
 * for DCI 0_1/1_1. */
int rrc_serving_cell_dci_0_1(const struct rrc_serving_cell_config *sc, int n_rb_bwp, bool dynamic_codebook,
                             struct dci_0_1_config *c);

/* The DCI sizes a UE monitors with sc (38.212 7.3.1.0, 38.213 10.1), per format and RNTI, before any size
 * alignment of 7.3.1.0 step 4: the common search spaces' 1_0 and 0_0 (one size: 0_0 aligned to 1_0) over
 * CORESET#0's n_rb_coreset0 RBs with C-RNTI (the UE monitors Type1-PDCCH CSS with it) and with TC-, RA- and
 * SI-RNTI; each UE-specific search space's 0_0/1_0 (aligned, over the BWP) or 0_1 and 1_1 (their own sizes) with
 * C-RNTI. */
#define RRC_DCI_MAX_SIZES 12
struct rrc_dci_size {
    const char *what;              /* "1_0 CSS", "0_0 CSS", "1_0 CSS SI-RNTI", "0_1 USS", ... */
    bool c_rnti;                   /* CRC scrambled by C-RNTI (else TC-, RA- or SI-RNTI) */
    int bits;
};
struct rrc_dci_budget {
    int n;
    struct rrc_dci_size e[RRC_DCI_MAX_SIZES];
    int c_rnti_sizes, total_sizes; /* distinct sizes: with C-RNTI (at most 3), all (at most 4) */
};
/* Lists them into b and counts the distinct sizes. Returns 0 within the budget of 38.212 7.3.1.0 (at most 3 sizes
 * with C-RNTI, 4 in all), -E2BIG over it (b filled), -EINVAL / -ENOTSUP when a format cannot be sized
 * (rrc_serving_cell_dci_1_1 / _0_1). */
int rrc_dci_budget(const struct rrc_serving_cell_config *sc, int n_rb_bwp, int n_rb_coreset0, bool dynamic_codebook,
                   struct rrc_dci_budget *b);

/* Whether sc's PDSCH-Config says mcs-Table qam256. */
bool rrc_serving_cell_qam256(const struct rrc_serving_cell_config *sc);
void rrc_pdsch_config_codec(struct per *p, struct rrc_pdsch_config *v);
void rrc_pucch_config_codec(struct per *p, struct rrc_pucch_config *v);
void rrc_pusch_config_codec(struct per *p, struct rrc_pusch_config *v);

#endif
