#!/usr/bin/env python3
"""PUCCH format 0 reference grids, written from the 3GPP text alone (no gnbd code), for test_pucch.

38.211 5.2.1 (Gold sequence), 5.2.2.2 (Table 5.2.2.2-2), 6.3.2.2 (group hopping "neither", cyclic shift
hopping), 6.3.2.3 (format 0 sequence), 38.213 9.2.3/9.2.5.1/9.2.4 (m_cs from the HARQ-ACK bits and SR).
Writes f0_cases.tsv and f0_XX_grid.bin (14 x 624 complex float32, 52 PRB carrier, BWP = carrier) next to itself.
Run: python3 tests/vectors/pucch/f0_ref.py
"""
import math
import os
import struct

N_PRB = 52
PHI12 = [  # 38.211 Table 5.2.2.2-2, u = 0..29
    [-3, 1, -3, -3, -3, 3, -3, -1, 1, 1, 1, -3], [-3, 3, 1, -3, 1, 3, -1, -1, 1, 3, 3, 3],
    [-3, 3, 3, 1, -3, 3, -1, 1, 3, -3, 3, -3], [-3, -3, -1, 3, 3, 3, -3, 3, -3, 1, -1, -3],
    [-3, -1, -1, 1, 3, 1, 1, -1, 1, -1, -3, 1], [-3, -3, 3, 1, -3, -3, -3, -1, 3, -1, 1, 3],
    [1, -1, 3, -1, -1, -1, -3, -1, 1, 1, 1, -3], [-1, -3, 3, -1, -3, -3, -3, -1, 1, -1, 1, -3],
    [-3, -1, 3, 1, -3, -1, -3, 3, 1, 3, 3, 1], [-3, -1, -1, -3, -3, -1, -3, 3, 1, 3, -1, -3],
    [-3, 3, -3, 3, 3, -3, -1, -1, 3, 3, 1, -3], [-3, -1, -3, -1, -1, -3, 3, 3, -1, -1, 1, -3],
    [-3, -1, 3, -3, -3, -1, -3, 1, -1, -3, 3, 3], [-3, 1, -1, -1, 3, 3, -3, -1, -1, -3, -1, -3],
    [1, 3, -3, 1, 3, 3, 3, 1, -1, 1, -1, 3], [-3, 1, 3, -1, -1, -3, -3, -1, -1, 3, 1, -3],
    [-1, -1, -1, -1, 1, -3, -1, 3, 3, -1, -3, 1], [-1, 1, 1, -1, 1, 3, 3, -1, -1, -3, 1, -3],
    [-3, 1, 3, 3, -1, -1, -3, 3, 3, -3, 3, -3], [-3, -3, 3, -3, -1, 3, 3, 3, -1, -3, 1, -3],
    [3, 1, 3, 1, 3, -3, -1, 1, 3, 1, -1, -3], [-3, 3, 1, 3, -3, 1, 1, 1, 1, 3, -3, 3],
    [-3, 3, 3, 3, -1, -3, -3, -1, -3, 1, 3, -3], [3, -1, -3, 3, -3, -1, 3, 3, 3, -3, -1, -3],
    [-3, -1, 1, -3, 1, 3, 3, 3, -1, -3, 3, 3], [-3, 3, 1, -1, 3, 3, -3, 1, -1, 1, -1, 1],
    [-1, 1, 3, -3, 1, -1, 1, -1, -1, -3, 1, -1], [-3, -3, 3, 3, 3, -3, -1, 1, -3, 3, 1, -3],
    [1, -1, 3, 1, 1, -1, -1, -1, 1, 3, -3, 1], [-3, 3, -3, 3, -3, -3, 3, -1, -1, 1, 3, -3],
]


def gold(c_init, n):
    """c(0..n-1) of 38.211 5.2.1, bit by bit."""
    nc = 1600
    x1 = [1] + [0] * 30
    x2 = [(c_init >> i) & 1 for i in range(31)]
    for i in range(nc + n):
        x1.append((x1[i + 3] + x1[i]) % 2)
        x2.append((x2[i + 3] + x2[i + 2] + x2[i + 1] + x2[i]) % 2)
    return [(x1[i + nc] + x2[i + nc]) % 2 for i in range(n)]


def n_cs(n_id, slot, l):
    c = gold(n_id, 8 * 14 * slot + 8 * l + 8)
    return sum(c[8 * 14 * slot + 8 * l + m] << m for m in range(8))


def m_cs(ack, sr):
    """38.213 Tables 9.2.3-3/-4 and 9.2.5-1/-2; SR alone: 0."""
    if not ack:
        return 0
    if len(ack) == 1:
        return {0: 0, 1: 6}[ack[0]] + (3 if sr else 0)
    return {(0, 0): 0, (0, 1): 3, (1, 1): 6, (1, 0): 9}[tuple(ack)] + (1 if sr else 0)


# id, n_id, slot, start_prb, hopping, second_hop_prb, start_symbol, nof_symbols, m0, ack bits, sr
CASES = [
    (0, 500, 3, 5, 0, 5, 13, 1, 3, [1], 0),
    (1, 1000, 7, 0, 1, 51, 12, 2, 0, [1, 0], 1),
    (2, 77, 11, 20, 0, 20, 4, 2, 9, [], 1),
    (3, 301, 0, 49, 1, 2, 12, 2, 4, [0, 1], 0),
    (4, 42, 19, 33, 0, 33, 0, 1, 11, [0], 1),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = ["case_id\tn_id\tslot\tstart_prb\tintra_slot_hopping\tsecond_hop_prb\tstart_symbol\tnof_symbols"
            "\tinitial_cs_m0\tharq_ack_bits\tsr\tm_cs\tcs_per_symbol"]
    for cid, n_id, slot, prb, hop, prb2, l0, nsym, m0, ack, sr in CASES:
        grid = [[(0.0, 0.0)] * (12 * N_PRB) for _ in range(14)]
        u = n_id % 30  # f_gh = 0, f_ss = n_ID mod 30
        mcs = m_cs(ack, sr)
        shifts = []
        for l in range(nsym):
            cs = (m0 + mcs + n_cs(n_id, slot, l0 + l)) % 12
            shifts.append(cs)
            p = prb2 if (hop and l >= nsym // 2) else prb
            for n in range(12):
                a = 2 * math.pi * cs * n / 12 + PHI12[u][n] * math.pi / 4
                grid[l0 + l][12 * p + n] = (math.cos(a), math.sin(a))
        with open(os.path.join(here, "f0_%02d_grid.bin" % cid), "wb") as f:
            for sym in grid:
                for re, im in sym:
                    f.write(struct.pack("<ff", re, im))
        rows.append("\t".join(str(v) for v in (cid, n_id, slot, prb, hop, prb2, l0, nsym, m0,
                                                "".join(map(str, ack)) or "-", sr, mcs,
                                                ",".join(map(str, shifts)))))
    with open(os.path.join(here, "f0_cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
