/* HARQ-ACK timing and the dynamic codebook (see harq_ack.h). */
#include "mac/harq_ack.h"

#include <errno.h>
#include <string.h>

int harq_ack_timing_init(struct harq_ack_timing *t, const struct slot_pattern *p)
{
    memset(t, 0, sizeof *t);
    t->period = p->period_slots;
    if (!p->tdd) { /* FDD: k1 4, {1..8} as DCI 1_0 reads its field */
        t->k1[0] = HARQ_ACK_K1_MIN;
        for (int i = 0; i < HARQ_ACK_LIST; i++) t->list[i] = i + 1;
        return 0;
    }
    bool used[HARQ_ACK_K1_MAX + 1] = {false};
    int n_used = 0, any = 0;
    for (int s = 0; s < t->period; s++) {
        if (p->dl[s] != SLOT_ALL_SYMBOLS) continue; /* UE PDSCHs go in wholly DL slots only */
        int k = HARQ_ACK_K1_MIN;
        while (k <= HARQ_ACK_K1_MAX && !slot_pattern_ul_span(p, (uint64_t)(s + k), 0, 14)) k++;
        if (k > HARQ_ACK_K1_MAX) continue;
        any = 1;
        if (!used[k] && n_used == HARQ_ACK_LIST) continue; /* a ninth value: the slot takes no PDSCH */
        if (!used[k]) n_used++;
        used[k] = true;
        t->k1[s] = k;
    }
    if (!any) return -EINVAL;
    /* the values in use, then unused ones from K1_MIN up, to 8 entries; ascending */
    for (int k = HARQ_ACK_K1_MIN; k <= HARQ_ACK_K1_MAX && n_used < HARQ_ACK_LIST; k++)
        if (!used[k]) {
            used[k] = true;
            n_used++;
        }
    int n = 0;
    for (int k = 0; k <= HARQ_ACK_K1_MAX; k++)
        if (used[k]) t->list[n++] = k;
    return 0;
}

int harq_ack_k1(const struct harq_ack_timing *t, uint64_t slot, bool dci_1_0, uint32_t *field)
{
    int k1 = t->period > 0 ? t->k1[slot % (uint64_t)t->period] : 0;
    if (k1 <= 0) return 0;
    if (dci_1_0) {
        if (k1 > HARQ_ACK_DCI_1_0_K1_MAX) return 0;
        if (field) *field = (uint32_t)(k1 - 1);
        return k1;
    }
    for (int i = 0; i < HARQ_ACK_LIST; i++)
        if (t->list[i] == k1) {
            if (field) *field = (uint32_t)i;
            return k1;
        }
    return 0;
}

uint32_t harq_ack_dai(int m)
{
    return (uint32_t)(m - 1) & 3u;
}

int harq_ack_dai_position(int n, uint32_t dai)
{
    return n + 1 + (int)((dai - (uint32_t)n) & 3u);
}

int harq_ack_pucch_set(int nbits)
{
    return nbits <= HARQ_ACK_SET0_MAX_BITS ? 0 : 1;
}
