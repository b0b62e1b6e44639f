/* The downlink PHY processor: one DL slot request from the MAC in, one slot of baseband samples out.
 *
 * For each slot it clears the resource grid, places what the request lists in order - SS/PBCH blocks (38.211
 * 7.4.3), PDCCHs (38.211 7.3.2 with 38.212 7.3: DCI bits -> CRC with RNTI -> polar -> CORESET REs, phy/ch/pdcch),
 * PDSCHs (38.211 7.3.1, 7.4.1.1, phy/ch/pdsch) - and OFDM-modulates the slot with the 38.211 5.4 up-conversion
 * phase term for the DL carrier centre (phy/ofdm). The MAC has made the allocations disjoint; nothing here
 * rate-matches around anything.
 *
 * A PDSCH names a codeword stored beforehand with phy_dl_set_codeword(): a transport block that repeats
 * unchanged (SIB1) goes through DL-SCH coding (38.212 7.2, phy/ch/dlsch) once, at init; each slot then only
 * scrambles, modulates and maps it. Workspaces are sized at phy_dl_init; phy_dl_process never allocates.
 *
 * Threading: one struct phy_dl per thread (the PHY DL stage); phy_dl_init/phy_dl_set_codeword/phy_dl_free on the
 * thread that owns it before/after it runs. The request is plain data.
 */
#ifndef GNBD_PHY_DL_H
#define GNBD_PHY_DL_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pdcch.h"
#include "phy/ch/pdsch.h"
#include "phy/ch/ssb.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "phy/types.h"

#define DL_MAX_PDCCH 16             /* PDCCHs per slot (the MAC's CCE allocator, mac/pdcch_alloc.h, decides) */
#define DL_MAX_PDSCH 8              /* PDSCHs per slot, on disjoint PRBs */
#define DL_DCI_MAX_BITS 64
#define PHY_DL_MAX_CODEWORDS 2

/* Codewords kept by the PHY (phy_dl_set_codeword), or PHY_DL_CW_TB: a transport block given with the request,
 * DL-SCH-encoded in the slot (RAR, Msg4, UE data). */
enum phy_dl_codeword { PHY_DL_CW_SIB1, PHY_DL_CW_TB = -1 };

/* One PDCCH: a DCI payload for an RNTI on a candidate of a CORESET. */
struct dl_pdcch {
    struct pdcch_coreset coreset;
    uint16_t rnti;                  /* masks the CRC (38.212 7.3.2) */
    uint16_t n_id, n_rnti;          /* scrambling (38.211 7.3.2.3) */
    int al, first_cce;
    int dci_len;
    uint8_t dci[DL_DCI_MAX_BITS];   /* payload bits, one per byte */
};

/* One PDSCH carrying a stored codeword or a transport block encoded in the slot. */
struct dl_pdsch {
    struct pdsch_grant grant;       /* its G must be the codeword's length (dlsch.g for a TB) */
    int codeword;                   /* enum phy_dl_codeword */
    /* codeword PHY_DL_CW_TB: the TB (dlsch.tbs / 8 bytes, MSB first) and its DL-SCH coding (38.212 7.2) */
    struct dlsch_cfg dlsch;
    const uint8_t *tb;
    int tb_index;                   /* the MAC's buffer (mac_dl_tb_release), -1 when none */
};

/* What the MAC asks the PHY to send in one DL slot. */
struct dl_slot_request {
    uint64_t slot;                  /* slot index within the stream epoch */
    int sfn;                        /* 0..1023 */
    int slot_in_frame;
    uint16_t silent_symbols;        /* bit l: symbol l is not DL (TDD UL or flexible, 38.213 11.1): sent as zeros */
    int n_ssb;                      /* SS/PBCH blocks starting in this slot */
    struct ssb_occasion ssb[SSB_MAX_PER_SLOT];
    uint8_t mib[PBCH_MIB_BITS];     /* BCH bits for this frame (38.212 7.1.1 a-bar) */
    int n_pdcch;
    struct dl_pdcch pdcch[DL_MAX_PDCCH];
    int n_pdsch;
    struct dl_pdsch pdsch[DL_MAX_PDSCH];
};

