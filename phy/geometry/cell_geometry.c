/* Cell geometry (see cell_geometry.h). */
#include "phy/geometry/cell_geometry.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* 38.213 Tables 13-1..13-6 rows {multiplexing pattern, N_RB^CORESET, N_symb^CORESET, offset}; {0} = reserved. */
static const struct coreset0_row coreset0_15_15[16] = {      /* Table 13-1 */
    {1, 24, 2, 0}, {1, 24, 2, 2}, {1, 24, 2, 4}, {1, 24, 3, 0}, {1, 24, 3, 2}, {1, 24, 3, 4},
    {1, 48, 1, 12}, {1, 48, 1, 16}, {1, 48, 2, 12}, {1, 48, 2, 16}, {1, 48, 3, 12}, {1, 48, 3, 16},
    {1, 96, 1, 38}, {1, 96, 2, 38}, {1, 96, 3, 38}, {0, 0, 0, 0}};
static const struct coreset0_row coreset0_15_30[16] = {      /* Table 13-2 */
    {1, 24, 2, 5}, {1, 24, 2, 6}, {1, 24, 2, 7}, {1, 24, 2, 8}, {1, 24, 3, 5}, {1, 24, 3, 6},
    {1, 24, 3, 7}, {1, 24, 3, 8}, {1, 48, 1, 18}, {1, 48, 1, 20}, {1, 48, 2, 18}, {1, 48, 2, 20},
    {1, 48, 3, 18}, {1, 48, 3, 20}, {0, 0, 0, 0}, {0, 0, 0, 0}};
static const struct coreset0_row coreset0_30_15[16] = {      /* Table 13-3 */
    {1, 48, 1, 2}, {1, 48, 1, 6}, {1, 48, 2, 2}, {1, 48, 2, 6}, {1, 48, 3, 2}, {1, 48, 3, 6},
    {1, 96, 1, 28}, {1, 96, 2, 28}, {1, 96, 3, 28}};
static const struct coreset0_row coreset0_30_30[16] = {      /* Table 13-4 */
    {1, 24, 2, 0}, {1, 24, 2, 1}, {1, 24, 2, 2}, {1, 24, 2, 3}, {1, 24, 2, 4}, {1, 24, 3, 0},
    {1, 24, 3, 1}, {1, 24, 3, 2}, {1, 24, 3, 3}, {1, 24, 3, 4}, {1, 48, 1, 12}, {1, 48, 1, 14},
    {1, 48, 1, 16}, {1, 48, 2, 12}, {1, 48, 2, 14}, {1, 48, 2, 16}};
static const struct coreset0_row coreset0_30_15_40mhz[16] = { /* Table 13-5 */
    {1, 48, 1, 4}, {1, 48, 2, 4}, {1, 48, 3, 4}, {1, 96, 1, 0}, {1, 96, 1, 56}, {1, 96, 2, 0},
    {1, 96, 2, 56}, {1, 96, 3, 0}, {1, 96, 3, 56}};
static const struct coreset0_row coreset0_30_30_40mhz[16] = { /* Table 13-6 */
    {1, 24, 2, 0}, {1, 24, 2, 4}, {1, 24, 3, 0}, {1, 24, 3, 4}, {1, 48, 1, 0}, {1, 48, 1, 28},
    {1, 48, 2, 0}, {1, 48, 2, 28}, {1, 48, 3, 0}, {1, 48, 3, 28}};

/* 38.213 Table 13-11 rows {O, search space sets per slot, 2M, first symbol (-1: 0 / N_symb^CORESET by i)}. */
static const struct type0_ss_row type0_rows[16] = {
    {0, 1, 2, 0}, {0, 2, 1, -1}, {2, 1, 2, 0}, {2, 2, 1, -1}, {5, 1, 2, 0}, {5, 2, 1, -1},
    {7, 1, 2, 0}, {7, 2, 1, -1}, {0, 1, 4, 0}, {5, 1, 4, 0}, {0, 1, 2, 1}, {0, 1, 2, 2},
    {2, 1, 2, 1}, {2, 1, 2, 2}, {5, 1, 2, 1}, {5, 1, 2, 2}};

