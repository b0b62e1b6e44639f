/* uesim command line and MIB expectations. See uesim.h. */
#include "tests/uesim/uesim.h"

#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/geometry/bands.h"

void uesim_usage(void)
{
    fprintf(stderr,
            "usage: uesim --dl-arfcn N --ssb-arfcn N --nof-prb N --srate HZ [--scs 15|30] [--band N]\n"
            "             [--ssb-pattern A|B|C] [--tx tcp://*:2001] [--rx tcp://localhost:2000]\n"
            "             [--seconds S | --max-slots N] [--expect-pci P] [--expect-mib k=v,...] [--sib1]\n"
            "             [--expect-sib1 k=v,...] [--ssb-period MS] [--max-phase-step RAD] [--timeout S] [--json]\n"
            "             [--verbose] [--prach N [--prach-preamble V] [--prach-delay SAMPLES]]\n"
            "             [--ul-probe k=v,...|default [--ul-probe-count N]] [--ul-delay SAMPLES] [--ul-snr DB]\n"
            "             [--ul-cfo HZ] [--seed N] [--attach N [--expect-attach ok|reject|conres-fail|failed,...]\n"
            "             [--nas-bytes N] [--until-release S] [--concurrent] [--ue-delay D1,D2,...]\n"
            "             [--ue-gain-db G1,...] [--same-preamble] [--drop-msg3 N1,...] [--drop-pusch N1,...]\n"
            "             [--nack-pdsch N1,...] [--ue-cfo HZ1,...] [--ue-snr DB1,...] [--ue-start MS1,...]\n"
            "             [--start-spread MS] [--fading tdla|none] [--ue-fading tdla|none,...] [--fading-ds NS]\n"
            "             [--fading-doppler HZ]] [--ues N (= --attach N --concurrent)]\n"
            "  The srsUE-like facts only ([rat.nr] dl_nr_arfcn, ssb_nr_arfcn, nof_prb, bands, [rf] srate); PCI,\n"
            "  timing, CFO, SFN and MIB are found blind, then SIB1 from the MIB. --band (default 3) gives the SSB\n"
            "  pattern for the SCS (15 kHz: Case A; 30 kHz: B or C) unless --ssb-pattern does, and CORESET#0's\n"
            "  tables. --expect-mib keys: scs, k_ssb, dmrs_typeA (2|pos2), coreset0, ss0, barred (yes|no),\n"
            "  intra_freq (allowed|notAllowed). --expect-sib1 keys (values as printed): plmn (001-01), tac, cell_id,\n"
            "  prach_config_index, q_rx_lev_min, band, offset_to_point_a, scs, carrier_prb, coreset0, ss0,\n"
            "  ssb_period, ss_pbch_power, msg1_fdm, msg1_freq_start, zczc, preamble_power, ra_window,\n"
            "  tdd (none | <period>us/<dl slots>/<dl symbols>/<ul slots>/<ul symbols>). --seconds counts stream time.\n"
            "  Exit: 0 cell found as expected, every later PBCH decoded with consecutive SFNs and, with --sib1 or\n"
            "  --expect-sib1, SIB1 decoded (as expected) with every SI-RNTI PDSCH's CRC OK; 1 otherwise; 2 usage.\n"
            "  --prach N (implies --sib1): after SIB1, N preambles in the next PRACH occasions of its RACH config\n"
            "  (TDD: wholly UL slots only), index V or random over totalNumberOfRA-Preambles, arriving SAMPLES late\n"
            "  (default: --ul-delay). The run fails when fewer than N were sent.\n"
            "  --ul-probe (implies --sib1): after SIB1, the PUSCH and PUCCH of gnbd's test.ul_probe schedule in\n"
            "  every probe slot (mac/ul_probe.h); keys rnti (17921), period (20), offset (8), pusch_prb (10),\n"
            "  pusch_nprb (10, 0: none), mcs (9), pucch (f0|f1|f2|none, f1), pucch_prb (-1: the last PRB),\n"
            "  pucch_bits (F2: 3..11, 4); \"default\": all defaults.\n"
            "  The run fails when fewer than --ul-probe-count (3) probe slots were sent.\n"
            "  --ul-delay: every UL transmission arrives SAMPLES late (0). --ul-snr adds AWGN to the whole UL: SNR\n"
            "  per unit-energy RE (PUSCH data RE, PUCCH RE, PRACH subcarrier) in its band; --ul-cfo a frequency\n"
            "  offset.\n"
            "  --attach N (implies --sib1): N UEs one after another, each with its own random ue-Identity from\n"
            "  --seed: preamble, RAR, Msg3, Msg4 (contention resolution, RRCSetup or RRCReject), HARQ-ACK, UL grants,\n"
            "  SR, RRCSetupComplete (dedicatedNAS-Message of --nas-bytes, 150) on SRB1 until an RLC STATUS\n"
            "  acknowledges it (tests/uesim/ue_attach.h). --expect-attach gives each UE's expected outcome (the last\n"
            "  one repeats; default ok); the run fails when a UE ends otherwise. The run ends 20 slots after the\n"
            "  last UE's outcome, or at --seconds. Not with --prach.\n"
            "  --echo-dl-nas: every DLInformationTransfer's NAS message is sent back in an ULInformationTransfer\n"
            "  --echo-dl-data: every IP packet the UE's DRB receives is sent back UL on it\n"
            "  (tests the gNB's NAS relay both ways; a real UE would answer, not echo).\n"
            "  --kgnb HEX: the UE's K_gNB (64 hex digits, what the AMF gives the gNB): a SecurityModeCommand is\n"
            "  checked with it (MAC-I under K_RRCint) and answered SecurityModeComplete, integrity and ciphering on\n"
            "  for SRB1 as 38.331 5.3.4.3 says; a MAC-I that does not match gets SecurityModeFailure. Without it a\n"
            "  SecurityModeCommand is only counted.\n"
            "  --until-release S: an attached UE stays connected (SRB1 DL, HARQ-ACKs) until an RRCRelease on SRB1\n"
            "  (\"uesim: RRCRelease received\"), then the next UE starts; none within S s (1..3600) = failed.\n"
            "  --concurrent: the N UEs run at once in the same UL (else one after another). Per UE (the i-th value\n"
            "  for UE i; UEs past the list take the default): --ue-delay samples late (default --ul-delay),\n"
            "  --ue-gain-db its UL amplitude (0), --drop-msg3 how many of its Msg3 transmissions are left out (0:\n"
            "  a lost Msg3 the gNB asks again by DCI 0_0 on the TC-RNTI), --drop-pusch how many of its C-RNTI\n"
            "  PUSCH transmissions are (0: the gNB asks again with the same NDI), --nack-pdsch how many decoded\n"
            "  C-RNTI PDSCHs it answers with NACK (0: the gNB resends them), --ue-256qam 1 or 0: its\n"
            "  UE-NR-Capability says pdsch-256QAM-FR1 (and pusch-256QAM) or not (1). --same-preamble: every UE's first\n"
            "  preamble has one index (contention). A UE whose contention resolution fails (another UE's identity, or\n"
            "  ra-ContentionResolutionTimer) or that gets no RAR retries random access after the RAR's backoff, up\n"
            "  to preambleTransMax; Timing Advance Commands in its DL MAC PDUs move its UL timing.\n"
            "  --ues N: N UEs at once (--attach N --concurrent), each with its own channel (tests/uesim/channel.h):\n"
            "  --ue-cfo its UL frequency offset (Hz, 0); --ue-snr its SNR per unit-energy RE (dB) in the UL (the UL\n"
            "  noise is set by --ul-snr, else by the highest --ue-snr; the UE's UL amplitude is its SNR minus that;\n"
            "  not with --ue-gain-db) and in its DL (noise on its own receiver, relative to the DL RE energy\n"
            "  measured on the first slots; UEs past the list: no DL noise, UL at the noise reference);\n"
            "  --ue-fading 38.901 TDL-A fading (same draw in UL and DL) of delay spread --fading-ds (ns, 100) and\n"
            "  maximum Doppler --fading-doppler (Hz, 5), --fading for the UEs past the list (none); --ue-start\n"
            "  when each UE starts (ms after the first SIB1, 0), --start-spread MS: UE i of N at i x MS / N.\n"
            "  The per-UE outcome lines are followed by 'uesim: K/N UEs RRC connected'; exit 1 when any UE ends\n"
            "  otherwise than expected.\n");
}

