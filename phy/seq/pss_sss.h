/* Primary and secondary synchronisation sequences.
 *
 * Implements 38.211 7.4.2.2.1 (d_PSS, an m-sequence cyclically shifted by 43 N_ID^(2)) and 7.4.2.3.1 (d_SSS, the
 * product of two m-sequences shifted by m0 and m1), for N_ID^cell = 3 N_ID^(1) + N_ID^(2) (7.4.2.1). Values are
 * +-1 floats; amplitude scaling (beta_PSS, beta_SSS of 7.4.3.1.1-2) and resource mapping belong to the SSB
 * mapper. Within the SS/PBCH block both occupy subcarriers k = 56..182 (Table 7.4.3.1-1): PSS in symbol 0, SSS
 * in symbol 2.
 *
 * Threading: pure functions over caller memory; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_PSS_SSS_H
#define GNBD_PHY_SEQ_PSS_SSS_H

#define PSS_SSS_LEN 127          /* N: sequence length, 38.211 7.4.2.2.1 / 7.4.2.3.1 */
#define PSS_SSS_K_FIRST 56       /* first SSB subcarrier of PSS and SSS, 38.211 Table 7.4.3.1-1 */
#define PSS_SSS_NUM_PCI 1008     /* N_ID^cell = 0..1007, 38.211 7.4.2.1 */

/* d_PSS(n), n = 0..126, for N_ID^(2) = n_id_2 (0..2). Returns 0, or -EINVAL for n_id_2 out of range. */
int pss_sequence(int n_id_2, float out[PSS_SSS_LEN]);

/* d_SSS(n), n = 0..126, for the physical cell identity pci = N_ID^cell (0..1007). Returns 0, or -EINVAL for pci
 * out of range. */
int sss_sequence(int pci, float out[PSS_SSS_LEN]);

#endif