int cell_geometry_coreset0_row(int ssb_scs_khz, int pdcch_scs_khz, bool tables_40mhz, int index,
                               struct coreset0_row *row)
{
    const struct coreset0_row *t = NULL;
    if (ssb_scs_khz == 15 && pdcch_scs_khz == 15)
        t = coreset0_15_15;
    else if (ssb_scs_khz == 15 && pdcch_scs_khz == 30)
        t = coreset0_15_30;
    else if (ssb_scs_khz == 30 && pdcch_scs_khz == 15)
        t = tables_40mhz ? coreset0_30_15_40mhz : coreset0_30_15;
    else if (ssb_scs_khz == 30 && pdcch_scs_khz == 30)
        t = tables_40mhz ? coreset0_30_30_40mhz : coreset0_30_30;
    if (!t || index < 0 || index > 15 || t[index].mux_pattern == 0)
        return -EINVAL;
    *row = t[index];
    return 0;
}

int cell_geometry_type0_row(int index, struct type0_ss_row *row)
{
    if (index < 0 || index > 15)
        return -EINVAL;
    *row = type0_rows[index];
    return 0;
}

/* 38.213 13, pattern 1: n0 = (O * 2^mu + floor(i * M)) mod N_slot^frame,mu, in a frame whose SFN parity is that
 * of floor((O * 2^mu + floor(i * M)) / N_slot^frame,mu); the UE monitors slots n0 and n0 + 1. */
int cell_geometry_type0_occasion_for(const struct type0_ss_row *row, int mu, int nof_symb, int ssb_index,
                                     struct type0_occasion *occ)
{
    if (mu < 0 || mu > 1 || nof_symb < 1 || nof_symb > 3 || ssb_index < 0 || ssb_index > 7)
        return -EINVAL;
    int slots = 10 << mu;
    int v = (row->o << mu) + ssb_index * row->m2 / 2;
    occ->n0 = v % slots;
    occ->sfn_parity = (v / slots) % 2;
    occ->first_symbol = row->first_symbol >= 0 ? row->first_symbol : (ssb_index % 2 ? nof_symb : 0);
    occ->nof_symbols = nof_symb;
    return 0;
}

int cell_geometry_type0_occasion(const struct cell_geometry *g, int ssb_index, struct type0_occasion *occ)
{
    if (ssb_index < 0 || ssb_index >= g->ssb_l_max)
        return -EINVAL;
    return cell_geometry_type0_occasion_for(&g->ss0, g->mu, g->coreset0.nof_symb, ssb_index, occ);
}

bool cell_geometry_type0_in_slot(const struct cell_geometry *g, int ssb_index, int sfn, int slot)
{
    struct type0_occasion occ;
    int slots = 10 << g->mu;
    if (slot < 0 || slot >= slots || sfn < 0 || cell_geometry_type0_occasion(g, ssb_index, &occ) < 0)
        return false;
    /* Count slots over a pair of frames, so that n0 + 1 past the frame end lands in the next frame. */
    int at = (sfn % 2) * slots + slot, first = occ.sfn_parity * slots + occ.n0;
    return at == first || at == (first + 1) % (2 * slots);
}

int cell_geometry_ssb_first_symbol(const struct cell_geometry *g, int ssb_index)
{
    static const int case_b[4] = {4, 8, 16, 20};
    if (ssb_index < 0 || ssb_index >= g->ssb_l_max)
        return -EINVAL;
    if (g->ssb_pattern == SSB_PATTERN_B)   /* 38.213 4.1: {4, 8, 16, 20} + 28n */
        return case_b[ssb_index % 4] + 28 * (ssb_index / 4);
    return (ssb_index % 2 ? 8 : 2) + 14 * (ssb_index / 2);   /* Cases A and C: {2, 8} + 14n */
}

/* ---- error reporting ---- */

/* Formats "<message> (allowed: <values>)" and stores the two parts apart. */
__attribute__((format(printf, 3, 4)))
static void err_add(struct cell_geometry_errors *errs, const char *key, const char *fmt, ...)
{
    if (errs->count < CELL_GEOMETRY_MAX_ERRORS) {
        struct cell_geometry_error *e = &errs->e[errs->count];
        char text[sizeof(e->msg) + sizeof(e->allowed) + 16];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        char *a = strstr(text, " (allowed: ");
        e->allowed[0] = '\0';
        if (a) {
            *a = '\0';
            snprintf(e->allowed, sizeof(e->allowed), "%s", a + strlen(" (allowed: "));
            size_t k = strlen(e->allowed);
            if (k && e->allowed[k - 1] == ')')
                e->allowed[k - 1] = '\0';
        }
        size_t n = strlen(text) < sizeof(e->msg) ? strlen(text) : sizeof(e->msg) - 1;
        memcpy(e->msg, text, n);
        e->msg[n] = '\0';
        e->key = key;
    }
    errs->count++;
}

