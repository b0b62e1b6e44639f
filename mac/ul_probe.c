/* The UL probe test mode: its requests and checks (the contract is in mac/ul_probe.h). */
#include "mac/ul_probe.h"

#include <errno.h>
#include <string.h>

#include "phy/fec/tbs.h"

int ul_probe_init(struct ul_probe *p, const struct ul_probe_config *cfg, int pci, int nof_prb, int dmrs_type_a_pos,
                  int scs_khz)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->slots_per_frame = 10 * scs_khz / 15;
    if (!cfg->enabled) return 0;
    if (cfg->pusch_nof_prb > 0) {
        struct tbs_mcs row;
        if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, cfg->pusch_mcs, &row) < 0 || row.reserved) return -EINVAL;
        struct pusch_grant *g = &p->pusch.grant;
        *g = (struct pusch_grant){.rnti = (uint16_t)cfg->rnti, .n_id = (uint16_t)pci,
                                  .modulation = row.qm == 2 ? MODULATION_QPSK : row.qm == 4 ? MODULATION_16QAM
                                                                                            : MODULATION_64QAM,
                                  .crb_start = cfg->pusch_prb_start, .nof_rb = cfg->pusch_nof_prb,
                                  .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14,
                                  .dmrs = {.config_type = 1, .type_a_position = dmrs_type_a_pos,
                                           .additional_position = 1, .cdm_groups_without_data = 2,
                                           .n_id = (uint16_t)pci}};
        if (pusch_grant_check(g) < 0 || g->crb_start + g->nof_rb > nof_prb) return -EINVAL;
        struct tbs_cfg t = {.n_prb = g->nof_rb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(g), .layers = 1,
                            .qm = row.qm, .r_x1024 = row.r_x1024};
        int tbs = tbs_compute(&t);
        if (tbs <= 0) return -EINVAL;
        p->pusch.tb = (struct pusch_tb){.tbs = tbs, .r = row.r_x1024 / 1024.0, .rv = 0, .new_data = true,
                                        .max_iterations = 10};
    }
    if (cfg->pucch_format != UL_PROBE_PUCCH_NONE) {
        int prb = cfg->pucch_prb < 0 ? nof_prb - 1 : cfg->pucch_prb;
        struct pucch_resource r = {.start_prb = prb, .nof_prb = 1};
        switch (cfg->pucch_format) {
        case UL_PROBE_PUCCH_F0:
            r.format = PUCCH_FORMAT_0, r.start_symbol = 12, r.nof_symbols = 2;
            p->pucch.nof_bits = 1;
            break;
        case UL_PROBE_PUCCH_F1:
            r.format = PUCCH_FORMAT_1, r.start_symbol = 0, r.nof_symbols = 14;
            p->pucch.nof_bits = 1;
            break;
        default:
            r.format = PUCCH_FORMAT_2, r.start_symbol = 12, r.nof_symbols = 2, r.nof_prb = 2;
            if (prb == nof_prb - 1) r.start_prb = prb - 1;
            p->pucch.nof_bits = cfg->pucch_bits;
            break;
        }
        p->pucch.cfg = (struct pucch_config){.res = r, .bwp_start = 0, .bwp_size = nof_prb, .n_id = (uint16_t)pci,
                                             .n_id_data = (uint16_t)pci, .n_id_dmrs = (uint16_t)pci,
                                             .rnti = (uint16_t)cfg->rnti};
        if (pucch_check(&p->pucch.cfg, NULL) < 0) return -EINVAL;
    }
    return 0;
}

uint64_t ul_probe_n(const struct ul_probe *p, uint64_t slot)
{
    return slot % (uint64_t)(1024 * p->slots_per_frame);
}

int ul_probe_slot(const struct ul_probe *p, uint64_t slot, struct ul_slot_request *ul)
{
    if (!probe_slot(&p->cfg, ul_probe_n(p, slot))) return 0;
    int n = 0;
    int sl = (int)(slot % (uint64_t)p->slots_per_frame);
    if (p->cfg.pusch_nof_prb > 0 && ul->n_pusch < UL_MAX_PUSCH) {
        struct ul_pusch_req *q = &ul->pusch[ul->n_pusch++];
        *q = p->pusch;
        q->grant.slot = sl;
        n++;
    }
    if (p->cfg.pucch_format != UL_PROBE_PUCCH_NONE && ul->n_pucch < UL_MAX_PUCCH) {
        struct ul_pucch_req *q = &ul->pucch[ul->n_pucch++];
        *q = p->pucch;
        q->cfg.slot = sl;
        n++;
    }
    return n;
}

bool ul_probe_payload_ok(const struct ul_probe *p, uint64_t slot, const uint8_t *tb, int bytes)
{
    uint64_t n = ul_probe_n(p, slot);
    for (int i = 0; i < bytes; i++)
        if (tb[i] != probe_payload_byte(n, i)) return false;
    return true;
}

bool ul_probe_uci_ok(const struct ul_probe *p, uint64_t slot, const uint8_t *bits, int nbits)
{
    uint64_t n = ul_probe_n(p, slot);
    for (int j = 0; j < nbits; j++)
        if (bits[j] != probe_uci_bit(n, j)) return false;
    return true;
}
