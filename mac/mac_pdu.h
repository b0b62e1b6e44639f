/* MAC PDUs of the DL-SCH and UL-SCH (38.321 6.1.2): building and parsing, and the MAC CEs the gNB sends or reads
 * during random access and the first UE data (38.321 6.1.3).
 *
 * A MAC PDU is a sequence of subPDUs, each a subheader followed by a MAC SDU, a MAC CE or padding:
 *   R/F/LCID/L   (Figures 6.1.2-1/-2) for MAC SDUs and variable-size MAC CEs: F = 0 with an 8-bit L, F = 1 with a
 *                16-bit L; the builder takes the 8-bit form up to 255 bytes, the 16-bit form above;
 *   R/LCID       (Figure 6.1.2-3) for fixed-size MAC CEs, padding and the UL CCCH SDUs (48 and 64 bits);
 *   R/F/LCID/eLCID/L for LCID 33 (two-octet eLCID) and 34 (one-octet eLCID) (Rel-16 6.2.1): the parser skips such
 *                subPDUs by their L (the fixed-size eLCID CEs of Rel-17 without L are not known and end the
 *                parse as malformed; no Rel-15/16 UE sends them).
 * LCID values: Table 6.2.1-1 (DL-SCH) and Table 6.2.1-2 (UL-SCH), Rel-16. Padding (LCID 63) is the last subPDU
 * and runs to the end of the transport block (6.1.2: "padding ... placed at the end"). The order rules of 6.1.2
 * (DL: CEs before SDUs; UL: SDUs before CEs) are the builder caller's business; the parser accepts any order.
 *
 * Parsing is for bytes from the air: every read is bounds-checked; a PDU that is empty, whose header is cut
 * short, whose L runs past the end, which uses a reserved LCID, a zero-length SDU or more than
 * MAC_PDU_MAX_SUBPDUS subPDUs is refused whole (-EBADMSG) with the reason in the result and, when counters are
 * given, counted there. Nothing is copied: each subPDU is an (offset, length) into the caller's buffer.
 *
 * Threading: pure functions over caller memory, no allocation, no I/O; any thread (the MAC stage's slot path).
 */
#ifndef GNBD_MAC_MAC_PDU_H
#define GNBD_MAC_MAC_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mac_dir { MAC_DIR_DL = 0, MAC_DIR_UL = 1 };

/* LCIDs both directions share (Tables 6.2.1-1 and 6.2.1-2). */
enum {
    MAC_LCID_CCCH = 0,            /* DL: CCCH (with L); UL: CCCH of 64 bits, "CCCH1" (no L) */
    MAC_LCID_SRB1 = 1,            /* 1..32: logical channels (SRB1..3 on 1..3 by 38.331 default, DRBs after) */
    MAC_LCID_SRB2 = 2,
    MAC_LCID_SRB3 = 3,
    MAC_LCID_MAX_LCH = 32,
    MAC_LCID_ELCID_2 = 33,        /* a two-octet eLCID follows */
    MAC_LCID_ELCID_1 = 34,        /* a one-octet eLCID follows */
    MAC_LCID_PADDING = 63,
};

/* DL-SCH LCIDs (Table 6.2.1-1). */
enum {
    MAC_LCID_DL_RECOMMENDED_BIT_RATE = 47,   /* 2 bytes */
    MAC_LCID_DL_SP_ZP_CSI_RS = 48,           /* 2 bytes */
    MAC_LCID_DL_PUCCH_SPATIAL_REL = 49,      /* 3 bytes */
    MAC_LCID_DL_SP_SRS = 50,                 /* variable */
    MAC_LCID_DL_SP_CSI_PUCCH = 51,           /* 2 bytes */
    MAC_LCID_DL_TCI_PDCCH = 52,              /* 2 bytes */
    MAC_LCID_DL_TCI_PDSCH = 53,              /* variable */
    MAC_LCID_DL_APER_CSI_SUBSEL = 54,        /* variable */
    MAC_LCID_DL_SP_CSI_RS_IM = 55,           /* variable */
    MAC_LCID_DL_DUPLICATION = 56,            /* 1 byte */
    MAC_LCID_DL_SCELL_ACT_4 = 57,            /* 4 bytes */
    MAC_LCID_DL_SCELL_ACT_1 = 58,            /* 1 byte */
    MAC_LCID_DL_LONG_DRX = 59,               /* 0 bytes */
    MAC_LCID_DL_DRX = 60,                    /* 0 bytes */
    MAC_LCID_DL_TA_COMMAND = 61,             /* 1 byte: TAG ID (2 bits) + TA command (6 bits), 6.1.3.4 */
    MAC_LCID_DL_CON_RES_ID = 62,             /* 6 bytes: the first 48 bits of the UL CCCH SDU, 6.1.3.3 */
};