static double mhz(int64_t hz) { return (double)hz / 1e6; }

/* Appends ", n" (or "n" first) to a list in `buf`. */
static void list_add(char *buf, size_t len, int n)
{
    size_t used = strlen(buf);
    if (used < len)
        snprintf(buf + used, len - used, "%s%d", used ? ", " : "", n);
}

/* ---- carrier ---- */

/* The NR-ARFCN nearest `hz` on the side given by `up` (FR1: the 5 kHz and 15 kHz ranges of 38.104 5.4.2.1). */
static int64_t arfcn_round(int64_t hz, bool up)
{
    int64_t base = 0, step = 5000, first = 0;
    if (hz >= 3000000000LL) {
        base = 3000000000LL;
        step = 15000;
        first = 600000;
    }
    int64_t d = hz - base, q = d / step;
    if (up && d % step)
        q++;
    return first + q;
}

/* The raster point of `r` (DL) nearest `n` on the side given by `up`. */
static int64_t raster_round(const struct band_raster *r, int64_t n, bool up)
{
    int64_t first = r->dl_first, k = (n - first) / r->step;
    if (n < first)
        return first;
    if (up && (n - first) % r->step)
        k++;
    return first + k * r->step;
}

/* Half the channel bandwidth (or, given N_RB alone, of the transmission bandwidth), in Hz. */
static int64_t carrier_half_hz(const struct cell_geometry *g)
{
    if (g->bandwidth_mhz > 0)
        return (int64_t)g->bandwidth_mhz * 500000;
    return (int64_t)g->nof_prb * 6 * g->scs_khz * 1000;
}

/* DL ARFCN on the band's channel raster (38.101-1 5.4.2.3); DL and paired UL carrier inside the band. */
static int derive_carrier(const struct cell_geometry_input *in, struct cell_geometry *g,
                          struct cell_geometry_errors *errs)
{
    const struct band_info *b = g->band_info;
    const struct band_raster *r = band_raster_for_scs(b, g->scs_khz);
    if (!r) {
        err_add(errs, "scs_khz", "band n%d has no channel raster for %d kHz carriers (allowed: 15, 30)",
                b->band, g->scs_khz);
        return -EINVAL;
    }
    if (in->dl_arfcn <= 0 || !band_raster_contains(r, (uint32_t)in->dl_arfcn, true)) {
        bool inside = in->dl_arfcn >= (int)r->dl_first && in->dl_arfcn <= (int)r->dl_last;
        err_add(errs, "dl_arfcn", "%d is %s of band n%d for %d kHz SCS (allowed: %u..%u in steps of %d)",
                in->dl_arfcn, inside ? "not on the channel raster" : "outside the DL NR-ARFCN range", b->band,
                g->scs_khz, r->dl_first, r->dl_last, r->step);
        return -EINVAL;
    }
    g->dl_arfcn = (uint32_t)in->dl_arfcn;
    g->dl_freq_hz = band_arfcn_to_hz(g->dl_arfcn);

    /* FDD: the UL carrier keeps the band's duplex distance F_DL_low - F_UL_low; TDD: same carrier. */
    int64_t half = carrier_half_hz(g), dup = (int64_t)(b->dl_low_khz - b->ul_low_khz) * 1000;
    int64_t lo = (int64_t)b->dl_low_khz * 1000 + half, hi = (int64_t)b->dl_high_khz * 1000 - half;
    if (b->duplex == BAND_DUPLEX_FDD) {
        if ((int64_t)b->ul_low_khz * 1000 + dup + half > lo)
            lo = (int64_t)b->ul_low_khz * 1000 + dup + half;
        if ((int64_t)b->ul_high_khz * 1000 + dup - half < hi)
            hi = (int64_t)b->ul_high_khz * 1000 + dup - half;
    }
    g->ul_freq_hz = g->dl_freq_hz - dup;
    if (g->dl_freq_hz < lo || g->dl_freq_hz > hi) {
        int64_t a_lo = raster_round(r, arfcn_round(lo, true), true);
        int64_t a_hi = raster_round(r, arfcn_round(hi, false), false);
        err_add(errs, "dl_arfcn",
                "carrier %.3f..%.3f MHz (UL %.3f..%.3f MHz) is not inside band n%d (DL %.1f..%.1f MHz, UL %.1f..%.1f"
                " MHz) (allowed: %lld..%lld in steps of %d for this bandwidth)",
                mhz(g->dl_freq_hz - half), mhz(g->dl_freq_hz + half), mhz(g->ul_freq_hz - half),
                mhz(g->ul_freq_hz + half), b->band, b->dl_low_khz / 1e3, b->dl_high_khz / 1e3,
                b->ul_low_khz / 1e3, b->ul_high_khz / 1e3, (long long)a_lo, (long long)a_hi, r->step);
    }
    if (band_hz_to_arfcn(g->ul_freq_hz, &g->ul_arfcn) < 0)
        return -EINVAL;

