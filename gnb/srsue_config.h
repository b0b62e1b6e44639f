/* srsUE configuration for a gnbd cell: `gnbd --srsue-config FILE` prints a complete srsUE (srsRAN 4G, 5G SA)
 * configuration file for the cell of a validated gnbd configuration, so a user never has to work out the
 * UE-side settings by hand (docs/SRSUE.md describes what srsUE needs and why).
 *
 * What is derived from the cell:
 *  - [rf] srate: the UE's rate for the carrier (SCS x FFT size, config_default_sample_rate()); device_args
 *    base_srate: gnbd's on-wire rate (config_sample_rate()), which srsUE's ZeroMQ radio divides down to srate.
 *  - [rf] device_args ports (ZeroMQ radio): gnbd binds its DL REP socket on its tx_port, which srsUE's rx_port
 *    connects to (a wildcard bind address becomes 127.0.0.1); gnbd's UL REQ socket connects to its rx_port,
 *    where srsUE's tx_port binds. With a uhd or soapy cell srsUE runs over the air on its own SDR.
 *  - [rat.nr] bands, nof_prb = max_nof_prb, dl_nr_arfcn (carrier centre), ssb_nr_arfcn (SS_REF), scs, ssb_scs:
 *    from the cell geometry (phy/geometry/cell_geometry.h), the same values gnbd broadcasts.
 *  - [usim] imsi: the cell's MCC and MNC followed by the test MSIN, so the UE belongs to the cell's PLMN.
 *    The keys (Milenage K and OPc) are the well-known public test values of srsRAN's examples.
 * Fixed: [rat.eutra] nof_carriers = 0 (SA mode; dl_earfcn must still be present), [rrc] release 15,
 * [log] all_level info with phy_lib_level none, [pcap] off, [gui] off, [gw] srsUE's defaults.
 *
 * A cell srsUE cannot attach to (30 kHz SCS, TDD, more than 106 PRB, PCI above 503, ... — every rule gnbd applies
 * with cell.srsue_compatible = true, and a radio that sends no samples to a UE) still gets its file: the
 * settings are useful to find the cell, and the file opens with a comment that lists each reason.
 *
 * Threading: main thread, before anything starts (a command-line path, like config_print()).
 */
#ifndef GNBD_SRSUE_CONFIG_H
#define GNBD_SRSUE_CONFIG_H

#include <stdio.h>

#include "gnb/config.h"

#define SRSUE_CONFIG_DEFAULT_LOG "ue.log"

/* Prints the srsUE configuration of the validated `cfg` to `out`; `log_path` is srsUE's [log] filename (NULL:
 * SRSUE_CONFIG_DEFAULT_LOG). Returns the number of reasons srsUE cannot attach (0 = it can; the reasons are
 * in the file's leading comment), or -EINVAL when the cell geometry cannot be derived (an invalid cfg). */
int srsue_config_print(const struct gnbd_config *cfg, const char *log_path, FILE *out);

#endif