/* UL-SCH LCIDs (Table 6.2.1-2). */
enum {
    MAC_LCID_UL_CCCH_64 = 0,                 /* "CCCH1": 8 bytes, no L */
    MAC_LCID_UL_SL_BSR_TRUNC = 45,           /* variable (Rel-16) */
    MAC_LCID_UL_SL_BSR = 46,                 /* variable (Rel-16) */
    MAC_LCID_UL_LBT_FAILURE_4 = 48,          /* 4 bytes (Rel-16) */
    MAC_LCID_UL_LBT_FAILURE_1 = 49,          /* 1 byte (Rel-16) */
    MAC_LCID_UL_BFR = 50,                    /* variable (Rel-16) */
    MAC_LCID_UL_BFR_TRUNC = 51,              /* variable (Rel-16) */
    MAC_LCID_UL_CCCH_48 = 52,                /* "CCCH": 6 bytes, no L (RRCSetupRequest) */
    MAC_LCID_UL_BIT_RATE_QUERY = 53,         /* 2 bytes */
    MAC_LCID_UL_MULTI_PHR_4 = 54,            /* variable */
    MAC_LCID_UL_CG_CONFIRMATION = 55,        /* 0 bytes */
    MAC_LCID_UL_MULTI_PHR_1 = 56,            /* variable */
    MAC_LCID_UL_SINGLE_PHR = 57,             /* 2 bytes, 6.1.3.8 */
    MAC_LCID_UL_C_RNTI = 58,                 /* 2 bytes, 6.1.3.2 */
    MAC_LCID_UL_SHORT_TRUNC_BSR = 59,        /* 1 byte, 6.1.3.1 */
    MAC_LCID_UL_LONG_TRUNC_BSR = 60,         /* variable */
    MAC_LCID_UL_SHORT_BSR = 61,              /* 1 byte */
    MAC_LCID_UL_LONG_BSR = 62,               /* variable */
};

#define MAC_CON_RES_ID_BYTES 6
#define MAC_PDU_MAX_SUBPDUS 64
#define MAC_PDU_MAX_L 65535u  /* largest SDU / CE a 16-bit L describes */

/* Payload size of an LCID in a direction: >= 0 for a fixed size (no L field), MAC_LCID_VARIABLE for a
 * subPDU with L (SDUs, variable-size CEs, eLCID), MAC_LCID_PAD for padding, MAC_LCID_RESERVED otherwise. */
enum { MAC_LCID_VARIABLE = -1, MAC_LCID_PAD = -2, MAC_LCID_RESERVED = -3 };
int mac_lcid_size(enum mac_dir dir, int lcid);

/* ---- Parsing ------------------------------------------------------------------------------------------- */

enum mac_pdu_error {
    MAC_PDU_OK = 0,
    MAC_PDU_ERR_EMPTY,            /* no bytes at all */
    MAC_PDU_ERR_HEADER,           /* a subheader cut short by the end of the PDU */
    MAC_PDU_ERR_LENGTH,           /* L (or a fixed CE size) runs past the end of the PDU */
    MAC_PDU_ERR_RESERVED_LCID,    /* an LCID (or eLCID form) the table reserves */
    MAC_PDU_ERR_ZERO_SDU,         /* an SDU with L = 0 */
    MAC_PDU_ERR_TOO_MANY,         /* more than MAC_PDU_MAX_SUBPDUS subPDUs */
    MAC_PDU_ERR_COUNT
};

struct mac_subpdu {
    uint8_t lcid;
    uint16_t elcid;               /* the eLCID octet(s) for LCID 33/34, else 0 */
    uint32_t offset;              /* first payload byte (after the subheader), into the parsed buffer */
    uint32_t length;              /* payload bytes */
};

struct mac_pdu_rx {
    int n;                        /* subPDUs, padding excluded */
    struct mac_subpdu sub[MAC_PDU_MAX_SUBPDUS];
    uint32_t padding;             /* bytes of the padding subPDU (subheader included), 0 when none */
    enum mac_pdu_error error;     /* why a PDU was refused */
    uint32_t error_offset;        /* byte where the bad subheader starts */
};

struct mac_pdu_counters {
    uint64_t parsed;              /* PDUs accepted */
    uint64_t dropped[MAC_PDU_ERR_COUNT];   /* PDUs refused, by reason (index MAC_PDU_OK unused) */
};

/* Parses pdu[len] into out. Returns 0, or -EBADMSG with out->error set (and out->n = 0); counters may be NULL.
 * A PDU of padding alone is valid (n = 0). */
int mac_pdu_parse(enum mac_dir dir, const uint8_t *pdu, size_t len, struct mac_pdu_rx *out,
                  struct mac_pdu_counters *counters);

/* The first subPDU with this LCID, or NULL. */
const struct mac_subpdu *mac_pdu_find(const struct mac_pdu_rx *rx, int lcid);

const char *mac_pdu_error_name(enum mac_pdu_error e);

/* ---- Building ------------------------------------------------------------------------------------------ */

/* Writes subPDUs into buf[tb_size] (the transport block) front to back. An add that does not fit leaves the
 * PDU as it was and returns -ENOSPC; a bad argument -EINVAL. mac_pdu_finish() pads the rest. */