    /* 38.211 4.4.4.2 / 5.3.1 with offsetToCarrier = 0: the carrier centre is subcarrier 6 * N_RB above point A
     * (subcarrier 0 of PRB N_RB / 2 for even N_RB, subcarrier 6 of PRB floor(N_RB / 2) for odd N_RB). */
    int64_t to_centre = (int64_t)g->nof_prb * 6 * g->scs_khz * 1000;
    g->dl_point_a_hz = g->dl_freq_hz - to_centre;
    g->ul_point_a_hz = g->ul_freq_hz - to_centre;
    if (band_hz_to_arfcn(g->dl_point_a_hz, &g->dl_point_a_arfcn) < 0 ||
        band_hz_to_arfcn(g->ul_point_a_hz, &g->ul_point_a_arfcn) < 0) {
        err_add(errs, "dl_arfcn", "point A %.3f MHz is not on the global raster (allowed: a carrier whose point A"
                " is an NR-ARFCN)", mhz(g->dl_point_a_hz));
        return -EINVAL;
    }
    return 0;
}

/* ---- SS/PBCH block and CORESET#0 ---- */

enum ssb_fit { SSB_FIT_OK, SSB_FIT_OUTSIDE, SSB_FIT_MISALIGNED, SSB_FIT_CORESET_OUTSIDE };

struct ssb_place {
    int64_t off_hz;          /* block subcarrier 0 above point A */
    int crb, offset_to_point_a, k_ssb, coreset_start;
};

/* Places a block whose SS_REF (its subcarrier 120, 38.104 Table 5.4.3.2-1) is `ss_ref_hz`: inside the carrier
 * (38.508-1 C.1: lowest and highest subcarriers within the carrier's), subcarrier 0 on the 15 kHz grid of
 * point A (38.211 7.4.3.1), and CORESET#0 `cs` inside the carrier. */
static enum ssb_fit ssb_fit(const struct cell_geometry *g, int64_t ss_ref_hz, const struct coreset0_row *cs,
                            struct ssb_place *p)
{
    int64_t scs = g->scs_khz * 1000LL, ssb_scs = g->ssb_scs_khz * 1000LL;
    int64_t off = ss_ref_hz - 120 * ssb_scs - g->dl_point_a_hz;
    p->off_hz = off;
    if (off < 0 || off + 239 * ssb_scs > (12LL * g->nof_prb - 1) * scs)
        return SSB_FIT_OUTSIDE;
    /* 15 kHz steps from pointA are also whole 30 kHz subcarriers whenever both SCS are 30 kHz: below 3 GHz
     * every offset is a multiple of 10 kHz (100 kHz channel raster, 50 kHz SS raster), above it of 30 kHz
     * (30 kHz channel raster, 1.44 MHz SS raster). */
    if (off % 15000)
        return SSB_FIT_MISALIGNED;
    /* 38.211 4.4.4.2: offsetToPointA counts 15 kHz RBs up to the lowest common RB (of subCarrierSpacingCommon)
     * overlapping the block; k_SSB the 15 kHz subcarriers from there (0..23 in FR1, 38.211 7.4.3.1). */
    int off15 = (int)(off / 15000), ratio = g->scs_khz / 15;
    p->crb = off15 / (12 * ratio);
    p->offset_to_point_a = p->crb * ratio;
    p->k_ssb = off15 - 12 * p->offset_to_point_a;
    /* 38.213 13: the offset runs from CORESET#0's lowest RB up to that common RB, in RBs of the CORESET SCS
     * (= subCarrierSpacingCommon); FR1 rows do not depend on k_SSB (only FR2 Tables 13-7/8/10 do). */
    p->coreset_start = p->crb - cs->offset_rb;
    if (p->coreset_start < 0 || p->coreset_start + cs->nof_rb > g->nof_prb)
        return SSB_FIT_CORESET_OUTSIDE;
    return SSB_FIT_OK;
}

