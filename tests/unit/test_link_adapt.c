/* mac/link_adapt: the required-SNR formula against hand-worked rows, the MCS choice within its bounds, and the
 * outer loop against a simulated channel whose BLER per MCS is known:
 *  - a step channel (every MCS up to M* decodes, every one above fails): the loop settles on M*, tries M* + 1
 *    about one TB in ten (the 10 % target), never goes higher, and the measured BLER is near 10 %;
 *  - a smooth (logistic) BLER curve: the measured BLER settles near the target;
 *  - a DL much worse than the UL SNR prior says: NACKs pull it down to the DL's own M*;
 *  - a NACK storm lowers the MCS at every failure until the offset's lower bound;
 *  - dl_mcs_max / ul_mcs_max bound the choice; fixed MCSs replace it; bad configurations are refused. */
#include <check.h>
#include <errno.h>
#include <math.h>

#include "mac/link_adapt.h"
#include "tests/unit/check_run.h"

static uint32_t rng = 1;
static double urand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) / 16777216.0;
}

static struct link_adapt la_default(void)
{
    struct link_adapt_config c;
    link_adapt_config_default(&c);
    struct link_adapt la;
    ck_assert_int_eq(link_adapt_init(&la, &c), 0);
    return la;
}

START_TEST(required_snr_formula)
{
    /* MCS 0 of Table 5.1.3.1-1: QPSK, R = 120/1024: SE 0.234375, 2^(0.3125) - 1 = 0.24180 -> -6.165 dB */
    ck_assert_double_eq_tol(link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, 0), -6.165, 0.01);
    /* MCS 28: 64QAM, R = 948/1024: SE 5.5547, 2^7.40625 - 1 = 168.63 -> 22.27 dB */
    ck_assert_double_eq_tol(link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, 28), 22.27, 0.01);
    /* MCS 27 of Table 5.1.3.1-2: 256QAM, R = 948/1024: SE 7.40625, 2^9.875 - 1 = 938.1 -> 29.72 dB */
    ck_assert_double_eq_tol(link_adapt_required_snr_db(TBS_MCS_TABLE_256QAM, 27), 29.72, 0.01);
    ck_assert(isinf(link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, 29)));  /* reserved */
    ck_assert(isinf(link_adapt_required_snr_db(TBS_MCS_TABLE_256QAM, 28)));
    ck_assert(isinf(link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, 32)));
    /* rising with the row, but for the modulation switches (rows 16 -> 17 of Table 5.1.3.1-1: SE 2.5703 ->
     * 2.5664) */
    for (int t = 0; t < 2; t++)
        for (int m = 1; m <= (t ? 27 : 28); m++)
            ck_assert(link_adapt_required_snr_db(t ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM, m) >
                      link_adapt_required_snr_db(t ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM, m - 1) - 0.02);
}
END_TEST

START_TEST(mcs_for_snr_and_bounds)
{
    struct link_adapt la = la_default();
    float r10 = link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, 10);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, r10, 28), 10);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, r10 - 0.01f, 28), 9);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, -30, 28), 0);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, 60, 28), 28);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, 60, 12), 12);
    ck_assert_int_eq(link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_256QAM, 60, 31), 27);
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_256QAM, link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_256QAM, 31, 27),
                                    &row), 0);
    ck_assert_int_eq(row.qm, 8); /* 31 dB: 256QAM */
}
END_TEST

START_TEST(start_values_and_snr_filter)
{
    struct link_adapt la = la_default();
    struct link_adapt_ue s;
    link_adapt_ue_reset(&la, &s);
    ck_assert_int_eq(link_adapt_dl_mcs(&la, &s), 2); /* the start rows before any measurement */
    ck_assert_int_eq(link_adapt_ul_mcs(&la, &s), 4);
    ck_assert_int_eq(s.dl.last_mcs, 2);
    link_adapt_ul_snr(&s, NAN);
    ck_assert(!s.snr_valid);
    link_adapt_ul_snr(&s, 20);
    ck_assert(s.snr_valid);
    ck_assert_double_eq_tol(s.snr_db, 20, 1e-6);
    link_adapt_ul_snr(&s, 12);
    ck_assert_double_eq_tol(s.snr_db, 18, 1e-6); /* 20 + (12 - 20) / 4 */
    link_adapt_ul_snr(&s, INFINITY);
    ck_assert_double_eq_tol(s.snr_db, 18, 1e-6);
    link_adapt_ul_snr(&s, 1000);                 /* clamped to 50 */
    ck_assert_double_eq_tol(s.snr_db, 18 + (50 - 18) / 4.0, 1e-5);
    /* UL: the SNR itself; DL: 3 dB below it (the conservative start) */
    ck_assert_int_eq(link_adapt_ul_mcs(&la, &s), link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, s.snr_db, 28));
    ck_assert_int_eq(link_adapt_dl_mcs(&la, &s),
                     link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, s.snr_db - 3, 28));
}
END_TEST

