/* UE-NR-Capability (38.331 6.3.3): the few capabilities gnbd acts on, read from the octets of a UE's nr
 * UE-CapabilityRAT-Container (its UECapabilityInformation, or the UE Radio Capability the AMF keeps, 38.413
 * 9.3.1.74), and a small encoder for the UE simulator.
 *
 * The decoder walks the PER encoding (unaligned, 38.331 8.1) without keeping it: it reads the root of every
 * SEQUENCE up to the fields it needs (the Rel-15 root, which later releases leave alone: they add extension
 * additions, skipped whole as open types, and never touch a non-extensible SEQUENCE), skipping the presence-
 * bitmapped OPTIONAL fields it does not need by their sizes:
 *   UE-NR-Capability { accessStratumRelease, pdcp-Parameters, rlc-Parameters OPTIONAL, mac-Parameters OPTIONAL,
 *     phy-Parameters, rf-Parameters, ... }
 *   Phy-Parameters { phy-ParametersCommon, -XDD-Diff, -FRX-Diff, -FR1, -FR2 (all OPTIONAL) }
 *   Phy-ParametersFR1 { pdcch-MonitoringSingleOccasion, scs-60kHz, pdsch-256QAM-FR1, pdsch-RE-MappingFR1-PerSymbol
 *     (all OPTIONAL), ... }                 -> pdsch_256qam (38.306 4.2.7.10: per UE, FR1)
 *   RF-Parameters { supportedBandListNR SEQUENCE (SIZE (1..1024)) OF BandNR, ... }
 *   BandNR { bandNR, ..., pdsch-256QAM-FR2, pusch-256QAM, ... } -> pusch_256qam of `band` (38.306 4.2.7.2)
 * The walk over supportedBandListNR stops at an entry before `band` that carries mimo-ParametersPerBand (a large
 * IE it does not model): band_found is then false and pusch_256qam unknown (false); pdsch_256qam stands. The
 * rest (measAndMobParameters, featureSets with supportedModulationOrderDL, ...) is not read: 38.306 takes the
 * per-UE pdsch-256QAM-FR1 when a feature set has no supportedModulationOrderDL, which is what UEs send.
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_UE_NR_CAPABILITY_H
#define GNBD_RRC_MSG_UE_NR_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rrc_ue_nr_caps {
    bool pdsch_256qam;       /* phy-ParametersFR1 pdsch-256QAM-FR1: Table 5.1.3.1-2 may be configured (FR1) */
    bool band_found;         /* `band` is in supportedBandListNR (and the walk reached it) */
    bool pusch_256qam;       /* that BandNR's pusch-256QAM */
    int nof_bands;           /* supportedBandListNR entries */
};

/* Reads caps from the UE-NR-Capability in buf[len] for the cell's band (1..1024; 0: none, band_found false).
 * Returns 0, -EBADMSG (the octets end before the walk does, an out-of-range value), -ENOTSUP (an extension
 * bitmap of more than 64 additions), -EINVAL (band). An extension value of accessStratumRelease is read past. */
int rrc_ue_nr_capability_decode(const uint8_t *buf, size_t len, int band, struct rrc_ue_nr_caps *caps);

/* The same from a UERadioAccessCapabilityInformation (the NGAP UE Radio Capability IE, 38.413 9.3.1.74): the
 * UE-NR-Capability of its nr container. Also -ENOENT (no nr container) and the container list's decoding errors.
 * Uses ~20 KiB of stack (not for the slot path). */
int rrc_ue_radio_capability_caps(const uint8_t *buf, size_t len, int band, struct rrc_ue_nr_caps *caps);

/* The UE simulator's UE-NR-Capability: accessStratumRelease rel15, PDCP-Parameters without ROHC
 * (maxNumberROHC-ContextSessions cs2), phy-Parameters with phy-ParametersFR1 { pdsch-256QAM-FR1 } when
 * caps->pdsch_256qam (else empty), rf-Parameters with supportedBandListNR = {band (1..1024), pusch-256QAM when
 * caps->pusch_256qam}; nothing else. Returns 0, -EINVAL or -ENOSPC. */
int rrc_ue_nr_capability_encode(int band, const struct rrc_ue_nr_caps *caps, uint8_t *buf, size_t cap,
                                size_t *len);

#endif
