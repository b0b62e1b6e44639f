/* NR RRC information elements shared by several messages (38.331 6.3.2 / 6.3.3): PLMN-Identity,
 * SCS-SpecificCarrier, BWP, ControlResourceSet, SearchSpace, PDSCH/PUSCH-TimeDomainResourceAllocation, and the
 * number tables of common ENUMERATED types (SubcarrierSpacing).
 *
 * Each IE is a plain C struct (numbers in their natural units: kHz, slots, symbols) and one two-way codec
 * function (asn1/per.h) that encodes or decodes it in the field order, optionality and constraints of
 * 38.331's ASN.1. Fields of an IE that gnbd never sends are not modelled: they are encoded absent and a decoder
 * meeting them returns -ENOTSUP (the decoders of these IEs only read gnbd's own downlink messages back).
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_COMMON_IES_H
#define GNBD_RRC_MSG_COMMON_IES_H

#include <stdbool.h>
#include <stdint.h>

#include "asn1/per.h"

#define RRC_MAX_NROF_PRB 275          /* maxNrofPhysicalResourceBlocks */
#define RRC_MAX_TDRA 16               /* maxNrofDL-Allocations, maxNrofUL-Allocations */
#define RRC_MAX_CORESET_TCI 8         /* TCI states listed per CORESET here (38.331 allows 64) */

/* The head of most RRC messages: rrc-TransactionIdentifier (0..3; transaction_id NULL for a message without one)
 * and criticalExtensions CHOICE { <message>-IEs, criticalExtensionsFuture SEQUENCE {} } of which only the IEs are
 * modelled (criticalExtensionsFuture: -ENOTSUP). Returns true when the IEs follow. */
bool rrc_message_head(struct per *p, int *transaction_id);

/* RAT-Type ::= ENUMERATED {nr, eutra-nr, eutra, spare1, ...} (UE capability enquiry and information); the
 * codecs refuse spare1 (-EINVAL encoding, -ENOTSUP decoding). */
#define RRC_MAX_RAT_CONTAINERS 8      /* maxRAT-CapabilityContainers */
enum rrc_rat_type { RRC_RAT_NR = 0, RRC_RAT_EUTRA_NR = 1, RRC_RAT_EUTRA = 2 };
void rrc_rat_type_codec(struct per *p, enum rrc_rat_type *v);

/* SubcarrierSpacing ::= ENUMERATED {kHz15, kHz30, kHz60, kHz120, kHz240, kHz480, kHz960, spare1} */
extern const int rrc_scs_khz_values[8];

/* PLMN-Identity: MCC (3 digits, optional: absent = the previous PLMN's in a list) and MNC (2 or 3 digits). */
struct rrc_plmn_identity {
    bool has_mcc;
    uint8_t mcc[3];
    int mnc_len;             /* 2 or 3 */
    uint8_t mnc[3];
};

/* SCS-SpecificCarrier (with the Rel-15 extension txDirectCurrentLocation). */
struct rrc_scs_carrier {
    int offset_to_carrier;   /* 0..2199 RBs from point A */
    int scs_khz;
    int carrier_bandwidth;   /* 1..275 RBs */
    bool has_tx_dc_location;
    int tx_dc_location;      /* 0..4095: subcarrier of the carrier's DC; 3300 outside, 3301 undetermined */
};

/* BWP (the generic parameters of a bandwidth part). */
struct rrc_bwp {
    int location_and_bandwidth; /* 0..37949: RIV over 275 RBs (38.214 5.1.2.2.2) */
    int scs_khz;
    bool extended_cp;
};

/* ControlResourceSet. */
struct rrc_coreset {
    int id;                  /* ControlResourceSetId 0..11 */
    uint64_t frequency_domain_resources; /* 45 bits, first bit = the first group of 6 RBs */
    int duration;            /* 1..3 symbols */
    bool interleaved;        /* cce-REG-MappingType */
    int reg_bundle_size;     /* interleaved: 2, 3, 6 */
    int interleaver_size;    /* interleaved: 2, 3, 6 */
    bool has_shift_index;
    int shift_index;         /* 0..274 */
    bool precoder_all_contiguous_rbs; /* precoderGranularity: false = sameAsREG-bundle */
    int nof_tci_states;      /* tci-StatesPDCCH-ToAddList, 0 = absent */
    int tci_states[RRC_MAX_CORESET_TCI];
    bool tci_present_in_dci;
    bool has_dmrs_scrambling_id;
    int pdcch_dmrs_scrambling_id; /* 0..65535 */
};

enum rrc_ss_type { RRC_SS_COMMON = 0, RRC_SS_UE_SPECIFIC = 1 };

/* SearchSpace (the DCI format 2-x search spaces are not modelled). */
struct rrc_search_space {
    int id;                  /* SearchSpaceId 0..39 */
    bool has_coreset_id;
    int coreset_id;
    bool has_monitoring;     /* monitoringSlotPeriodicityAndOffset */
    int monitoring_period_slots; /* 1, 2, 4, 5, 8, 10, 16, 20, 40, 80, 160, 320, 640, 1280, 2560 */
    int monitoring_offset;   /* 0..period-1 */
    bool has_duration;
    int duration;            /* 2..2559 slots */
    bool has_monitoring_symbols;
    uint16_t monitoring_symbols; /* 14 bits, first bit = symbol 0 */
    bool has_nrof_candidates;
    int nrof_candidates[5];  /* aggregation levels 1, 2, 4, 8, 16: 0..6 or 8 candidates */
    bool has_type;
    enum rrc_ss_type type;
    bool common_dci_0_0_and_1_0; /* common: dci-Format0-0-AndFormat1-0 present */
    bool ue_dci_formats_0_1_and_1_1; /* ue-Specific: false = formats0-0-And-1-0 */
};

/* PDSCH-TimeDomainResourceAllocation / PUSCH-TimeDomainResourceAllocation (same layout). */
struct rrc_tdra {
    bool has_k;              /* k0 (PDSCH) or k2 (PUSCH) */
    int k;                   /* 0..32 slots */
    bool mapping_type_b;
    int start_symbol_and_length; /* SLIV 0..127 (38.214 5.1.2.1, 6.1.2.1) */
};

struct rrc_tdra_list {
    int n;                   /* 1..16 */
    struct rrc_tdra e[RRC_MAX_TDRA];
};

void rrc_plmn_identity_codec(struct per *p, struct rrc_plmn_identity *v);
void rrc_scs_carrier_codec(struct per *p, struct rrc_scs_carrier *v);
void rrc_bwp_codec(struct per *p, struct rrc_bwp *v);
void rrc_coreset_codec(struct per *p, struct rrc_coreset *v);
void rrc_search_space_codec(struct per *p, struct rrc_search_space *v);
void rrc_tdra_list_codec(struct per *p, struct rrc_tdra_list *v);
/* SubcarrierSpacing as kHz. */
void rrc_scs_codec(struct per *p, int *scs_khz);

/* 38.214 5.1.2.1: SLIV of a start symbol S and length L (S + L <= 14); -1 when invalid. */
int rrc_sliv(int start, int length);
/* 38.214 5.1.2.2.2: RIV of RB_start and L_RBs in a BWP of n_bwp RBs (locationAndBandwidth uses n_bwp = 275);
 * -1 when invalid. */
int rrc_riv(int n_bwp, int rb_start, int l_rbs);

#endif