/* The DL loop against a channel: bler(mcs) gives each TB's failure probability. Returns the BLER measured over
 * the last `tail` of n TBs and fills hist with how often each MCS was chosen then. */
static double run_dl(const struct link_adapt *la, struct link_adapt_ue *s, double (*bler)(int, double), double p,
                     int n, int tail, int hist[LINK_ADAPT_ROWS])
{
    int ko = 0;
    for (int m = 0; m < LINK_ADAPT_ROWS; m++) hist[m] = 0;
    for (int i = 0; i < n; i++) {
        int mcs = link_adapt_dl_mcs(la, s);
        ck_assert(mcs >= 0 && mcs <= la->cfg.dl_mcs_max);
        bool ack = urand() >= bler(mcs, p);
        link_adapt_dl_result(la, s, ack);
        if (i >= n - tail) {
            hist[mcs]++;
            ko += !ack;
        }
    }
    return (double)ko / tail;
}

static double step_bler(int mcs, double m_star) { return mcs <= (int)m_star ? 0.0 : 1.0; }

/* Logistic in dB around the row's required SNR + 2 dB of receiver loss, for a channel of SNR p. */
static double smooth_bler(int mcs, double snr)
{
    double x = link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, mcs) + 2.0 - snr;
    return 1.0 / (1.0 + exp(-2.0 * x));
}

START_TEST(converges_on_step_channel)
{
    struct link_adapt la = la_default();
    for (int m_star = 3; m_star <= 24; m_star += 7) {
        struct link_adapt_ue s;
        link_adapt_ue_reset(&la, &s);
        /* the UL SNR says about M* + 3: the DL is somewhat worse than the UL */
        link_adapt_ul_snr(&s, link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, m_star + 3));
        int hist[LINK_ADAPT_ROWS];
        double b = run_dl(&la, &s, step_bler, m_star, 3000, 1000, hist);
        ck_assert_msg(hist[m_star] >= 600, "M*=%d: chosen %d of 1000", m_star, hist[m_star]);
        for (int m = m_star + 2; m < LINK_ADAPT_ROWS; m++) ck_assert_int_eq(hist[m], 0);
        ck_assert_msg(b > 0.04 && b < 0.16, "M*=%d: BLER %.3f", m_star, b);
    }
}
END_TEST

START_TEST(converges_on_smooth_channel)
{
    struct link_adapt la = la_default();
    for (double snr = 0; snr <= 20; snr += 10) {
        struct link_adapt_ue s;
        link_adapt_ue_reset(&la, &s);
        link_adapt_ul_snr(&s, (float)snr);
        int hist[LINK_ADAPT_ROWS];
        double b = run_dl(&la, &s, smooth_bler, snr, 4000, 2000, hist);
        ck_assert_msg(b > 0.06 && b < 0.14, "SNR %.0f dB: BLER %.3f", snr, b);
        /* mostly at the highest row of BLER <= 15 % on this channel, the rest on its neighbours */
        int target = 0, top = 0;
        for (int m = 0; m <= 28; m++) {
            if (smooth_bler(m, snr) <= 0.15) target = m;
            if (hist[m] > hist[top]) top = m;
        }
        ck_assert_int_eq(top, target);
        ck_assert_msg(hist[target - 1] + hist[target] + hist[target + 1] >= 1800, "SNR %.0f dB", snr);
    }
}
END_TEST

START_TEST(wrong_prior_corrected)
{
    struct link_adapt la = la_default();
    struct link_adapt_ue s;
    link_adapt_ue_reset(&la, &s);
    link_adapt_ul_snr(&s, 18); /* UL: MCS 23 or so; the DL decodes up to MCS 5 only */
    ck_assert_int_ge(link_adapt_dl_mcs(&la, &s), 20);
    int hist[LINK_ADAPT_ROWS];
    run_dl(&la, &s, step_bler, 5, 1000, 500, hist);
    ck_assert_int_ge(hist[5], 300);
    for (int m = 7; m < LINK_ADAPT_ROWS; m++) ck_assert_int_eq(hist[m], 0);
    /* a prior 28 dB off is beyond the offset's bound (-20 dB): the loop stops there */
    link_adapt_ue_reset(&la, &s);
    link_adapt_ul_snr(&s, 30);
    run_dl(&la, &s, step_bler, 2, 1000, 500, hist);
    ck_assert_int_eq(hist[link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, 10, 28)], 500);
}
END_TEST