int uesim_parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -EINVAL;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -EINVAL;
    *out = v;
    return 0;
}

static int parse_bool_word(const char *v, const char *yes, const char *no, bool *out)
{
    if (strcmp(v, yes) == 0)
        *out = true;
    else if (strcmp(v, no) == 0)
        *out = false;
    else
        return -EINVAL;
    return 0;
}

static int expect_field(struct uesim_expect_mib *e, const char *key, const char *val)
{
    long v;
    if (strcmp(key, "scs") == 0 && uesim_parse_int(val, 15, 120, &v) == 0) {
        e->has_scs = true;
        e->scs_khz = (int)v;
    } else if (strcmp(key, "k_ssb") == 0 && uesim_parse_int(val, 0, 31, &v) == 0) {
        e->has_k_ssb = true;
        e->k_ssb = (int)v;
    } else if (strcmp(key, "dmrs_typeA") == 0 &&
               uesim_parse_int(strncmp(val, "pos", 3) == 0 ? val + 3 : val, 2, 3, &v) == 0) {
        e->has_dmrs = true;
        e->dmrs_type_a_position = (int)v;
    } else if (strcmp(key, "coreset0") == 0 && uesim_parse_int(val, 0, 15, &v) == 0) {
        e->has_coreset0 = true;
        e->coreset0 = (int)v;
    } else if (strcmp(key, "ss0") == 0 && uesim_parse_int(val, 0, 15, &v) == 0) {
        e->has_ss0 = true;
        e->ss0 = (int)v;
    } else if (strcmp(key, "barred") == 0 && parse_bool_word(val, "yes", "no", &e->barred) == 0) {
        e->has_barred = true;
    } else if (strcmp(key, "intra_freq") == 0 &&
               parse_bool_word(val, "allowed", "notAllowed", &e->intra_allowed) == 0) {
        e->has_intra = true;
    } else {
        return -EINVAL;
    }
    return 0;
}