/* The lowest SS raster entry of the band at which the block and CORESET#0 fit; -1 when none. */
static int ssb_lowest_gscn(const struct cell_geometry *g, const struct coreset0_row *cs, struct ssb_place *p)
{
    int64_t top = g->dl_point_a_hz + 12LL * g->nof_prb * g->scs_khz * 1000;
    for (int gscn = band_gscn_next(g->band_info, g->ssb_scs_khz, -1); gscn >= 0;
         gscn = band_gscn_next(g->band_info, g->ssb_scs_khz, gscn)) {
        int64_t hz = band_gscn_to_hz(gscn);
        if (hz > top)
            break;
        if (ssb_fit(g, hz, cs, p) == SSB_FIT_OK)
            return gscn;
    }
    return -1;
}

/* A CORESET#0 row usable in this cell: 38.211 7.3.2.2 allows N_symb^CORESET = 3 only with
 * dmrs-TypeA-Position = pos3; srsUE cannot receive pos3 (docs/SRSUE.md §2.2), so it cannot have 3 symbols either. */
static bool coreset0_usable(const struct cell_geometry *g, int index, struct coreset0_row *row)
{
    if (cell_geometry_coreset0_row(g->ssb_scs_khz, g->scs_khz, g->band_info->coreset0_tables_40mhz, index,
                                   row) < 0)
        return false;
    return row->nof_symb < 3 || (g->dmrs_type_a_position == 3 && !g->srsue_compatible);
}

/* Lists the usable CORESET#0 indices that fit with the block at `ss_ref_hz` (0: at any SS raster entry). */
static void coreset0_allowed(const struct cell_geometry *g, int64_t ss_ref_hz, char *buf, size_t len)
{
    struct coreset0_row row;
    struct ssb_place p;
    buf[0] = '\0';
    for (int i = 0; i < 16; i++) {
        if (!coreset0_usable(g, i, &row))
            continue;
        bool fits = ss_ref_hz ? ssb_fit(g, ss_ref_hz, &row, &p) == SSB_FIT_OK : ssb_lowest_gscn(g, &row, &p) >= 0;
        if (fits)
            list_add(buf, len, i);
    }
    if (!buf[0])
        snprintf(buf, len, "none for this carrier");
}

/* Checks the given absoluteFrequencySSB; returns its SS_REF, or 0 after reporting why it cannot be used. */
static int64_t ssb_given(const struct cell_geometry_input *in, struct cell_geometry *g, struct ssb_place *p,
                         struct cell_geometry_errors *errs)
{
    char gscns[160], hint[48] = "";
    struct ssb_place best;
    band_gscn_describe(g->band_info, g->ssb_scs_khz, gscns, sizeof(gscns));
    int suggest = ssb_lowest_gscn(g, &g->coreset0, &best);
    if (suggest >= 0) {
        uint32_t a = 0;
        band_hz_to_arfcn(band_gscn_to_hz(suggest), &a);
        snprintf(hint, sizeof(hint), ", e.g. %u", a);
    }
    int64_t hz = band_arfcn_to_hz((uint32_t)in->ssb_arfcn);
    int gscn = in->ssb_arfcn > 0 && hz > 0 ? band_hz_to_gscn(hz) : -EINVAL;
    if (gscn < 0 || !band_gscn_allowed(g->band_info, g->ssb_scs_khz, gscn)) {
        err_add(errs, "ssb_arfcn", "%d is not on the synchronization raster of band n%d for %d kHz SS/PBCH"
                " blocks (38.104 5.4.3) (allowed: 0 = derive, or the NR-ARFCN of GSCN %s%s)", in->ssb_arfcn,
                g->band_info->band, g->ssb_scs_khz, gscns, hint);
        return 0;
    }
    g->gscn = gscn;
    enum ssb_fit fit = ssb_fit(g, hz, &g->coreset0, p);
    if (fit == SSB_FIT_OUTSIDE) {
        err_add(errs, "ssb_arfcn", "%d: the SS/PBCH block (subcarrier 0 %.3f kHz from point A) is not inside the"
                " %d-PRB carrier (allowed: 0 = derive%s)", in->ssb_arfcn, (double)p->off_hz / 1e3, g->nof_prb,
                hint);
        return 0;
    }
    if (fit == SSB_FIT_MISALIGNED) {
        err_add(errs, "ssb_arfcn", "%d: SS/PBCH block subcarrier 0 is %.3f kHz above point A, not on the"
                " subcarrier grid (38.211 7.4.3.1) (allowed: 0 = derive%s)", in->ssb_arfcn,
                (double)p->off_hz / 1e3, hint);
        return 0;
    }
    if (fit == SSB_FIT_CORESET_OUTSIDE) {
        char allowed[96];
        coreset0_allowed(g, hz, allowed, sizeof(allowed));
        err_add(errs, "coreset0_index", "%d (%d RB, offset %d RB) would occupy CRB %d..%d with the SS/PBCH block"
                " at %d, outside the %d-PRB carrier (allowed: %s with this SSB)", in->coreset0_index,
                g->coreset0.nof_rb, g->coreset0.offset_rb, p->coreset_start,
                p->coreset_start + g->coreset0.nof_rb - 1, in->ssb_arfcn, g->nof_prb, allowed);
        return 0;
    }
    return hz;
}

