/* UE-NR-Capability walk and encoder (see ue_nr_capability.h). Field lists: 38.331 6.3.3 (Rel-15 roots). */
#include "rrc/msg/ue_nr_capability.h"

#include <errno.h>
#include <string.h>

#include "asn1/uper.h"
#include "rrc/msg/ul_dcch.h"

/* The root of a SEQUENCE whose OPTIONAL fields all have a fixed size: the extension bit (extensible), n_opt
 * presence bits (returned, field 0 in bit n_opt - 1), `fixed` bits of mandatory fields, then size[i] bits for
 * each present field i (0: ENUMERATED {supported}, NULL-like), then the extension additions, skipped. size may be
 * NULL (every OPTIONAL field 0 bits). Fixed-size fields skip the same in any order, so only the sum matters. */
static uint64_t skip_flat_seq(struct uper_reader *r, bool extensible, int n_opt, int fixed, const int8_t *size)
{
    bool ext = extensible && uper_get_bool(r);
    uint64_t present = uper_get_bits(r, n_opt);
    size_t bits = (size_t)fixed;
    for (int i = 0; size && i < n_opt; i++)
        if ((present >> (n_opt - 1 - i)) & 1u) bits += (size_t)size[i];
    uper_skip_bits(r, bits);
    if (ext) uper_skip_ext_additions(r);
    return present;
}

static bool bit(uint64_t present, int n_opt, int i) { return (present >> (n_opt - 1 - i)) & 1u; }

/* PDCP-Parameters: supportedROHC-Profiles (10 BOOLEANs), maxNumberROHC-ContextSessions (16 values), six
 * OPTIONAL ENUMERATED {supported}, ... */
static void skip_pdcp(struct uper_reader *r) { skip_flat_seq(r, true, 6, 10 + 4, NULL); }

/* MAC-Parameters ::= SEQUENCE { mac-ParametersCommon OPTIONAL, mac-ParametersXDD-Diff OPTIONAL } (not
 * extensible); Common: three OPTIONAL {supported}, ...; XDD-Diff: six OPTIONAL {supported}, ... */
static void skip_mac(struct uper_reader *r)
{
    uint64_t p = uper_get_bits(r, 2);
    if (bit(p, 2, 0)) skip_flat_seq(r, true, 3, 0, NULL);
    if (bit(p, 2, 1)) skip_flat_seq(r, true, 6, 0, NULL);
}

/* Phy-Parameters ::= SEQUENCE { phy-ParametersCommon, -XDD-Diff, -FRX-Diff, -FR1, -FR2, all OPTIONAL } (not
 * extensible). Returns whether Phy-ParametersFR1 has pdsch-256QAM-FR1. */
