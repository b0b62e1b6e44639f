/* The UE's MAC and PHY-procedure rules (see ue_mac.h). */
#include "tests/uesim/ue_mac.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "phy/ch/pucch_common.h"

#define UE_MAC_LCID_CON_RES 62   /* DL-SCH: UE Contention Resolution Identity (Table 6.2.1-1) */
#define UE_MAC_LCID_TA_COMMAND 61 /* DL-SCH: Timing Advance Command (Table 6.2.1-1) */
#define UE_MAC_TC_PER_MS 1966080.0  /* 480 kHz x 4096 */

int ue_mac_ra_rnti(int s_id, int t_id, int f_id, int ul_carrier_id)
{
    return 1 + s_id + 14 * t_id + 14 * 80 * f_id + 14 * 80 * 8 * ul_carrier_id;
}

void ue_mac_rar_grant_unpack(uint32_t grant, struct ue_mac_rar_grant *g)
{
    g->hopping = (int)(grant >> 26) & 1;
    g->fdra = (int)(grant >> 12) & 0x3fff;
    g->tdra = (int)(grant >> 8) & 0xf;
    g->mcs = (int)(grant >> 4) & 0xf;
    g->tpc = (int)(grant >> 1) & 0x7;
    g->csi = (int)grant & 1;
}

int ue_mac_sliv(int sliv, int *s, int *l)
{
    if (sliv < 0 || sliv > 127) return -EINVAL;
    int a = sliv / 14, b = sliv % 14;
    /* SLIV = 14 (L - 1) + S when L - 1 <= 7, else 14 (14 - L + 1) + (14 - 1 - S). */
    if (a + b < 14) {
        *l = a + 1;
        *s = b;
    } else {
        *l = 14 - a + 1;
        *s = 13 - b;
    }
    return *l >= 1 && *s + *l <= 14 ? 0 : -EINVAL;
}

static int mu_of(int scs_khz)
{
    return scs_khz == 15 ? 0 : scs_khz == 30 ? 1 : scs_khz == 60 ? 2 : scs_khz == 120 ? 3 : -1;
}

/* 38.214 6.1.2.1: one row of the list; k2 absent = j (Table 6.1.2.1.1-4). */
static int tdra_row(const struct rrc_tdra_list *tdra, int row, int mu, struct ue_mac_pusch *m, int *k2)
{
    static const int j[4] = {1, 1, 2, 3};
    if (!tdra || row < 0 || row >= tdra->n) return -EINVAL;
    const struct rrc_tdra *e = &tdra->e[row];
    *k2 = e->has_k ? e->k : j[mu];
    m->type_b = e->mapping_type_b;
    return ue_mac_sliv(e->start_symbol_and_length, &m->start_symbol, &m->nof_symbols);
}

/* 38.214 6.1.2.2.2: type-1 RIV over n_bwp PRBs (same form as the DL's 5.1.2.2.2). */
static int riv_decode(int n_bwp, int riv, int *start, int *len)
{
    if (n_bwp < 1 || riv < 0 || riv >= n_bwp * (n_bwp + 1) / 2) return -EINVAL;
    int a = riv / n_bwp, b = riv % n_bwp;
    if (a + b < n_bwp) {
        *len = a + 1;
        *start = b;
    } else {
        *len = n_bwp - a + 1;
        *start = n_bwp - 1 - b;
    }
    return *start + *len <= n_bwp ? 0 : -EINVAL;
}

int ue_mac_msg3(const struct ue_mac_rar_grant *g, int n_bwp, int scs_khz, const struct rrc_tdra_list *tdra,
                struct ue_mac_pusch *m)
{
    static const int delta[4] = {2, 3, 4, 6};
    int mu = mu_of(scs_khz), k2;
    if (mu < 0 || g->hopping || n_bwp < 1 || n_bwp > 275) return -EINVAL;
    memset(m, 0, sizeof *m);
    /* 38.213 8.3: N <= 180 keeps the 14 bits' ceil(log2(N (N + 1) / 2)) LSBs; above, b = N_bits - 14 MSBs set
     * to 0 (no hopping) go in front of the 14 bits: the value is unchanged. */
    int riv = n_bwp <= 180 ? g->fdra & ((1 << dci_fdra_bits(n_bwp)) - 1) : g->fdra;
    if (riv_decode(n_bwp, riv, &m->prb_start, &m->nof_prb) < 0 || tdra_row(tdra, g->tdra, mu, m, &k2) < 0)
        return -EINVAL;
    m->slot_offset = k2 + delta[mu];
    m->mcs = g->mcs;
    return 0;
}

int ue_mac_dci_0_0_pusch(const struct dci_0_0 *d, int n_bwp, int scs_khz, const struct rrc_tdra_list *tdra,
                         struct ue_mac_pusch *m)
{
    int mu = mu_of(scs_khz), k2;
    if (mu < 0 || d->frequency_hopping) return -EINVAL;
    memset(m, 0, sizeof *m);
    if (riv_decode(n_bwp, (int)d->frequency_domain_assignment, &m->prb_start, &m->nof_prb) < 0 ||
        tdra_row(tdra, (int)d->time_domain_assignment, mu, m, &k2) < 0)
        return -EINVAL;
    m->slot_offset = k2;
    m->mcs = (int)d->mcs;
    return 0;
}

int64_t ue_mac_n_ta_rar(int t_a, int scs_khz)
{
    int mu = mu_of(scs_khz);
    return mu < 0 ? 0 : (int64_t)t_a * 16 * 64 / (1 << mu);
}

int64_t ue_mac_n_ta_command(int64_t n_ta_old, int t_a, int scs_khz)
{
    int mu = mu_of(scs_khz);
    return mu < 0 ? n_ta_old : n_ta_old + (int64_t)(t_a - 31) * 16 * 64 / (1 << mu);
}