int uesim_parse_pairs(const char *text, int (*fn)(void *ctx, const char *key, const char *val), void *ctx)
{
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return -EINVAL;
    strcpy(buf, text);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return -EINVAL;
        *eq = '\0';
        if (fn(ctx, item, eq + 1) < 0)
            return -EINVAL;
    }
    return 0;
}

static int expect_mib_pair(void *ctx, const char *key, const char *val)
{
    return expect_field(ctx, key, val);
}

int uesim_parse_expect_mib(const char *text, struct uesim_expect_mib *e)
{
    memset(e, 0, sizeof(*e));
    return uesim_parse_pairs(text, expect_mib_pair, e);
}

bool uesim_mib_matches(const struct uesim_expect_mib *e, const struct mib *m, int k_ssb, char *why, int len)
{
    struct {
        bool check;
        const char *name;
        int want, got;
    } f[] = {
        {e->has_scs, "scs", e->scs_khz, m->scs_common_khz},
        {e->has_k_ssb, "k_ssb", e->k_ssb, k_ssb},
        {e->has_dmrs, "dmrs_typeA", e->dmrs_type_a_position, m->dmrs_type_a_position},
        {e->has_coreset0, "coreset0", e->coreset0, m->coreset0_index},
        {e->has_ss0, "ss0", e->ss0, m->searchspace0_index},
        {e->has_barred, "barred", e->barred, m->cell_barred},
        {e->has_intra, "intra_freq", e->intra_allowed, m->intra_freq_reselection_allowed},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].check && f[i].want != f[i].got) {
            snprintf(why, (size_t)len, "MIB %s is %d, expected %d", f[i].name, f[i].got, f[i].want);
            return false;
        }
    return true;
}

#define UL_PROBE_MAX_RNTI 65519          /* 38.321 Table 7.1-1: C-RNTI 0x0001..0xFFEF */
#define UL_PROBE_MAX_PERIOD 10240
#define UL_PROBE_MAX_MCS 28              /* 38.214 Table 5.1.3.1-1: 29..31 are reserved (retransmissions) */