struct mac_pdu_builder {
    enum mac_dir dir;
    uint8_t *buf;
    size_t cap;                   /* transport block size */
    size_t len;                   /* bytes written */
};

void mac_pdu_builder_init(struct mac_pdu_builder *b, enum mac_dir dir, uint8_t *buf, size_t tb_size);

/* Subheader bytes for a payload of `len` bytes with an L field: 2 (8-bit L) or 3 (16-bit L). */
static inline size_t mac_pdu_subheader_len(size_t len) { return len <= 255 ? 2 : 3; }

/* The largest SDU with an L field that still fits (0 when not even a one-byte SDU does). */
size_t mac_pdu_sdu_room(const struct mac_pdu_builder *b);

/* A MAC SDU on `lcid`: DL 0..32 and UL 1..32 with L; the UL CCCH (LCID 0 / 52) without L and exactly 8 / 6
 * bytes. Returns 0, -EINVAL or -ENOSPC. */
int mac_pdu_add_sdu(struct mac_pdu_builder *b, int lcid, const uint8_t *sdu, size_t len);
/* Like mac_pdu_add_sdu but leaves the payload to the caller (RLC writes its PDU in place): returns where the
 * `len` bytes go, or NULL (bad LCID or no room). */
uint8_t *mac_pdu_reserve_sdu(struct mac_pdu_builder *b, int lcid, size_t len);
/* A MAC CE: fixed-size LCIDs without L (len must be the fixed size), variable ones with L. */
int mac_pdu_add_ce(struct mac_pdu_builder *b, int lcid, const uint8_t *ce, size_t len);
/* DL: UE Contention Resolution Identity (6.1.3.3), the first 6 bytes of the UE's UL CCCH SDU. */
int mac_pdu_add_con_res_id(struct mac_pdu_builder *b, const uint8_t id[MAC_CON_RES_ID_BYTES]);
/* DL: Timing Advance Command (6.1.3.4): TAG ID 0..3, TA command T_A 0..63 (31 = no change, 38.213 4.2). */
int mac_pdu_add_ta_command(struct mac_pdu_builder *b, int tag_id, int ta_command);
/* Pads the rest of the transport block: nothing when full, else one padding subPDU (R/LCID = 63, then zero
 * bytes) to the end. Returns the PDU length (= tb_size). */
size_t mac_pdu_finish(struct mac_pdu_builder *b);

/* ---- MAC CEs read by the gNB (38.321 6.1.3) ------------------------------------------------------------ */

enum mac_bsr_format { MAC_BSR_SHORT, MAC_BSR_SHORT_TRUNC, MAC_BSR_LONG, MAC_BSR_LONG_TRUNC };

struct mac_bsr {
    enum mac_bsr_format format;
    uint8_t lcg_mask;             /* bit i: LCG i reported (long) / has data (long truncated); short: 1 << lcg */
    int n;                        /* Buffer Size fields read */
    uint8_t lcg[8];               /* LCG of field i: short and long formats (0xff for long truncated, whose
                                     fields follow the UE's logical channel priorities, 5.4.5) */
    uint8_t bs[8];                /* Buffer Size index of field i: 5 bits (short) or 8 bits (long) */
};

/* Parses a BSR CE payload (lcid = 59, 60, 61 or 62 of the UL-SCH). Returns 0 or -EBADMSG (wrong size; a long
 * BSR whose bitmap does not match its fields; a long BSR index 255, which is reserved). */
int mac_bsr_parse(int lcid, const uint8_t *ce, size_t len, struct mac_bsr *bsr);

/* Byte range of a Buffer Size index (Table 6.1.3.1-1 for 5 bits, 6.1.3.1-2 for 8 bits): lo <= BS <= hi; the
 * top index is BS > its predecessor's bound (hi = UINT32_MAX). Returns 0 or -EINVAL (index out of range, or the
 * reserved 8-bit index 255). */
int mac_bsr_range(int index, bool eight_bit, uint32_t *lo, uint32_t *hi);

/* Single Entry PHR (6.1.3.8): PH index 0..63 (Table 6.1.3.8-1) in the low 6 bits of octet 1, P_CMAX,f,c index
 * 0..63 (Table 6.1.3.8-2) in the low 6 bits of octet 2; the dB/dBm values are in 38.133. The two top bits of each
 * octet (R in Rel-15; P/MPE/DPC in later releases) are kept raw in `flags` (octet 1's in bits 3-2, octet 2's in
 * bits 1-0). Returns 0 or -EBADMSG (not 2 bytes). */
struct mac_phr { int ph; int pcmax; int flags; };
int mac_phr_parse(const uint8_t *ce, size_t len, struct mac_phr *phr);

/* C-RNTI CE (6.1.3.2): 2 bytes, big-endian. Returns 0 or -EBADMSG. */
int mac_crnti_parse(const uint8_t *ce, size_t len, uint16_t *rnti);

#endif