int ue_mac_n_ta_samples(int64_t n_ta, int n_ta_offset_tc, double srate)
{
    double offset = n_ta_offset_tc < 0 ? 25600.0 : (double)n_ta_offset_tc;
    return (int)lround(((double)n_ta + offset) * srate / (UE_MAC_TC_PER_MS * 1000.0));
}

int ue_mac_ta_samples(int t_a, int n_ta_offset_tc, int scs_khz, double srate)
{
    if (mu_of(scs_khz) < 0) return 0;
    return ue_mac_n_ta_samples(ue_mac_n_ta_rar(t_a, scs_khz), n_ta_offset_tc, srate);
}

int ue_mac_ta_command_delay_slots(int scs_khz)
{
    static const int n1[4] = {13, 13, 20, 24}, n2[4] = {10, 12, 23, 36};   /* capability 1 (Tables 5.3-1, 6.4-1) */
    int mu = mu_of(scs_khz);
    if (mu < 0) return 1;
    double sym_ms = 1.0 / (14.0 * (1 << mu));
    double n_ta_max_ms = 3846.0 * 16 * 64 / (1 << mu) / UE_MAC_TC_PER_MS;
    double k = (double)(1 << mu) * ((n1[mu] + n2[mu]) * sym_ms + n_ta_max_ms + 0.5) / 1.0;
    return (int)ceil(k - 1e-9) + 1;
}

int ue_mac_ta_command(const uint8_t *pdu, size_t len, int *t_a, int *tag)
{
    struct mac_pdu_rx rx;
    if (mac_pdu_parse(MAC_DIR_DL, pdu, len, &rx, NULL) < 0) return -EBADMSG;
    int found = 0;
    for (int i = 0; i < rx.n; i++) {
        const struct mac_subpdu *sp = &rx.sub[i];
        if (sp->lcid != UE_MAC_LCID_TA_COMMAND || sp->length != 1) continue;
        *tag = pdu[sp->offset] >> 6;
        *t_a = pdu[sp->offset] & 63;
        found = 1;
    }
    return found;
}

int ue_mac_preamble_backoff_ms(bool has_bi, int bi)
{
    /* Table 7.2-1; indices 14 and 15 are reserved: taken as 13's value. */
    static const int ms[14] = {5, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 960, 1920};
    if (!has_bi || bi < 0) return 0;
    return ms[bi < 14 ? bi : 13];
}

int ue_mac_backoff_pick_ms(int preamble_backoff_ms, uint32_t r)
{
    return preamble_backoff_ms > 0 ? (int)(r % (uint32_t)(preamble_backoff_ms + 1)) : 0;
}

int ue_mac_pucch_common(int row, int n_cce0, int nof_cce, int pri, int bwp_size, struct pucch_resource *res)
{
    if (nof_cce < 1 || n_cce0 < 0 || n_cce0 >= nof_cce || pri < 0 || pri > 7) return -EINVAL;
    int r = 2 * n_cce0 / nof_cce + 2 * pri;
    return pucch_common_resource(row, r, bwp_size, res) < 0 ? -EINVAL : r;
}

int ue_mac_k1_dci_1_0(int field)
{
    return (field & 7) + 1;
}

int ue_mac_msg3_pdu(const uint8_t ccch[UE_MAC_CCCH_BYTES], uint8_t *tb, size_t tb_bytes)
{
    /* R/LCID subheader (Figure 6.1.2-3): the 48-bit CCCH has no L field. */
    if (tb_bytes < 1 + UE_MAC_CCCH_BYTES) return -ENOSPC;
    tb[0] = UE_MAC_LCID_CCCH_48;
    memcpy(tb + 1, ccch, UE_MAC_CCCH_BYTES);
    size_t n = 1 + UE_MAC_CCCH_BYTES;
    if (n < tb_bytes) {
        tb[n] = MAC_LCID_PADDING;
        memset(tb + n + 1, 0, tb_bytes - n - 1);
    }
    return 0;
}

int ue_mac_msg4(const uint8_t *pdu, size_t len, const uint8_t sent[UE_MAC_CCCH_BYTES], const uint8_t **ccch,
                size_t *ccch_len)
{
    struct mac_pdu_rx rx;
    *ccch = NULL;
    *ccch_len = 0;
    if (mac_pdu_parse(MAC_DIR_DL, pdu, len, &rx, NULL) < 0) return -EBADMSG;
    const struct mac_subpdu *ce = mac_pdu_find(&rx, UE_MAC_LCID_CON_RES);
    const struct mac_subpdu *sdu = mac_pdu_find(&rx, MAC_LCID_CCCH);
    if (sdu) {
        *ccch = pdu + sdu->offset;
        *ccch_len = sdu->length;
    }
    if (!ce || ce->length != UE_MAC_CCCH_BYTES) return UE_MAC_CONRES_NONE;
    return memcmp(pdu + ce->offset, sent, UE_MAC_CCCH_BYTES) == 0 ? UE_MAC_CONRES_MATCH : UE_MAC_CONRES_MISMATCH;
}

uint8_t ue_mac_short_bsr(int lcg, size_t bytes)
{
    /* Table 6.1.3.1-1: the upper bound of each index 1..30 (index 0: no data, 31: more than 150000). */
    static const uint32_t bound[31] = {0, 10, 14, 20, 28, 38, 53, 74, 102, 142, 198, 276, 384, 535, 745, 1038,
                                       1446, 2014, 2806, 3909, 5446, 7587, 10570, 14726, 20516, 28581, 39818,
                                       55474, 77284, 107669, 150000};
    int i = 0;
    while (i < 31 && bytes > bound[i]) i++;
    return (uint8_t)((lcg & 7) << 5 | (i & 31));
}