void uesim_ul_probe_defaults(struct ul_probe_params *p)
{
    *p = (struct ul_probe_params){.rnti = 0x4601, .period = 20, .offset = 8, .pusch_prb = 10, .pusch_nprb = 10,
                                  .mcs = 9, .pucch = 1, .pucch_prb = -1, .pucch_bits = 4};
}

static int probe_pair(void *ctx, const char *key, const char *val)
{
    struct ul_probe_params *p = ctx;
    static const struct {
        const char *key;
        long lo, hi;
        size_t off;
    } keys[] = {
        {"rnti", 1, UL_PROBE_MAX_RNTI, offsetof(struct ul_probe_params, rnti)},
        {"period", 1, UL_PROBE_MAX_PERIOD, offsetof(struct ul_probe_params, period)},
        {"offset", 0, UL_PROBE_MAX_PERIOD - 1, offsetof(struct ul_probe_params, offset)},
        {"pusch_prb", 0, 274, offsetof(struct ul_probe_params, pusch_prb)},
        {"pusch_nprb", 0, 275, offsetof(struct ul_probe_params, pusch_nprb)},
        {"mcs", 0, UL_PROBE_MAX_MCS, offsetof(struct ul_probe_params, mcs)},
        {"pucch_prb", -1, 274, offsetof(struct ul_probe_params, pucch_prb)},
        {"pucch_bits", UCI_MIN_A, UCI_RM_MAX_A, offsetof(struct ul_probe_params, pucch_bits)},
    };
    if (strcmp(key, "pucch") == 0) {
        static const char *names[] = {"f0", "f1", "f2"};
        if (strcmp(val, "none") == 0) {
            p->pucch = UL_PROBE_PUCCH_OFF;
            return 0;
        }
        for (int f = 0; f < 3; f++)
            if (strcmp(val, names[f]) == 0) {
                p->pucch = f;
                return 0;
            }
        return -EINVAL;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        long v;
        if (strcmp(key, keys[i].key) != 0)
            continue;
        if (uesim_parse_int(val, keys[i].lo, keys[i].hi, &v) < 0)
            return -EINVAL;
        *(int *)((char *)p + keys[i].off) = (int)v;
        return 0;
    }
    return -EINVAL;
}

int uesim_parse_ul_probe(const char *text, struct ul_probe_params *p)
{
    uesim_ul_probe_defaults(p);
    if (strcmp(text, "default") != 0 && uesim_parse_pairs(text, probe_pair, p) < 0)
        return -EINVAL;
    if (p->offset >= p->period || (p->pusch_nprb == 0 && p->pucch == UL_PROBE_PUCCH_OFF))
        return -EINVAL;
    return 0;
}

enum {
    OPT_DL = 256, OPT_SSB, OPT_PRB, OPT_SRATE, OPT_SCS, OPT_TX, OPT_RX, OPT_SECONDS, OPT_SLOTS, OPT_PCI, OPT_MIB,
    OPT_PERIOD, OPT_PHASE, OPT_TIMEOUT, OPT_JSON, OPT_VERBOSE, OPT_HELP, OPT_BAND, OPT_PATTERN, OPT_SIB1,
    OPT_EXPECT_SIB1, OPT_PRACH, OPT_PRACH_PREAMBLE, OPT_PRACH_DELAY, OPT_UL_SNR, OPT_UL_CFO, OPT_SEED,
    OPT_UL_PROBE, OPT_UL_PROBE_COUNT, OPT_UL_DELAY, OPT_ATTACH, OPT_EXPECT_ATTACH, OPT_NAS_BYTES, OPT_UNTIL_RELEASE,
    OPT_CONCURRENT, OPT_UE_DELAY, OPT_UE_GAIN, OPT_SAME_PREAMBLE, OPT_DROP_MSG3, OPT_DROP_PUSCH, OPT_NACK_PDSCH,
    OPT_UES, OPT_UE_CFO, OPT_UE_SNR, OPT_UE_START, OPT_START_SPREAD, OPT_FADING, OPT_UE_FADING, OPT_FADING_DS,
    OPT_FADING_DOPPLER, OPT_ECHO_DL_NAS, OPT_ECHO_DL_DATA, OPT_KGNB, OPT_UE_256QAM,
};