START_TEST(nack_storm_lowers_to_the_bound)
{
    struct link_adapt la = la_default();
    struct link_adapt_ue s;
    link_adapt_ue_reset(&la, &s);
    link_adapt_ul_snr(&s, 15);
    for (int i = 0; i < 50; i++) link_adapt_ul_result(&la, &s, true);
    int prev = link_adapt_ul_mcs(&la, &s);
    ck_assert_int_ge(prev, link_adapt_mcs_for_snr(&la, TBS_MCS_TABLE_64QAM, 15, 28));
    for (int i = 0; i < 40; i++) {
        link_adapt_ul_result(&la, &s, false);
        int m = link_adapt_ul_mcs(&la, &s);
        ck_assert_int_le(m, prev);
        prev = m;
    }
    ck_assert_double_eq_tol(s.ul.offset_db, la.cfg.offset_min_db, 1e-6); /* held at the bound */
    ck_assert_int_eq(prev, 0);                                            /* 15 - 20 dB: MCS 0 */
    ck_assert_uint_eq(s.ul.ko, 40);
    ck_assert_uint_eq(s.ul.ok, 50);
    for (int i = 0; i < 500; i++) link_adapt_ul_result(&la, &s, true);
    ck_assert_double_eq_tol(s.ul.offset_db, la.cfg.offset_max_db, 1e-4); /* and the upper bound */
}
END_TEST

START_TEST(bounds_and_fixed)
{
    struct link_adapt_config c;
    link_adapt_config_default(&c);
    c.dl_mcs_max = 10;
    c.ul_mcs_max = 7;
    struct link_adapt la;
    ck_assert_int_eq(link_adapt_init(&la, &c), 0);
    struct link_adapt_ue s;
    link_adapt_ue_reset(&la, &s);
    link_adapt_ul_snr(&s, 40);
    int hist[LINK_ADAPT_ROWS];
    run_dl(&la, &s, step_bler, 28, 200, 100, hist);
    ck_assert_int_eq(hist[10], 100);
    ck_assert_int_eq(link_adapt_ul_mcs(&la, &s), 7);
    c.fixed_dl_mcs = 20;
    c.fixed_ul_mcs = 0;
    ck_assert_int_eq(link_adapt_init(&la, &c), 0);
    for (int i = 0; i < 30; i++) link_adapt_dl_result(&la, &s, false);
    ck_assert_int_eq(link_adapt_dl_mcs(&la, &s), 20);
    ck_assert_int_eq(link_adapt_ul_mcs(&la, &s), 0);
    /* qam256 DL: up to 27 */
    link_adapt_config_default(&c);
    c.dl_table = TBS_MCS_TABLE_256QAM;
    c.dl_mcs_max = 27;
    ck_assert_int_eq(link_adapt_init(&la, &c), 0);
    link_adapt_ue_reset(&la, &s);
    link_adapt_ul_snr(&s, 45);
    ck_assert_int_eq(link_adapt_dl_mcs(&la, &s), 27);
}
END_TEST

START_TEST(bad_config_refused)
{
    struct link_adapt la;
    struct link_adapt_config c;
#define REFUSED(field, value)                                                                                  \
    do {                                                                                                       \
        link_adapt_config_default(&c);                                                                         \
        c.field = value;                                                                                       \
        ck_assert_int_eq(link_adapt_init(&la, &c), -EINVAL);                                                   \
    } while (0)
    REFUSED(dl_mcs_max, 29);
    REFUSED(dl_mcs_max, -1);
    REFUSED(ul_mcs_max, 29);
    REFUSED(fixed_dl_mcs, 29);
    REFUSED(fixed_ul_mcs, -2);
    REFUSED(dl_mcs_start, 31);
    REFUSED(target_bler, 0);
    REFUSED(target_bler, NAN);
    REFUSED(step_db, 0);
    REFUSED(offset_min_db, 1);
    REFUSED(dl_start_offset_db, -30);
    REFUSED(dl_table, TBS_MCS_TABLE_64QAM_LOW);
    link_adapt_config_default(&c);
    c.dl_table = TBS_MCS_TABLE_256QAM; /* 28 is reserved in Table 5.1.3.1-2 */
    ck_assert_int_eq(link_adapt_init(&la, &c), -EINVAL);
#undef REFUSED
}
END_TEST

int main(void)
{
    Suite *s = suite_create("link_adapt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, required_snr_formula);
    tcase_add_test(tc, mcs_for_snr_and_bounds);
    tcase_add_test(tc, start_values_and_snr_filter);
    tcase_add_test(tc, converges_on_step_channel);
    tcase_add_test(tc, converges_on_smooth_channel);
    tcase_add_test(tc, wrong_prior_corrected);
    tcase_add_test(tc, nack_storm_lowers_to_the_bound);
    tcase_add_test(tc, bounds_and_fixed);
    tcase_add_test(tc, bad_config_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