/* Chooses the lowest SS raster entry that fits (38.508-1 C.2 keeps the block as close to the carrier's lower
 * edge as possible; for 52 and 106 PRB at 368500 this is srsUE's default 368410, docs/SRSUE.md §2.4). */
static int64_t ssb_derived(const struct cell_geometry_input *in, struct cell_geometry *g, struct ssb_place *p,
                           struct cell_geometry_errors *errs)
{
    int gscn = ssb_lowest_gscn(g, &g->coreset0, p);
    if (gscn >= 0) {
        g->gscn = gscn;
        g->ssb_derived = true;
        return band_gscn_to_hz(gscn);
    }
    char gscns[160], allowed[96];
    band_gscn_describe(g->band_info, g->ssb_scs_khz, gscns, sizeof(gscns));
    coreset0_allowed(g, 0, allowed, sizeof(allowed));
    err_add(errs, "coreset0_index", "%d (%d RB, offset %d RB): no SS raster entry of band n%d (GSCN %s) puts"
            " the SS/PBCH block and CORESET#0 inside the %d-PRB carrier at %.3f MHz (allowed: %s)",
            in->coreset0_index, g->coreset0.nof_rb, g->coreset0.offset_rb, g->band_info->band, gscns,
            g->nof_prb, mhz(g->dl_freq_hz), allowed);
    return 0;
}

static int derive_ssb(const struct cell_geometry_input *in, struct cell_geometry *g,
                      struct cell_geometry_errors *errs)
{
    struct ssb_place p;
    int64_t hz = in->ssb_arfcn ? ssb_given(in, g, &p, errs) : ssb_derived(in, g, &p, errs);
    if (!hz)
        return -EINVAL;
    g->ssb_freq_hz = hz;
    band_hz_to_arfcn(hz, &g->ssb_arfcn);
    g->offset_to_point_a = p.offset_to_point_a;
    g->k_ssb = p.k_ssb;
    g->ssb_crb = p.crb;
    g->coreset0_crb_start = p.coreset_start;
    g->ssb_first_subcarrier = g->ssb_scs_khz == g->scs_khz ? (int)(p.off_hz / (g->scs_khz * 1000)) : -1;
    g->ssb_offset_from_dc_hz = hz - g->dl_freq_hz;
    g->mib_ssb_subcarrier_offset = g->k_ssb & 15;
    g->pbch_k_ssb_msb = g->k_ssb >> 4;
    /* 38.213 4.1: L_max = 4 up to 3 GHz (Case C unpaired: 1.88 GHz), 8 above (FR1). */
    int64_t limit = g->ssb_pattern == SSB_PATTERN_C && g->duplex == BAND_DUPLEX_TDD ? 1880000000LL : 3000000000LL;
    g->ssb_l_max = hz <= limit ? 4 : 8;
    /* srsUE looks for the block only at (ssb_nr_arfcn - dl_nr_arfcn) from DC, in whole 15 kHz subcarriers
     * (docs/SRSUE.md §2.4). That needs no check of its own: the DL centre is 6 * N_RB * SCS above pointA, a multiple of
     * 15 kHz, and the block was just placed a multiple of 15 kHz above pointA. */
    return 0;
}