struct phy_dl_config {
    int pci;
    int nof_prb;
    int scs_khz;
    double sample_rate_hz;
    double f0_hz;                   /* DL carrier centre for the 38.211 5.4 phase term */
    int ssb_first_subcarrier;       /* carrier subcarrier of SSB subcarrier 0 (from the cell geometry) */
    int ssb_l_max;
    int k_ssb;
    /* Fault injection for receiver tests (never in service): scramble the PBCH for another cell ID
     * ((pci + 4) mod 1008: same DM-RS and PBCH RE positions, wrong 38.211 7.3.3.1 and 38.212 7.1.2 c_init). */
    bool fault_pbch_scrambling;
    /* ... and the PDSCH scrambled (and its DM-RS generated) for n_ID + 1 instead of the cell's. */
    bool fault_pdsch_scrambling;
};

struct phy_dl {
    struct phy_dl_config cfg;
    struct ofdm ofdm;
    struct ssb ssb;
    struct ssb ssb_fault;           /* only with cfg.fault_pbch_scrambling */
    struct grid grid;
    struct pdsch pdsch;
    uint8_t *cw[PHY_DL_MAX_CODEWORDS];   /* stored codewords, G bits one per byte */
    int cw_bits[PHY_DL_MAX_CODEWORDS];
    struct dlsch enc;               /* DL-SCH encoder for TBs given per slot */
    bool enc_ok;
    uint8_t *cw_slot;               /* their codeword, cw_slot_max bits */
    int cw_slot_max;
    int slots_per_subframe;
    unsigned dirty;                 /* grid symbols that may hold REs from the last slot (cleared next slot) */
    /* The last slot built with no SS/PBCH block and only stored codewords (the SIB1 slot of an idle cell): its
     * samples and the request they follow from. The same request again (SIB1 every 20 ms: same slot in the
     * frame, so the same DM-RS and scrambling) is a copy of them, not built and transformed again. */
    cf_t *repeat;
    bool repeat_valid;
    struct dl_slot_request repeat_req;
    uint64_t repeats;               /* slots served from repeat */
};

int phy_dl_init(struct phy_dl *d, const struct phy_dl_config *cfg);
void phy_dl_free(struct phy_dl *d);
/* Encodes the transport block tb (cfg->tbs / 8 bytes) with DL-SCH coding into cfg->g bits and keeps them as
 * codeword `id` (replacing an earlier one). Allocates: call at init, never while phy_dl_process may run.
 * Returns 0, -EINVAL (bad id or cfg), -ENOMEM. */
int phy_dl_set_codeword(struct phy_dl *d, int id, const struct dlsch_cfg *cfg, const uint8_t *tb);
/* Samples per slot this processor produces. */
int phy_dl_slot_samples(const struct phy_dl *d);
/* Build and modulate one slot into out. A PDSCH with a TB (codeword PHY_DL_CW_TB) is DL-SCH encoded here:
 * TB CRC, segmentation, LDPC, rate matching (phy/ch/dlsch.h), no allocation.
 * Build and modulate one slot into out (phy_dl_slot_samples() samples); the samples of req->silent_symbols are
 * zeros (nothing is mapped there: the MAC schedules nothing in them). Returns 0, or -EINVAL for a request it
 * cannot send (bad SSB, PDCCH or PDSCH; a PDSCH whose codeword is missing or of another length). */
int phy_dl_process(struct phy_dl *d, const struct dl_slot_request *req, cf_t *out);
/* True when req asks for nothing (no SS/PBCH block, PDCCH or PDSCH): phy_dl_process() would write only zeros, so
 * the caller may skip it and send zeros it already has (the PHY DL stage: a slot flagged as zeros). */
bool phy_dl_slot_empty(const struct dl_slot_request *req);

#endif
