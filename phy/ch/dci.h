/* DCI formats 1_0, 1_1, 0_0 and 0_1: the fields of a downlink assignment / uplink grant as bits, both ways, and the
 * type-1 frequency allocation.
 *
 * Implements 38.212 7.3.1.2.1 (DCI format 1_0) for the four layouts a cell needs before dedicated configuration:
 * CRC scrambled by C-RNTI and TC-RNTI (identifier, FDRA, TDRA, VRB-to-PRB, MCS, NDI, RV, HARQ process, DAI, TPC,
 * PUCCH resource indicator, PDSCH-to-HARQ feedback timing), SI-RNTI (FDRA, TDRA, VRB-to-PRB, MCS, RV, system
 * information indicator, 15 reserved bits) and RA-RNTI (FDRA, TDRA, VRB-to-PRB, MCS, TB scaling, 16 reserved
 * bits). The frequency domain resource assignment has ceil(log2(N (N + 1) / 2)) bits with N = N_RB^DL,BWP, which
 * in a common search space is the size of CORESET#0 (7.3.1.0). Fields are written MSB first in the order of the
 * spec (7.3.1); reserved bits are sent as 0 and ignored on reception. The size alignment with format 0_0 of
 * 7.3.1.0 is the caller's (format 0_0 in the same search space is smaller for the carriers srsUE supports).
 * The RIV helpers are 38.214 5.1.2.2.2 (downlink resource allocation type 1): RB_start and L_RBs counted from the
 * start of the BWP, or from CORESET#0's lowest RB when the DCI came in a common search space.
 *
 * DCI format 1_1 (38.212 7.3.1.2.2) is sized by the UE's RRC configuration (struct dci_1_1_config, one function
 * dci_1_1_size() with the clause's field list): gnbd configures the simplest layout srsUE implements, so the
 * fields that RRC can remove are absent (see the struct) and the rest are written as in 1_0. DCI format 0_1
 * (38.212 7.3.1.1.2) is its UL counterpart (struct dci_0_1_config, dci_0_1_size()), written as 0_0 plus the
 * fields the configuration gives it.
 *
 * Not covered: the PDCCH-order variant of the C-RNTI layout (FDRA all ones, 38.212 7.3.1.2.1) is unpacked as an
 * ordinary assignment; P-RNTI; the RIV scaling for an active BWP larger than CORESET#0.
 *
 * Bits are unpacked: one per byte, 0/1.
 *
 * Threading: pure functions over caller memory, no allocation, no shared state; safe from any thread.
 */
#ifndef GNBD_PHY_CH_DCI_H
#define GNBD_PHY_CH_DCI_H

#include <stdbool.h>
#include <stdint.h>

#define DCI_1_0_MAX_BITS 44   /* the largest 1_0: every layout is 28 bits + FDRA, 16 FDRA bits at N = 275 */
#define DCI_1_1_MAX_BITS 64  /* no 1_1 or 0_1 this module builds is larger (53 bits at most) */
#define DCI_MAX_BWP_RB 275    /* 38.211 Table 4.4.2-1: N_RB^max */

/* Which RNTI scrambles the CRC: it selects the field layout (38.212 7.3.1.2.1). */
enum dci_rnti_type {
    DCI_RNTI_C,   /* C-RNTI (also CS-RNTI, MCS-C-RNTI: same layout) */
    DCI_RNTI_TC,  /* TC-RNTI: the C-RNTI layout, DAI reserved */
    DCI_RNTI_SI,  /* SI-RNTI */
    DCI_RNTI_RA,  /* RA-RNTI */
};

/* The field values of one DCI format 1_0; each is the field's unsigned value, and only the fields of the layout
 * of rnti_type are used. */