/* ---- inputs ---- */

static void describe_bandwidths(int scs_khz, int max_prb, char *buf, size_t len)
{
    int bw[16], n = band_bandwidths(scs_khz, bw, 16);
    buf[0] = '\0';
    for (int i = 0; i < n && i < 16; i++)
        if (band_nof_prb(bw[i], scs_khz) <= max_prb)
            list_add(buf, len, bw[i]);
}

static int derive_numerology(const struct cell_geometry_input *in, struct cell_geometry *g,
                             struct cell_geometry_errors *errs)
{
    char list[96];
    if (in->scs_khz != 15 && in->scs_khz != 30) {
        err_add(errs, "scs_khz", "%d kHz is not a subCarrierSpacingCommon of FR1 (allowed: 15, 30)", in->scs_khz);
        return -EINVAL;
    }
    g->scs_khz = in->scs_khz;
    g->mu = in->scs_khz == 30;
    g->bandwidth_mhz = in->bandwidth_mhz > 0 ? in->bandwidth_mhz : 0;
    if (in->nof_prb > 0) {
        g->nof_prb = in->nof_prb;
        if (in->nof_prb > 275) {
            err_add(errs, "nof_prb", "%d exceeds N_RB max (allowed: 1..275)", in->nof_prb);
            return -EINVAL;
        }
    } else {
        g->nof_prb = band_nof_prb(in->bandwidth_mhz, in->scs_khz);
        if (g->nof_prb < 0) {
            describe_bandwidths(in->scs_khz, 275, list, sizeof(list));
            err_add(errs, "bandwidth_mhz", "%d MHz has no N_RB at %d kHz SCS (38.101-1 Table 5.3.2-1) (allowed: %s)",
                    in->bandwidth_mhz, in->scs_khz, list);
            return -EINVAL;
        }
    }
    int ssb_scs = in->ssb_scs_khz ? in->ssb_scs_khz : band_default_ssb_scs(g->band_info, in->scs_khz);
    int pattern = band_ssb_pattern_for_scs(g->band_info, ssb_scs);
    if (pattern < 0) {
        err_add(errs, "ssb_scs_khz", "band n%d has no %d kHz SS/PBCH block (allowed: %d)", g->band,
                ssb_scs, band_default_ssb_scs(g->band_info, in->scs_khz));
        return -EINVAL;
    }
    g->ssb_scs_khz = ssb_scs;
    g->ssb_pattern = (enum ssb_pattern)pattern;
    return 0;
}

/* CORESET#0 row, searchSpaceZero row, dmrs-TypeA-Position; -EINVAL only when CORESET#0 is unusable. */
static int derive_pdcch(const struct cell_geometry_input *in, struct cell_geometry *g,
                        struct cell_geometry_errors *errs)
{
    int rc = 0;
    char allowed[96] = "";
    g->dmrs_type_a_position = in->dmrs_type_a_position ? in->dmrs_type_a_position : 2;
    if (g->dmrs_type_a_position != 2 && g->dmrs_type_a_position != 3)
        err_add(errs, "dmrs_type_a_position", "%d is not a dmrs-TypeA-Position (allowed: 2, 3)",
                in->dmrs_type_a_position);
    else if (g->srsue_compatible && g->dmrs_type_a_position != 2)
        err_add(errs, "dmrs_type_a_position", "srsUE assumes pos2 for PUSCH (docs/SRSUE.md §3.3) (allowed: 2 with"
                " srsue_compatible)");
    g->coreset0_index = in->coreset0_index;
    struct coreset0_row row;
    for (int i = 0; i < 16; i++)
        if (coreset0_usable(g, i, &row))
            list_add(allowed, sizeof(allowed), i);
    if (cell_geometry_coreset0_row(g->ssb_scs_khz, g->scs_khz, g->band_info->coreset0_tables_40mhz,
                                   in->coreset0_index, &g->coreset0) < 0) {
        err_add(errs, "coreset0_index", "%d is reserved or out of range for {SSB, PDCCH} SCS {%d, %d} kHz"
                " (38.213 Tables 13-1..13-6) (allowed: %s)", in->coreset0_index, g->ssb_scs_khz, g->scs_khz,
                allowed);
        rc = -EINVAL;
    } else if (g->coreset0.nof_symb == 3 && !coreset0_usable(g, in->coreset0_index, &row)) {
        err_add(errs, "coreset0_index", "%d has 3 symbols, which %s (allowed: %s)", in->coreset0_index,
                g->srsue_compatible ? "srsUE cannot receive (it needs dmrs-TypeA-Position pos3)"
                                    : "needs dmrs_type_a_position = 3 (38.211 7.3.2.2)", allowed);
        rc = -EINVAL;
    }
    g->searchspace0_index = in->searchspace0_index;
    if (cell_geometry_type0_row(in->searchspace0_index, &g->ss0) < 0)
        err_add(errs, "searchspace0_index", "%d is not a row of 38.213 Table 13-11 (allowed: 0..15)",
                in->searchspace0_index);
    g->mib_pdcch_config_sib1 = (g->coreset0_index & 15) * 16 + (g->searchspace0_index & 15);
    return rc;
}