/* "tdla" or "none". Returns 0 or -EINVAL. */
static int parse_fading(const char *v, bool *out)
{
    return parse_bool_word(v, "tdla", "none", out);
}

/* --ue-fading "tdla,none,...": returns the count or -EINVAL. */
static int parse_fading_list(const char *text, bool *out)
{
    char buf[512], *save = NULL;
    if (strlen(text) >= sizeof buf || !text[0] || text[strlen(text) - 1] == ',' || strstr(text, ",,")) return -EINVAL;
    snprintf(buf, sizeof buf, "%s", text);
    int n = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (n == UESIM_MAX_UES || parse_fading(tok, &out[n++]) < 0) return -EINVAL;
    return n;
}

int uesim_parse_list(const char *text, double lo, double hi, bool integer, double *out)
{
    char buf[512], *save = NULL;
    if (strlen(text) >= sizeof buf) return -EINVAL;
    snprintf(buf, sizeof buf, "%s", text);
    int n = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *end;
        double v = strtod(tok, &end);
        if (n == UESIM_MAX_UES || end == tok || *end || !(v >= lo && v <= hi) || (integer && v != (double)(long)v))
            return -EINVAL;
        out[n++] = v;
    }
    return n > 0 && text[strlen(text) - 1] != ',' && text[0] != ',' && !strstr(text, ",,") ? n : -EINVAL;
}

static int set_int(const char *arg, long lo, long hi, int *dst)
{
    long v;
    if (uesim_parse_int(arg, lo, hi, &v) < 0)
        return -EINVAL;
    *dst = (int)v;
    return 0;
}