struct dci_1_0 {
    enum dci_rnti_type rnti_type;
    uint32_t frequency_domain_assignment;  /* RIV (38.214 5.1.2.2.2) */
    uint32_t time_domain_assignment;       /* 4 bits: row of the TDRA table (38.214 5.1.2.1.1) */
    uint32_t vrb_to_prb_mapping;           /* 1 bit: 0 = non-interleaved */
    uint32_t mcs;                          /* 5 bits */
    uint32_t ndi;                          /* 1 bit (C, TC) */
    uint32_t rv;                           /* 2 bits (C, TC, SI) */
    uint32_t harq_process;                 /* 4 bits (C, TC) */
    uint32_t dai;                          /* 2 bits: counter DAI (C); reserved for TC */
    uint32_t tpc;                          /* 2 bits: TPC command for scheduled PUCCH (C, TC) */
    uint32_t pucch_resource;               /* 3 bits: PUCCH resource indicator (C, TC) */
    uint32_t harq_feedback_timing;         /* 3 bits: PDSCH-to-HARQ_feedback timing indicator (C, TC) */
    uint32_t system_information_indicator; /* 1 bit (SI): 0 = SIB1, 1 = other SI */
    uint32_t tb_scaling;                   /* 2 bits (RA): 38.214 Table 5.1.3.2-2 */
};

/* The fields of one DCI format 0_0 with CRC scrambled by C-RNTI or TC-RNTI (38.212 7.3.1.1.1), without frequency
 * hopping (the FDRA is the RIV over the UL BWP) and without SUL. */
struct dci_0_0 {
    uint32_t frequency_domain_assignment;  /* RIV (38.214 6.1.2.2.2) over N_RB^UL,BWP */
    uint32_t time_domain_assignment;       /* 4 bits: row of the PUSCH TDRA list (38.214 6.1.2.1) */
    uint32_t frequency_hopping;            /* 1 bit: 0 */
    uint32_t mcs;                          /* 5 bits */
    uint32_t ndi;                          /* 1 bit */
    uint32_t rv;                           /* 2 bits */
    uint32_t harq_process;                 /* 4 bits */
    uint32_t tpc;                          /* 2 bits: TPC command for scheduled PUSCH (38.213 Table 7.1.1-1) */
};

/* What sizes DCI format 1_1 (38.212 7.3.1.2.2), from the UE's ServingCellConfig. Fields that are 0 bits because
 * gnbd configures nothing for them (and that this module therefore cannot send): carrier indicator (no
 * crossCarrierSchedulingConfig), bandwidth part indicator (no dedicated BWPs), VRB-to-PRB mapping (no
 * vrb-ToPRB-Interleaver; resource allocation type 1 only), PRB bundling size indicator (static bundling), rate
 * matching indicator (no rateMatchPatternGroup1/2), ZP CSI-RS trigger (no aperiodic ZP CSI-RS sets), transport
 * block 2 (maxNrofCodeWordsScheduledByDCI n1), TCI (no tci-PresentInDCI), CBGTI / CBGFI (no CBG transmission). */
struct dci_1_1_config {
    int n_rb_bwp;               /* N_RB^DL,BWP of the active DL BWP: FDRA type 1 over it (1..275) */
    int nof_tdra_rows;          /* I: rows of pdsch-TimeDomainAllocationList (1..16); 0 = the default table A */
    bool dynamic_harq_codebook; /* pdsch-HARQ-ACK-Codebook dynamic: 2 DAI bits (one serving cell); else 0 */
    int nof_dl_data_to_ul_ack;  /* entries of dl-DataToUL-ACK (1..8) */
    bool dmrs_type2;            /* dmrs-Type of dmrs-DownlinkForPDSCH-MappingTypeA */
    bool dmrs_max_length2;      /* maxLength len2 */
    int uss_1_0_size;           /* size of DCI 0_0/1_0 in another UE-specific search space, 0 = none monitored */
};

/* The fields of one DCI format 1_1 with CRC scrambled by C-RNTI (also CS-RNTI, MCS-C-RNTI). */
struct dci_1_1 {
    uint32_t frequency_domain_assignment;  /* type 1 RIV over N_RB^DL,BWP (38.214 5.1.2.2.2) */
    uint32_t time_domain_assignment;       /* ceil(log2(I)) bits: row of the TDRA list */
    uint32_t mcs;                          /* 5 bits; the table per 38.214 5.1.3.1 (qam256: Table 5.1.3.1-2) */
    uint32_t ndi;                          /* 1 bit */
    uint32_t rv;                           /* 2 bits */
    uint32_t harq_process;                 /* 4 bits */
    uint32_t dai;                          /* 2 bits with the dynamic codebook: counter DAI */
    uint32_t tpc;                          /* 2 bits */
    uint32_t pucch_resource;               /* 3 bits */
    uint32_t harq_feedback_timing;         /* ceil(log2(I)) bits: index into dl-DataToUL-ACK */
    uint32_t antenna_ports;                /* 4, 5 or 6 bits: row of Tables 7.3.1.2.2-1..4 (type 1, len 1: row 3
                                              = port 1000, two CDM groups without data, as for DCI 1_0) */
    uint32_t srs_request;                  /* 2 bits (no SUL) */
    uint32_t dmrs_seq_init;                /* 1 bit: n_SCID */
};

