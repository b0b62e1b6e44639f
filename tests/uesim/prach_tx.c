/* uesim's PRACH transmitter (see prach_tx.h). */
#include "tests/uesim/prach_tx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/uesim/ue_mac.h"

#define KAPPA_PER_SUBFRAME 30720

int prach_tx_init(struct prach_tx *p, const struct prach_tx_config *cfg, struct ul_tx *ul)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->ul = ul;
    p->last_planned = -1;
    p->rng = cfg->seed ? cfg->seed : 1;
    return 0;
}

void prach_tx_free(struct prach_tx *p)
{
    if (p->gen_ok) prach_generator_free(&p->gen);
    p->gen_ok = false;
}

int prach_tx_arm(struct prach_tx *p, const struct rrc_sib1 *sib1, bool unpaired, char *why, size_t len)
{
    if (p->armed || (p->cfg.count <= 0 && !p->cfg.on_demand)) return 0;
    const struct rrc_serving_cell_config_common_sib *scc = &sib1->serving_cell_config_common;
    if (!sib1->has_serving_cell_config_common || !scc->has_ul || scc->ul.initial_bwp.rach_sr != PER_SETUP) {
        snprintf(why, len, "SIB1 has no RACH-ConfigCommon");
        return -EINVAL;
    }
    const struct rrc_rach_config_common *r = &scc->ul.initial_bwp.rach;
    const struct prach_config_row *row = prach_config_row(unpaired, r->generic.prach_config_index);
    if (!row) {
        snprintf(why, len, "prach-ConfigurationIndex %d not in the table", r->generic.prach_config_index);
        return -EINVAL;
    }
    enum prach_format f = prach_format_a((enum prach_format)row->format);
    p->ra_scs_khz = r->has_msg1_scs ? r->msg1_scs_khz : p->cfg.scs_khz;
    struct prach_cfg pc = {.sample_rate_hz = p->cfg.srate, .nof_prb = p->cfg.nof_prb, .scs_khz = p->cfg.scs_khz,
                           .format = f, .ra_scs_khz = p->ra_scs_khz,
                           .root_sequence_index = r->prach_root_sequence_index,
                           .zero_correlation_zone = r->generic.zero_correlation_zone_config,
                           .msg1_frequency_start = r->generic.msg1_frequency_start};
    if (prach_generator_init(&p->gen, &pc) < 0) {
        snprintf(why, len, "cannot generate format %s preambles at %.6g Hz", prach_format_params(f)->name,
                 p->cfg.srate);
        return -EINVAL;
    }
    p->gen_ok = true;
    p->unpaired = unpaired;
    p->config_index = r->generic.prach_config_index;
    p->total_preambles = r->has_total_preambles ? r->total_preambles : 64;
    p->tdd = scc->has_tdd;
    if (p->tdd) {
        int slots_per_ms = p->cfg.scs_khz / 15;
        p->tdd_period_slots = scc->tdd.pattern1.period_us * slots_per_ms / 1000;
        p->tdd_ul_slots = scc->tdd.pattern1.ul_slots;
        if (p->tdd_period_slots < 1) {
            snprintf(why, len, "TDD period of %d us", scc->tdd.pattern1.period_us);
            return -EINVAL;
        }
    }
    p->armed = true;
    return 0;
}

/* In TDD, only occasions wholly inside full UL slots (the end of each pattern period). */
static bool in_ul_slots(const struct prach_tx *p, int64_t sf_abs, const struct prach_time_occasion *o)
{
    if (!p->tdd) return true;
    int per_sf = p->cfg.scs_khz / 15, slot_kappa = KAPPA_PER_SUBFRAME / per_sf;
    int first = o->t_start_kappa / slot_kappa, last = (o->t_start_kappa + o->len_kappa - 1) / slot_kappa;
    for (int s = first; s <= last; s++) {
        int64_t slot = sf_abs * per_sf + s;
        if (slot % p->tdd_period_slots < p->tdd_period_slots - p->tdd_ul_slots) return false;
    }
    return true;
}

static unsigned next_rand(struct prach_tx *p)
{
    p->rng = p->rng * 1103515245u + 12345u;
    return (p->rng >> 8) & 0xffffff;
}

/* Preamble v of occasion o at `at` + delay, through ch; *sent says where. Returns 0, or -1 when it cannot go
 * (the tracker reports slots some time after their samples arrived, right after the cell is found by tens of ms:
 * an occasion whose UL already left cannot be used). */
