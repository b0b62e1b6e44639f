#!/usr/bin/env python3
"""Independent short-format PRACH preambles for tests/unit/test_prach.c (no foreign vector covers L_RA = 139).

Written from the 38.211 text only, without gnbd's code: Table 6.3.3.1-4 (logical root -> u), Table 6.3.3.1-7
(N_CS), 6.3.3.1 (x_u, cyclic shift C_v, y_{u,v} by a direct DFT), 6.3.3.2 and 5.3.2 (the baseband signal
s(t) = sum_k a_k exp(j 2 pi (k + K k1 + kbar) df_RA (t - N_CP Tc)), evaluated sample by sample in double precision),
Tables 6.3.3.1-2 (N_u, N_CP) and 6.3.3.2-1 (kbar = 2 for L_RA = 139). Scaling as gnbd documents it: a_k =
y_{u,v}(k) / sqrt(L_RA) (unit energy per subcarrier), times 1/sqrt(N) with N = fs / df_RA. Pure Python (no numpy).

Writes short_XX.cf32 (complex float32, interleaved, little endian) and short_cases.tsv next to this script.
Run: python3 tests/vectors/prach/short_formats.py
"""
import cmath
import math
import os
import struct

L = 139
# Table 6.3.3.1-7, L_RA = 139 column.
NCS_139 = [0, 2, 4, 6, 8, 10, 12, 13, 15, 17, 19, 23, 27, 34, 46, 69]
# Table 6.3.3.1-2 at mu = 0, kappa units: (N_u, N_CP).
FORMATS = {"A1": (2 * 2048, 288), "A2": (4 * 2048, 576), "A3": (6 * 2048, 864), "B4": (12 * 2048, 936),
           "C0": (2048, 1240), "C2": (4 * 2048, 2048)}
KBAR = 2  # Table 6.3.3.2-1, every L_RA = 139 row at these spacings


def root_u(i):
    """Table 6.3.3.1-4 as printed: 1, 138, 2, 137, 3, 136, ..."""
    seq = []
    for m in range(1, 70):
        seq += [m, L - m]
    return seq[i]


def preamble(root, zcz, v):
    ncs = NCS_139[zcz]
    per_root = L // ncs if ncs else 1
    u = root_u((root + v // per_root) % (L - 1))
    cv = (v % per_root) * ncs
    x = [cmath.exp(-1j * math.pi * u * i * (i + 1) / L) for i in range(L)]
    xv = [x[(n + cv) % L] for n in range(L)]
    y = [sum(xv[m] * cmath.exp(-2j * math.pi * m * n / L) for m in range(L)) for n in range(L)]
    return u, cv, y


def signal(case):
    fmt, ra_scs, scs, nprb, fs, root, zcz, v, msg1, extra16 = case
    mu = 1 if ra_scs == 30 else 0
    n_u_k, n_cp_k = FORMATS[fmt]
    n_u_k >>= mu
    n_cp_k = (n_cp_k >> mu) + 16 * extra16
    samples_per_kappa = fs / 30.72e6
    n_u, n_cp = round(n_u_k * samples_per_kappa), round(n_cp_k * samples_per_kappa)
    df_ra = ra_scs * 1000.0
    n_fft = round(fs / df_ra)
    n_rb_ra = {(15, 15): 12, (15, 30): 6, (30, 15): 24, (30, 30): 12}[(ra_scs, scs)]
    assert msg1 + n_rb_ra <= nprb
    k1 = 12 * msg1 - 12 * nprb / 2          # subcarriers of the PUSCH spacing, BWP = carrier
    big_k = scs / ra_scs
    u, cv, y = preamble(root, zcz, v)
    a = [yk / math.sqrt(L) for yk in y]
    scale = 1.0 / math.sqrt(n_fft)
    out = []
    for n in range(n_cp + n_u):
        t = n / fs - n_cp / fs           # time from the end of the cyclic prefix
        s = 0j
        for k in range(L):
            s += a[k] * cmath.exp(2j * math.pi * (k + big_k * k1 + KBAR) * df_ra * t)
        out.append(s * scale)
    return u, cv, n_cp_k, out


CASES = [
    # format, PRACH SCS kHz, PUSCH SCS kHz, N_RB, fs, root, zcz, v, msg1-FrequencyStart, 16-kappa CP extensions
    ("A1", 30, 30, 106, 46.08e6, 17, 5, 40, 3, 1),
    ("B4", 15, 15, 25, 7.68e6, 100, 14, 62, 5, 0),
    ("C2", 30, 30, 51, 23.04e6, 0, 0, 63, 20, 0),
]

here = os.path.dirname(os.path.abspath(__file__))
rows = ["case\tformat\tra_scs_khz\tscs_khz\tnof_prb\tfs_hz\troot\tzcz\tv\tu\tC_v\tmsg1_start\tcp_kappa\tfile"]
for i, c in enumerate(CASES):
    u, cv, cp_kappa, sig = signal(c)
    name = "short_%02d.cf32" % i
    with open(os.path.join(here, name), "wb") as f:
        for s in sig:
            f.write(struct.pack("<ff", s.real, s.imag))
    fmt, ra, scs, nprb, fs, root, zcz, v, msg1, _ = c
    rows.append("\t".join(str(x) for x in (i, fmt, ra, scs, nprb, int(fs), root, zcz, v, u, cv, msg1, cp_kappa, name)))
with open(os.path.join(here, "short_cases.tsv"), "w") as f:
    f.write("\n".join(rows) + "\n")