/* Payload size of format 1_1 for c (38.212 7.3.1.2.2, plus the one padding bit of 7.3.1.0 when it equals
 * c->uss_1_0_size). -EINVAL for a configuration outside the ranges above. */
int dci_1_1_size(const struct dci_1_1_config *c);
/* Writes the dci_1_1_size() bits of d (the padding bit 0). Returns the size, or -EINVAL (a field too wide, a bad
 * configuration, max_bits too small). */
int dci_1_1_pack(const struct dci_1_1 *d, const struct dci_1_1_config *c, uint8_t *bits, int max_bits);
/* Reads nbits bits as format 1_1 for c. Returns 0; -EINVAL when nbits is not dci_1_1_size(c) or c is bad;
 * -EBADMSG when the identifier is 0 (an UL format). */
int dci_1_1_unpack(const uint8_t *bits, int nbits, const struct dci_1_1_config *c, struct dci_1_1 *d);

/* What sizes DCI format 0_1 (38.212 7.3.1.1.2), from the UE's ServingCellConfig (PUSCH-Config, PhysicalCellGroup-
 * Config). Fields that are 0 bits because gnbd configures nothing for them (and that this module therefore cannot
 * send): carrier indicator (no crossCarrierSchedulingConfig), UL/SUL indicator (no supplementaryUplink), bandwidth
 * part indicator (no dedicated UL BWPs), frequency hopping flag (resource allocation type 1 without
 * frequency-hopping), 2nd DAI (no dynamic dual codebook: one cell group), SRS resource indicator and precoding
 * information and number of layers (no txConfig: one antenna port, no SRS resource set), CSI request (no
 * reportTriggerSize), CBG transmission information (no CBG), PTRS-DMRS association (no phaseTrackingRS, rank 1),
 * beta_offset indicator (betaOffsets semiStatic). */
struct dci_0_1_config {
    int n_rb_bwp;               /* N_RB^UL,BWP of the active UL BWP: FDRA type 1 over it (1..275) */
    int nof_tdra_rows;          /* I: rows of pusch-TimeDomainAllocationList (1..16); 0 = the default table A */
    bool dynamic_harq_codebook; /* pdsch-HARQ-ACK-Codebook dynamic: 1st DAI 2 bits, else 1 (semi-static) */
    bool transform_precoding;   /* transform precoder enabled: antenna ports Table 7.3.1.1.2-6/7, no n_SCID bit */
    bool dmrs_type2;            /* dmrs-Type of dmrs-UplinkForPUSCH-MappingTypeA (only without transform precoding) */
    bool dmrs_max_length2;      /* maxLength len2 */
    int uss_0_0_size;           /* size of DCI 0_0/1_0 in another UE-specific search space, 0 = none monitored */
};

/* The fields of one DCI format 0_1 with CRC scrambled by C-RNTI (also CS-RNTI, MCS-C-RNTI, SP-CSI-RNTI). */
struct dci_0_1 {
    uint32_t frequency_domain_assignment;  /* type 1 RIV over N_RB^UL,BWP (38.214 6.1.2.2.2) */
    uint32_t time_domain_assignment;       /* ceil(log2(I)) bits: row of the PUSCH TDRA list (38.214 6.1.2.1) */
    uint32_t mcs;                          /* 5 bits */
    uint32_t ndi;                          /* 1 bit */
    uint32_t rv;                           /* 2 bits */
    uint32_t harq_process;                 /* 4 bits */
    uint32_t dai1;                         /* 1st DAI: V_T-DAI,UL (38.213 9.1.3.2) with the dynamic codebook
                                              (2 bits, value 3 = 4 = none if no DL DCI was missed), V_DAI,UL
                                              of 9.1.2.2 with the semi-static one (1 bit) */
    uint32_t tpc;                          /* 2 bits: TPC command for scheduled PUSCH */
    uint32_t antenna_ports;                /* 2..5 bits: row of Tables 7.3.1.1.2-6..23 (transform precoding
                                              disabled, type 1, len 1, rank 1: Table 7.3.1.1.2-8, row 2 = port 0,
                                              two CDM groups without data, as for DCI 0_0) */
    uint32_t srs_request;                  /* 2 bits (no SUL) */
    uint32_t dmrs_seq_init;                /* 1 bit without transform precoding: n_SCID */
    uint32_t ulsch_indicator;              /* 1 bit: 1 = UL-SCH on the PUSCH */
};