static int apply_option(struct uesim_options *o, int opt, const char *arg)
{
    double d;
    switch (opt) {
    case OPT_DL: return set_int(arg, 1, BAND_ARFCN_MAX, &o->dl_arfcn);
    case OPT_SSB: return set_int(arg, 1, BAND_ARFCN_MAX, &o->ssb_arfcn);
    case OPT_PRB: return set_int(arg, 1, 275, &o->nof_prb);
    case OPT_SCS: return set_int(arg, 15, 120, &o->scs_khz);
    case OPT_PCI: return set_int(arg, 0, 1007, &o->expect_pci);
    case OPT_PERIOD: return set_int(arg, 5, 160, &o->ssb_period_ms);
    case OPT_SRATE: return parse_double(arg, 1e5, 1e9, &o->srate);
    case OPT_TX: o->tx = arg; return 0;
    case OPT_RX: o->rx = arg; return 0;
    case OPT_SECONDS: return parse_double(arg, 1e-3, 1e5, &o->seconds);
    case OPT_SLOTS: return uesim_parse_int(arg, 1, 100000000, &o->max_slots);
    case OPT_MIB: o->has_expect_mib = true; return uesim_parse_expect_mib(arg, &o->expect_mib);
    case OPT_PHASE:
        if (parse_double(arg, 1e-3, 3.2, &d) < 0)
            return -EINVAL;
        o->max_phase_step = (float)d;
        return 0;
    case OPT_TIMEOUT: return parse_double(arg, 0.1, 3600, &o->timeout_s);
    case OPT_JSON: o->json = true; return 0;
    case OPT_VERBOSE: o->verbose = true; return 0;
    case OPT_BAND: return set_int(arg, 1, 1024, &o->band);
    case OPT_PATTERN:
        o->ssb_pattern = strcmp(arg, "A") == 0 ? SSB_PATTERN_A : strcmp(arg, "B") == 0 ? SSB_PATTERN_B
                         : strcmp(arg, "C") == 0 ? SSB_PATTERN_C : -1;
        return o->ssb_pattern < 0 ? -EINVAL : 0;
    case OPT_SIB1: o->sib1 = true; return 0;
    case OPT_EXPECT_SIB1:
        o->sib1 = o->has_expect_sib1 = true;
        return uesim_parse_expect_sib1(arg, &o->expect_sib1);
    case OPT_PRACH: o->sib1 = true; return set_int(arg, 1, 1000, &o->prach_count);
    case OPT_PRACH_PREAMBLE: return set_int(arg, 0, 63, &o->prach_preamble);
    case OPT_PRACH_DELAY: return set_int(arg, 0, 10000, &o->prach_delay);
    case OPT_UL_PROBE: o->sib1 = o->ul_probe = true; return uesim_parse_ul_probe(arg, &o->probe);
    case OPT_UL_PROBE_COUNT: return set_int(arg, 0, 100000, &o->ul_probe_count);
    case OPT_UL_DELAY: return set_int(arg, 0, 10000, &o->ul_delay);
    case OPT_UL_SNR: return parse_double(arg, -40, 100, &o->ul_snr_db);
    case OPT_UL_CFO: return parse_double(arg, -50000, 50000, &o->ul_cfo_hz);
    case OPT_SEED: {
        long v;
        if (uesim_parse_int(arg, 1, 1000000000, &v) < 0) return -EINVAL;
        o->seed = (unsigned)v;
        return 0;
    }
    case OPT_ATTACH: o->sib1 = true; return set_int(arg, 1, UESIM_MAX_UES, &o->attach_count);
    case OPT_EXPECT_ATTACH: o->expect_attach = arg; return 0;
    case OPT_NAS_BYTES: return set_int(arg, 1, 4000, &o->nas_bytes);
    case OPT_UNTIL_RELEASE: return set_int(arg, 1, 3600, &o->until_release_s);
    case OPT_CONCURRENT: o->concurrent = true; return 0;
    case OPT_ECHO_DL_NAS: o->echo_dl_nas = true; return 0;
    case OPT_ECHO_DL_DATA: o->echo_dl_data = true; return 0;
    case OPT_KGNB: /* 64 hex digits */
        if (strlen(arg) != 64) return -EINVAL;
        for (int i = 0; i < 32; i++) {
            unsigned x;
            if (sscanf(arg + 2 * i, "%2x", &x) != 1) return -EINVAL;
            o->kgnb[i] = (uint8_t)x;
        }
        o->has_kgnb = true;
        return 0;
    case OPT_SAME_PREAMBLE: o->same_preamble = true; return 0;
    case OPT_UE_DELAY: return (o->n_ue_delay = uesim_parse_list(arg, 0, 10000, true, o->ue_delay)) < 0 ? -EINVAL : 0;
    case OPT_UE_GAIN: return (o->n_ue_gain = uesim_parse_list(arg, -60, 20, false, o->ue_gain_db)) < 0 ? -EINVAL : 0;
    case OPT_DROP_MSG3: return (o->n_drop_msg3 = uesim_parse_list(arg, 0, 16, true, o->drop_msg3)) < 0 ? -EINVAL : 0;
    case OPT_DROP_PUSCH:
        return (o->n_drop_pusch = uesim_parse_list(arg, 0, 64, true, o->drop_pusch)) < 0 ? -EINVAL : 0;
    case OPT_NACK_PDSCH:
        return (o->n_nack_pdsch = uesim_parse_list(arg, 0, 64, true, o->nack_pdsch)) < 0 ? -EINVAL : 0;
    case OPT_UE_256QAM:
        return (o->n_ue_256qam = uesim_parse_list(arg, 0, 1, true, o->ue_256qam)) < 0 ? -EINVAL : 0;
    case OPT_UES: o->sib1 = o->concurrent = true; return set_int(arg, 1, UESIM_MAX_UES, &o->attach_count);
    case OPT_UE_CFO: return (o->n_ue_cfo = uesim_parse_list(arg, -20000, 20000, false, o->ue_cfo)) < 0 ? -EINVAL : 0;
    case OPT_UE_SNR: return (o->n_ue_snr = uesim_parse_list(arg, -20, 60, false, o->ue_snr)) < 0 ? -EINVAL : 0;
    case OPT_UE_START:
        return (o->n_ue_start = uesim_parse_list(arg, 0, 60000, false, o->ue_start_ms)) < 0 ? -EINVAL : 0;
    case OPT_START_SPREAD: return parse_double(arg, 0, 60000, &o->start_spread_ms);
    case OPT_FADING: return parse_fading(arg, &o->fading);
    case OPT_UE_FADING: return (o->n_ue_fading = parse_fading_list(arg, o->ue_fading)) < 0 ? -EINVAL : 0;
    case OPT_FADING_DS: return parse_double(arg, 1, 3000, &o->fading_ds_ns);
    case OPT_FADING_DOPPLER: return parse_double(arg, 0, 2000, &o->fading_doppler_hz);
    default: return -EINVAL;
    }
}