static bool walk_phy(struct uper_reader *r)
{
    /* Common: 34 OPTIONAL, all {supported} but the last, bwp-SwitchingDelay ENUMERATED {type1, type2} */
    static const int8_t common[34] = {[33] = 1};
    /* FRX-Diff: 37 OPTIONAL; dummy1, twoFL-DMRS, dummy2, dummy3 BIT STRING (SIZE (2)), supportedDMRS-TypeDL/UL
     * ENUMERATED {type1, type1And2}, onePortsPTRS BIT STRING (SIZE (2)), pdcch-BlindDetectionCA INTEGER (4..16) */
    static const int8_t frx[37] = {[1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 1, [6] = 1, [10] = 2, [23] = 4};
    /* FR1: pdcch-MonitoringSingleOccasion, scs-60kHz, pdsch-256QAM-FR1, pdsch-RE-MappingFR1-PerSymbol {n10, n20} */
    static const int8_t fr1[4] = {[3] = 1};
    /* FR2: dummy, pdsch-RE-MappingFR2-PerSymbol ENUMERATED {n6, n20} */
    static const int8_t fr2[2] = {[1] = 1};
    uint64_t p = uper_get_bits(r, 5);
    bool qam256 = false;
    if (bit(p, 5, 0)) skip_flat_seq(r, true, 34, 0, common);
    if (bit(p, 5, 1)) skip_flat_seq(r, true, 4, 0, NULL); /* XDD-Diff: four {supported} */
    if (bit(p, 5, 2)) skip_flat_seq(r, true, 37, 0, frx);
    if (bit(p, 5, 3)) qam256 = bit(skip_flat_seq(r, true, 4, 0, fr1), 4, 2);
    if (bit(p, 5, 4)) skip_flat_seq(r, true, 2, 0, fr2);
    return qam256;
}

/* channelBWs-DL / -UL ::= CHOICE { fr1 SEQUENCE { scs-15kHz, scs-30kHz, scs-60kHz BIT STRING (SIZE (10))
 * OPTIONAL }, fr2 SEQUENCE { scs-60kHz, scs-120kHz BIT STRING (SIZE (3)) OPTIONAL } } */
static void skip_channel_bws(struct uper_reader *r)
{
    static const int8_t fr1[3] = {10, 10, 10}, fr2[2] = {3, 3};
    if (uper_get_bits(r, 1) == 0)
        skip_flat_seq(r, false, 3, 0, fr1);
    else
        skip_flat_seq(r, false, 2, 0, fr2);
}

/* BandNR: 14 OPTIONAL (modifiedMPR-Behaviour BIT STRING (SIZE (8)), mimo-ParametersPerBand, extendedCP,
 * multipleTCI, bwp-WithoutRestriction, bwp-SameNumerology {upto2, upto4}, bwp-DiffNumerology, crossCarrier-
 * Scheduling-SameSCS, pdsch-256QAM-FR2, pusch-256QAM, ue-PowerClass {pc1..pc4}, rateMatchingLTE-CRS,
 * channelBWs-DL, channelBWs-UL), bandNR INTEGER (1..1024), ... Returns 1 when the entry was walked, 0 when it
 * holds mimo-ParametersPerBand (not modelled: the walk stops), with *band_nr and the presence bits. */
static int walk_band(struct uper_reader *r, int *band_nr, uint64_t *present)
{
    bool ext = uper_get_bool(r);
    uint64_t p = *present = uper_get_bits(r, 14);
    *band_nr = (int)uper_get_constrained(r, 1, 1024);
    if (bit(p, 14, 1)) return 0;
    uper_skip_bits(r, (bit(p, 14, 0) ? 8u : 0u) + (bit(p, 14, 5) ? 1u : 0u) + (bit(p, 14, 10) ? 2u : 0u));
    if (bit(p, 14, 12)) skip_channel_bws(r);
    if (bit(p, 14, 13)) skip_channel_bws(r);
    if (ext) uper_skip_ext_additions(r);
    return 1;
}

int rrc_ue_nr_capability_decode(const uint8_t *buf, size_t len, int band, struct rrc_ue_nr_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    if (band < 0 || band > 1024) return -EINVAL;
    struct uper_reader r;
    uper_reader_init(&r, buf, len * 8);
    uint64_t top = uper_get_bits(&r, 11); /* rlc-, mac-Parameters, measAndMob, 4 Add-UE-NR, featureSets, ... */
    if (uper_get_bool(&r))                /* accessStratumRelease (rel15, rel16, .. spares, ...): a later value */
        uper_get_nsnn(&r);
    else
        uper_get_bits(&r, 3);
    skip_pdcp(&r);
    if (bit(top, 11, 0)) skip_flat_seq(&r, true, 3, 0, NULL); /* RLC-Parameters: three {supported} */
    if (bit(top, 11, 1)) skip_mac(&r);
    bool pdsch_256qam = walk_phy(&r);
    /* RF-Parameters: supportedBandCombinationList, appliedFreqBandListFilter OPTIONAL, supportedBandListNR */
    bool rf_ext = uper_get_bool(&r);
    (void)rf_ext;  /* its additions follow the lists: never reached */
    uper_get_bits(&r, 2);
    int n = (int)uper_get_constrained(&r, 1, 1024);
    if (r.err) return r.err == -ENOTSUP ? -ENOTSUP : -EBADMSG;
    caps->pdsch_256qam = pdsch_256qam;
    caps->nof_bands = n;
    for (int i = 0; i < n; i++) {
        int b = 0;
        uint64_t p = 0;
        int walked = walk_band(&r, &b, &p);
        if (r.err) return r.err == -ENOTSUP ? -ENOTSUP : -EBADMSG;
        if (b == band) {
            caps->band_found = true;
            caps->pusch_256qam = bit(p, 14, 9);
            break;
        }
        if (!walked) break;
    }
    return 0;
}

int rrc_ue_radio_capability_caps(const uint8_t *buf, size_t len, int band, struct rrc_ue_nr_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    struct rrc_ue_capability_information ci;
    int rc = rrc_ue_radio_access_cap_info_decode(buf, len, &ci);
    if (rc < 0) return rc;
    for (int i = 0; i < ci.nof_containers; i++)
        if (ci.container[i].rat_type == RRC_RAT_NR)
            return rrc_ue_nr_capability_decode(ci.bytes + ci.container[i].off, ci.container[i].len, band, caps);
    return -ENOENT;
}

int rrc_ue_nr_capability_encode(int band, const struct rrc_ue_nr_caps *caps, uint8_t *buf, size_t cap,
                                size_t *len)
{
    *len = 0;
    if (band < 1 || band > 1024) return -EINVAL;
    struct uper_writer w;
    uper_writer_init(&w, buf, cap);
    uper_put_bits(&w, 0, 11);                 /* the eleven OPTIONAL fields: absent */
    uper_put_enum(&w, 0, 8, true);            /* AccessStratumRelease rel15 (8 root values, extensible) */
    uper_put_bool(&w, false);                 /* PDCP-Parameters: extension bit */
    uper_put_bits(&w, 0, 6);                  /* its six OPTIONAL fields (uplinkOnlyROHC-Profiles, ...): absent */
    uper_put_bits(&w, 0, 10);                 /* supportedROHC-Profiles: ten BOOLEANs, false */
    uper_put_enum(&w, 0, 16, false);          /* maxNumberROHC-ContextSessions cs2 */
    if (caps->pdsch_256qam) {
        uper_put_bits(&w, 0x2, 5);            /* Phy-Parameters: phy-ParametersFR1 only */
        uper_put_bool(&w, false);             /* Phy-ParametersFR1: extension bit */
        uper_put_bits(&w, 0x2, 4);            /* pdsch-256QAM-FR1 supported, the other three absent */
    } else {
        uper_put_bits(&w, 0, 5);              /* Phy-Parameters: five OPTIONAL fields, absent */
    }
    uper_put_bool(&w, false);                 /* RF-Parameters: extension bit */
    uper_put_bits(&w, 0, 2);                  /* supportedBandCombinationList, appliedFreqBandListFilter: absent */
    uper_put_constrained(&w, 1, 1, 1024);     /* supportedBandListNR SIZE (1..maxBands): one BandNR */
    uper_put_bool(&w, false);                 /* BandNR: extension bit */
    uper_put_bits(&w, caps->pusch_256qam ? 1u << 4 : 0, 14); /* OPTIONAL fields: pusch-256QAM (10th) or none */
    uper_put_constrained(&w, band, 1, 1024);  /* bandNR FreqBandIndicatorNR */
    if (w.err) return w.err;
    *len = uper_writer_bytes(&w);
    return 0;
}
