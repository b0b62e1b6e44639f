/* Basic PHY types shared by every layer: complex baseband samples. */
#ifndef GNBD_PHY_TYPES_H
#define GNBD_PHY_TYPES_H

#include <complex.h>

/* One complex baseband sample: interleaved float32 I, Q in memory (the "fc32" wire format of srsRAN's ZeroMQ
 * radio and of SigMF cf32_le files). */
typedef float _Complex cf_t;

#endif