/* Payload size of format 0_1 for c (38.212 7.3.1.1.2, plus the one padding bit of 7.3.1.0 when it equals
 * c->uss_0_0_size). -EINVAL for a configuration outside the ranges above. */
int dci_0_1_size(const struct dci_0_1_config *c);
/* Writes the dci_0_1_size() bits of d (the padding bit 0). Returns the size, or -EINVAL (a field too wide, a bad
 * configuration, max_bits too small). */
int dci_0_1_pack(const struct dci_0_1 *d, const struct dci_0_1_config *c, uint8_t *bits, int max_bits);
/* Reads nbits bits as format 0_1 for c. Returns 0; -EINVAL when nbits is not dci_0_1_size(c) or c is bad;
 * -EBADMSG when the identifier is 1 (a DL format). */
int dci_0_1_unpack(const uint8_t *bits, int nbits, const struct dci_0_1_config *c, struct dci_0_1 *d);

/* Bits of format 0_0 for an UL BWP of n_rb_ul PRBs before size alignment. */
int dci_0_0_size(int n_rb_ul);
/* Writes format 0_0 aligned to `size` bits, the size of format 1_0 in the same search space (38.212 7.3.1.0: a
 * smaller 0_0 is padded with zeros; a larger one loses the most significant FDRA bits, which must then be 0).
 * Returns size, or -EINVAL (a field too wide, max_bits too small, MSBs that truncation would lose). */
int dci_0_0_pack(const struct dci_0_0 *d, int n_rb_ul, int size, uint8_t *bits, int max_bits);
/* Reads format 0_0 from nbits bits (the size it was aligned to) for an UL BWP of n_rb_ul PRBs; the padding after
 * the TPC field is ignored. Returns 0, -EINVAL (nbits too small for the fields, bad N), -EBADMSG (identifier 1:
 * a format 1_0). With CRC scrambled by a TC-RNTI (a Msg3 retransmission) the fields read the same; the UE
 * ignores the NDI (38.321 5.4.2.1). */
int dci_0_0_unpack(const uint8_t *bits, int nbits, int n_rb_ul, struct dci_0_0 *d);

/* Bits of the frequency domain resource assignment for N = n_rb_bwp (1..275); -EINVAL outside. */
int dci_fdra_bits(int n_rb_bwp);

/* Payload size A of format 1_0 with this layout and N; -EINVAL for an unknown type or N outside 1..275. */
int dci_1_0_size(enum dci_rnti_type t, int n_rb_bwp);

/* Writes the dci_1_0_size() bits of d into bits (room for max_bits). Returns the size, or -EINVAL when a field
 * does not fit its width, N is out of range or max_bits is too small. */
int dci_1_0_pack(const struct dci_1_0 *d, int n_rb_bwp, uint8_t *bits, int max_bits);

/* Reads nbits bits as format 1_0 of layout t for N = n_rb_bwp. Returns 0; -EINVAL when nbits is not that
 * layout's size (or t / N are bad); -EBADMSG when the identifier bit of a C/TC-RNTI DCI is 0 (format 0_0). */
int dci_1_0_unpack(const uint8_t *bits, int nbits, enum dci_rnti_type t, int n_rb_bwp, struct dci_1_0 *d);

/* 38.214 5.1.2.2.2: RIV of L_RBs contiguous RBs from rb_start in a BWP of n_rb_bwp RBs. Returns the RIV (>= 0),
 * or -EINVAL when l_rbs < 1, rb_start < 0 or rb_start + l_rbs > n_rb_bwp. */
int dci_riv_encode(int n_rb_bwp, int rb_start, int l_rbs);

/* The inverse. Returns 0, or -EINVAL when riv >= N (N + 1) / 2 (no allocation has that RIV). */
int dci_riv_decode(int n_rb_bwp, uint32_t riv, int *rb_start, int *l_rbs);

#endif