/* What srsUE cannot receive (docs/SRSUE.md §2.2): SCS other than 15 kHz, TDD, more than 106 PRB. */
static int check_srsue(struct cell_geometry *g, struct cell_geometry_errors *errs)
{
    int rc = 0;
    char list[160] = "";
    if (g->scs_khz != 15 || g->ssb_scs_khz != 15) {
        err_add(errs, g->scs_khz != 15 ? "scs_khz" : "ssb_scs_khz", "srsUE supports only 15 kHz SCS and 15 kHz"
                " (Case A) SS/PBCH blocks (allowed: 15 with srsue_compatible)");
        rc = -EINVAL;
    }
    if (g->duplex == BAND_DUPLEX_TDD) {
        int bands[64], n = band_list(bands, 64);
        for (int i = 0; i < n && i < 64; i++)
            if (band_find(bands[i])->duplex == BAND_DUPLEX_FDD)
                list_add(list, sizeof(list), bands[i]);
        err_add(errs, "band", "n%d is TDD; srsUE in SA mode never applies a TDD pattern (allowed: FDD"
                " bands %s with srsue_compatible)", g->band, list);
        rc = -EINVAL;
    }
    if (g->nof_prb > 106) {
        describe_bandwidths(15, 106, list, sizeof(list));
        err_add(errs, g->bandwidth_mhz ? "bandwidth_mhz" : "nof_prb", "%d PRB: srsUE handles at most 106 PRB"
                " (allowed: %s MHz with srsue_compatible)", g->nof_prb, list);
        rc = -EINVAL;
    }
    return rc;
}

/* srsUE's [rf] srate: 15 kHz times its FFT size for N_RB (0 above 106 PRB, which srsUE cannot receive). Derived
 * for every cell, so the UE-side settings can be printed for it. */
static int64_t srsue_srate_hz(int nof_prb)
{
    return nof_prb <= 106 ? 15000LL * band_fft_size(nof_prb) : 0;
}

int cell_geometry_derive(const struct cell_geometry_input *in, struct cell_geometry *g,
                         struct cell_geometry_errors *errs)
{
    struct cell_geometry_errors scratch;
    if (!errs)
        errs = &scratch;
    errs->count = 0;
    memset(g, 0, sizeof(*g));
    g->band = in->band;
    g->ssb_first_subcarrier = -1;
    g->coreset0_crb_start = -1;
    g->srsue_compatible = in->srsue_compatible;
    g->band_info = band_find(in->band);
    if (!g->band_info) {
        char list[160] = "";
        int bands[64], n = band_list(bands, 64);
        for (int i = 0; i < n && i < 64; i++)
            list_add(list, sizeof(list), bands[i]);
        err_add(errs, "band", "n%d is not a supported FR1 band (allowed: %s)", in->band, list);
        return -EINVAL;
    }
    g->duplex = g->band_info->duplex;
    if (derive_numerology(in, g, errs) < 0)
        return -EINVAL;
    int coreset0_ok = derive_pdcch(in, g, errs) == 0;
    g->srsue_srate_hz = srsue_srate_hz(g->nof_prb);
    if (g->srsue_compatible)
        check_srsue(g, errs);
    /* Placing the block on a carrier already reported as invalid would only add follow-on errors. */
    int before = errs->count;
    if (derive_carrier(in, g, errs) < 0 || errs->count > before)
        return -EINVAL;
    if (coreset0_ok)
        derive_ssb(in, g, errs);
    return errs->count ? -EINVAL : 0;
}