static int send_preamble(struct prach_tx *p, int v, int delay, const struct channel *ch, int sfn, int sf, int64_t at,
                         const struct prach_time_occasion *o, struct prach_tx_sent *sent)
{
    static cf_t buf[1 << 17];
    int n = prach_nof_samples(&p->gen.p, p->cfg.srate, o);
    int64_t start = at + delay;
    if (n <= 0 || n > (int)(sizeof buf / sizeof buf[0]) || !ul_tx_can_place(p->ul, at, n + delay + (ch ? ch->span : 0)))
        return -1;
    if (prach_generate(&p->gen, v, o, buf) != n || ul_tx_add_channel(p->ul, start, buf, n, ch) < 0) return -1;
    int mu_ra = prach_format_is_long(o->format) ? 0 : (p->ra_scs_khz == 30 ? 1 : 0);
    /* 38.321 5.1.3: s_id the occasion's first symbol, t_id its first slot in the frame (mu of the RA SCS;
     * 0 for the long formats), f_id 0 (msg1-FDM 1), NUL carrier. */
    int ra_rnti = ue_mac_ra_rnti(o->start_symbol % 14, sf * (1 << mu_ra) + o->start_symbol / 14, 0, 0);
    *sent = (struct prach_tx_sent){.preamble = v, .sfn = sfn, .subframe = sf, .ra_rnti = ra_rnti, .start = start,
                                   .end = start + n};
    return 0;
}

static void print_sent(const struct prach_tx *p, const struct prach_time_occasion *o, const struct prach_tx_sent *s,
                       int delay, int id, FILE *out)
{
    fprintf(out, "uesim: PRACH sent: preamble=%d sfn=%d subframe=%d format=%s sample=%lld delay=%d ra-rnti=0x%x",
            s->preamble, s->sfn, s->subframe, prach_format_params(o->format) ? prach_format_params(o->format)->name
            : "?", (long long)s->start, delay, s->ra_rnti);
    if (id >= 0) fprintf(out, " ue=%d", id + 1);
    fputc('\n', out);
    (void)p;
}

static bool any_request(const struct prach_tx *p)
{
    for (int i = 0; i < PRACH_TX_MAX_REQ; i++)
        if (p->req[i].pending) return true;
    return false;
}

void prach_tx_on_slot(struct prach_tx *p, int sfn, int slot, int64_t t, FILE *out)
{
    int per_sf = p->cfg.scs_khz / 15;
    if (!p->armed || (p->sent >= p->cfg.count && !any_request(p)) || slot % per_sf != 0) return;
    /* The same subframe one frame later: 10 ms of lead over the UL that carries it. */
    int sf = slot / per_sf, next_sfn = (sfn + 1) % 1024;
    int64_t sf_abs = ((int64_t)(sfn + 1)) * 10 + sf;   /* only for the TDD slot count: periods divide 10 ms */
    if (sf_abs <= p->last_planned) return;
    p->last_planned = sf_abs;
    int64_t sf_start = t + (int64_t)llround(p->cfg.srate * 0.010);
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    int n = prach_time_occasions(p->unpaired, p->config_index, p->ra_scs_khz, next_sfn, sf, occ);
    for (int i = 0; i < n; i++) {
        if (!in_ul_slots(p, sf_abs, &occ[i])) continue;
        int off = prach_kappa_to_samples(occ[i].t_start_kappa, p->cfg.srate);
        if (off < 0) continue;
        int64_t at = sf_start + off;
        struct prach_tx_sent s;
        if (p->sent < p->cfg.count) {
            int v = p->cfg.preamble >= 0 ? p->cfg.preamble : (int)(next_rand(p) % (unsigned)p->total_preambles);
            if (send_preamble(p, v, p->cfg.delay_samples, NULL, next_sfn, sf, at, &occ[i], &s) == 0) {
                p->last = s;
                p->sent++;
                print_sent(p, &occ[i], &s, p->cfg.delay_samples, -1, out);
            }
        }
        for (int id = 0; id < PRACH_TX_MAX_REQ; id++) {
            struct prach_tx_req *r = &p->req[id];
            if (!r->pending || at < r->not_before ||
                send_preamble(p, r->preamble, r->delay, r->ch, next_sfn, sf, at, &occ[i], &s) < 0)
                continue;
            r->pending = false;
            r->last = s;
            r->sent++;
            print_sent(p, &occ[i], &s, r->delay, id, out);
        }
    }
}

int prach_tx_request_ue(struct prach_tx *p, int id, int preamble, int delay, const struct channel *ch,
                        int64_t not_before)
{
    if (id < 0 || id >= PRACH_TX_MAX_REQ || preamble < 0 || preamble >= 64 || delay < 0) return -EINVAL;
    struct prach_tx_req *r = &p->req[id];
    r->pending = true;
    r->preamble = preamble;
    r->delay = delay;
    r->ch = ch;
    r->not_before = not_before;
    return 0;
}

int prach_tx_nof_preambles(const struct prach_tx *p)
{
    return p->armed ? p->total_preambles : 64;
}