int uesim_parse_args(int argc, char **argv, struct uesim_options *o)
{
    static const struct option opts[] = {
        {"dl-arfcn", required_argument, 0, OPT_DL}, {"ssb-arfcn", required_argument, 0, OPT_SSB},
        {"nof-prb", required_argument, 0, OPT_PRB}, {"srate", required_argument, 0, OPT_SRATE},
        {"scs", required_argument, 0, OPT_SCS}, {"tx", required_argument, 0, OPT_TX},
        {"rx", required_argument, 0, OPT_RX}, {"seconds", required_argument, 0, OPT_SECONDS},
        {"max-slots", required_argument, 0, OPT_SLOTS}, {"expect-pci", required_argument, 0, OPT_PCI},
        {"expect-mib", required_argument, 0, OPT_MIB}, {"ssb-period", required_argument, 0, OPT_PERIOD},
        {"max-phase-step", required_argument, 0, OPT_PHASE}, {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"json", no_argument, 0, OPT_JSON}, {"verbose", no_argument, 0, OPT_VERBOSE},
        {"band", required_argument, 0, OPT_BAND}, {"ssb-pattern", required_argument, 0, OPT_PATTERN},
        {"sib1", no_argument, 0, OPT_SIB1}, {"expect-sib1", required_argument, 0, OPT_EXPECT_SIB1},
        {"prach", required_argument, 0, OPT_PRACH}, {"prach-preamble", required_argument, 0, OPT_PRACH_PREAMBLE},
        {"prach-delay", required_argument, 0, OPT_PRACH_DELAY}, {"ul-snr", required_argument, 0, OPT_UL_SNR},
        {"ul-cfo", required_argument, 0, OPT_UL_CFO}, {"seed", required_argument, 0, OPT_SEED},
        {"ul-probe", required_argument, 0, OPT_UL_PROBE}, {"ul-probe-count", required_argument, 0, OPT_UL_PROBE_COUNT},
        {"ul-delay", required_argument, 0, OPT_UL_DELAY}, {"attach", required_argument, 0, OPT_ATTACH},
        {"expect-attach", required_argument, 0, OPT_EXPECT_ATTACH}, {"nas-bytes", required_argument, 0, OPT_NAS_BYTES},
        {"until-release", required_argument, 0, OPT_UNTIL_RELEASE}, {"concurrent", no_argument, 0, OPT_CONCURRENT},
        {"echo-dl-nas", no_argument, 0, OPT_ECHO_DL_NAS},
        {"echo-dl-data", no_argument, 0, OPT_ECHO_DL_DATA},
        {"kgnb", required_argument, 0, OPT_KGNB},
        {"ue-delay", required_argument, 0, OPT_UE_DELAY}, {"ue-gain-db", required_argument, 0, OPT_UE_GAIN},
        {"same-preamble", no_argument, 0, OPT_SAME_PREAMBLE}, {"drop-msg3", required_argument, 0, OPT_DROP_MSG3},
        {"drop-pusch", required_argument, 0, OPT_DROP_PUSCH}, {"nack-pdsch", required_argument, 0, OPT_NACK_PDSCH},
        {"ue-256qam", required_argument, 0, OPT_UE_256QAM},
        {"ues", required_argument, 0, OPT_UES}, {"ue-cfo", required_argument, 0, OPT_UE_CFO},
        {"ue-snr", required_argument, 0, OPT_UE_SNR}, {"ue-start", required_argument, 0, OPT_UE_START},
        {"start-spread", required_argument, 0, OPT_START_SPREAD}, {"fading", required_argument, 0, OPT_FADING},
        {"ue-fading", required_argument, 0, OPT_UE_FADING}, {"fading-ds", required_argument, 0, OPT_FADING_DS},
        {"fading-doppler", required_argument, 0, OPT_FADING_DOPPLER},
        {"help", no_argument, 0, OPT_HELP}, {0, 0, 0, 0},
    };
    *o = (struct uesim_options){.scs_khz = 15, .tx = "tcp://*:2001", .rx = "tcp://localhost:2000",
                                .ssb_period_ms = 10, .timeout_s = 30, .expect_pci = -1, .band = 3,
                                .ssb_pattern = -1, .prach_preamble = -1, .prach_delay = -1,
                                .ul_probe_count = 3, .ul_snr_db = NAN, .seed = 1,
                                .nas_bytes = 150, .fading_ds_ns = 100, .fading_doppler_hz = 5};
    uesim_ul_probe_defaults(&o->probe);
    int opt, idx;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        if (opt == OPT_HELP) {
            uesim_usage();
            return 1;
        }
        if (opt == '?' || apply_option(o, opt, optarg) < 0) {
            fprintf(stderr, "uesim: bad or unknown option %s%s%s\n", argv[optind - 1],
                    opt != '?' && optarg ? " " : "", opt != '?' && optarg ? optarg : "");
            uesim_usage();
            return -EINVAL;
        }
    }
    const char *missing = !o->dl_arfcn ? "--dl-arfcn" : !o->ssb_arfcn ? "--ssb-arfcn" : !o->nof_prb ? "--nof-prb"
                          : !(o->srate > 0) ? "--srate" : NULL;
    if (optind < argc || missing) {
        fprintf(stderr, "uesim: %s%s\n", missing ? "missing " : "unexpected argument ",
                missing ? missing : argv[optind]);
        uesim_usage();
        return -EINVAL;
    }
    if (o->attach_count > 0 && o->prach_count > 0) {
        fprintf(stderr, "uesim: --attach and --prach cannot be combined\n");
        return -EINVAL;
    }
    bool per_ue = o->concurrent || o->same_preamble || o->n_ue_delay || o->n_ue_gain || o->n_drop_msg3 ||
                  o->n_drop_pusch || o->n_nack_pdsch || o->n_ue_256qam || o->n_ue_cfo || o->n_ue_snr || o->n_ue_start ||
                  o->n_ue_fading || o->fading || o->start_spread_ms > 0;
    if (per_ue && o->attach_count == 0) {
        fprintf(stderr, "uesim: --concurrent, --same-preamble, the per-UE lists, --fading and --start-spread need "
                "--attach or --ues\n");
        return -EINVAL;
    }
    if (o->n_ue_snr && o->n_ue_gain) {
        fprintf(stderr, "uesim: --ue-snr and --ue-gain-db cannot be combined (the SNR sets the UL amplitude)\n");
        return -EINVAL;
    }
    if ((o->n_ue_start || o->start_spread_ms > 0) && !o->concurrent) {
        fprintf(stderr, "uesim: --ue-start and --start-spread need --concurrent (or --ues)\n");
        return -EINVAL;
    }
    if (o->n_ue_start && o->start_spread_ms > 0) {
        fprintf(stderr, "uesim: --ue-start and --start-spread cannot be combined\n");
        return -EINVAL;
    }
    const int counts[] = {o->n_ue_delay, o->n_ue_gain, o->n_drop_msg3, o->n_drop_pusch, o->n_nack_pdsch, o->n_ue_256qam,
                          o->n_ue_cfo, o->n_ue_snr, o->n_ue_start, o->n_ue_fading};
    int most = 0;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) most = counts[i] > most ? counts[i] : most;
    if (most > o->attach_count && o->attach_count > 0) {
        fprintf(stderr, "uesim: a per-UE list has %d values for --attach %d\n", most, o->attach_count);
        return -EINVAL;
    }
    if (o->seconds == 0 && o->max_slots == 0)
        o->seconds = 1.0;
    if (o->n_ue_snr > 0 && isnan(o->ul_snr_db)) {   /* the UL noise reference: the highest UE SNR */
        o->ul_snr_db = o->ue_snr[0];
        for (int i = 1; i < o->n_ue_snr; i++) o->ul_snr_db = fmax(o->ul_snr_db, o->ue_snr[i]);
    }
    return 0;
}
