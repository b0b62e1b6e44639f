/* UE-side PDSCH + DL-SCH reception for the UE simulator: one grant on a demodulated slot grid -> the transport
 * block with its CRCs checked, through one of cfg.nof_buffers HARQ soft buffers (one per DL HARQ process the
 * caller keeps apart, 38.321 5.3.2.1; the caller chooses the buffer).
 *
 * Chain: phy/ch/pdsch pdsch_decode (38.211 7.4.1.1 DM-RS channel estimate, equalisation, soft demapping,
 * 38.211 7.3.1.1 descrambling) -> phy/ch/dlsch (38.212 7.2.5 / 5.4.2 rate recovery added into the soft buffer of
 * each code block: soft combining of repetitions and redundancy versions, as a HARQ process does, 38.321 5.3.2)
 * -> LDPC decoding (38.212 5.3.2, phy/fec/ldpc_decoder) with the CB CRC24B and TB CRC checks (38.212 7.2.1, 7.2.3).
 * dl_rx_grant_mcs() applies 38.214 5.1.3: Q_m and R from the MCS table row, the TBS of 5.1.3.2 with N_DMRS^PRB
 * counting the DM-RS REs and the CDM groups without data (type 1: 6 REs per group and symbol, type 2: 4).
 * Limited-buffer rate matching is off (N_cb = N), as for SI-RNTI, RA-RNTI and TC-RNTI and srsUE's default.
 *
 * Threading: one struct dl_rx per thread; dl_rx_init/free allocate, dl_rx_decode allocates nothing.
 */
#ifndef GNBD_UESIM_DL_RX_H
#define GNBD_UESIM_DL_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/fec/tbs.h"
#include "phy/grid/grid.h"

#define DL_RX_LDPC_ITERATIONS 12
#define DL_RX_MAX_BUFFERS 16

struct dl_rx_config {
    int max_prb;                  /* largest allocation, 1..275 */
    int max_tbs;                  /* largest TBS in bits (sizes the soft buffers) */
    int nof_buffers;              /* soft buffers, 1..DL_RX_MAX_BUFFERS (0: 1) */
    enum ldpc_decoder_impl impl;  /* LDPC decoder implementation (AUTO: AVX2 when the CPU has it) */
};

struct dl_rx_result {
    bool crc_ok;                  /* TB CRC (and every CB CRC) holds */
    int cb_crc_failed;            /* code blocks whose CRC24B failed (C > 1) */
    int combined;                 /* transmissions in the soft buffer, this one included */
    float snr_db, noise_var;      /* of the DM-RS channel estimate (pdsch_decode) */
    const uint8_t *tb;            /* tbs / 8 bytes, valid until the next dl_rx_decode */
};

struct dl_rx {
    struct dl_rx_config cfg;
    struct pdsch pdsch;
    struct ldpc_decoder dec;
    float *llr;                   /* G LLRs of one transmission */
    float *soft;                  /* nof_buffers x soft_cap: C x N soft circular buffers each */
    uint8_t *cbs, *tb;
    size_t max_g, soft_cap, cbs_cap;
    struct dl_rx_buf {            /* a HARQ process's soft buffer */
        bool active;              /* it holds an undecoded TB */
        struct dlsch_params p;
        int combined;
    } buf[DL_RX_MAX_BUFFERS];
};

/* Returns 0, -EINVAL (bad config), -ENOMEM. */
int dl_rx_init(struct dl_rx *rx, const struct dl_rx_config *cfg);
void dl_rx_free(struct dl_rx *rx);

/* 38.214 5.1.3: sets gr->modulation and fills dc (TBS, R, Q_m, rv, G) for MCS `mcs` of table t, one layer.
 * tb_scaling: the DCI 1_0 TB scaling field (RA-RNTI, P-RNTI), else 0. Returns 0, -EINVAL (bad grant, a
 * reserved MCS row without a TBS to repeat, no data RE). */
int dl_rx_grant_mcs(struct pdsch_grant *gr, enum tbs_mcs_table t, int mcs, int rv, int tb_scaling,
                    struct dlsch_cfg *dc);

/* Receives grant gr of grid g as transmission rv of dc into soft buffer 0: with new_data (or a TB of other
 * parameters than the one buffered) the soft buffer starts empty, else this transmission is combined with the
 * earlier ones. A TB that decodes empties the buffer. Returns 0 (res says whether the CRC held), -EINVAL (a grant
 * or TB beyond the init's sizes, or one pdsch/dlsch refuse). */
int dl_rx_decode(struct dl_rx *rx, const struct grid *g, const struct pdsch_grant *gr, const struct dlsch_cfg *dc,
                 bool new_data, struct dl_rx_result *res);

/* The same into soft buffer `buffer` (0 .. nof_buffers - 1; else -EINVAL). */
int dl_rx_decode_buffer(struct dl_rx *rx, int buffer, const struct grid *g, const struct pdsch_grant *gr,
                        const struct dlsch_cfg *dc, bool new_data, struct dl_rx_result *res);

/* Whether soft buffer `buffer` holds an undecoded TB. */
bool dl_rx_buffer_active(const struct dl_rx *rx, int buffer);

#endif
