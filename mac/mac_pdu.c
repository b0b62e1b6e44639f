/* MAC PDU building and parsing, 38.321 6.1.2 / 6.1.3 / 6.2.1. */
#include "mac/mac_pdu.h"

#include <errno.h>
#include <string.h>

/* Fixed payload sizes of the LCIDs above the logical channels, per direction; V = with L, R = reserved,
 * P = padding. Index lcid - 33. */
enum { V = MAC_LCID_VARIABLE, P = MAC_LCID_PAD, R = MAC_LCID_RESERVED };

static const int8_t lcid_sizes[2][31] = {
    /* [MAC_DIR_DL]: Table 6.2.1-1, LCID 33..63 */
    {
        V, V,                               /* 33, 34: eLCID (skipped by L) */
        R, R, R, R, R, R, R, R, R, R, R, R, /* 35..46 */
        2, 2, 3, V, 2, 2, V, V, V,          /* 47..55 */
        1, 4, 1, 0, 0, 1, 6, P,             /* 56..63 */
    },
    /* [MAC_DIR_UL]: Table 6.2.1-2, LCID 33..63 */
    {
        V, V,                               /* 33, 34: eLCID */
        R, R, R, R, R, R, R, R, R, R,       /* 35..44 */
        V, V, R, 4, 1, V, V,                /* 45..51 */
        6, 2, V, 0, V, 2, 2, 1, V, 1, V, P, /* 52..63 */
    },
};

int mac_lcid_size(enum mac_dir dir, int lcid)
{
    if (lcid < 0 || lcid > 63) return MAC_LCID_RESERVED;
    if (lcid == 0) return dir == MAC_DIR_UL ? 8 : MAC_LCID_VARIABLE;
    if (lcid <= MAC_LCID_MAX_LCH) return MAC_LCID_VARIABLE;
    return lcid_sizes[dir == MAC_DIR_DL ? MAC_DIR_DL : MAC_DIR_UL][lcid - 33];
}

static bool is_sdu(enum mac_dir dir, int lcid)
{
    return lcid <= MAC_LCID_MAX_LCH || (dir == MAC_DIR_UL && lcid == MAC_LCID_UL_CCCH_48);
}

const char *mac_pdu_error_name(enum mac_pdu_error e)
{
    static const char *const names[MAC_PDU_ERR_COUNT] = {"ok", "empty", "truncated header", "length past end",
                                                         "reserved LCID", "zero-length SDU", "too many subPDUs"};
    return (unsigned)e < MAC_PDU_ERR_COUNT ? names[e] : "?";
}

static int refuse(struct mac_pdu_rx *out, struct mac_pdu_counters *c, enum mac_pdu_error e, size_t at)
{
    out->n = 0;
    out->padding = 0;
    out->error = e;
    out->error_offset = (uint32_t)at;
    if (c) c->dropped[e]++;
    return -EBADMSG;
}

int mac_pdu_parse(enum mac_dir dir, const uint8_t *pdu, size_t len, struct mac_pdu_rx *out,
                  struct mac_pdu_counters *counters)
{
    out->n = 0;
    out->padding = 0;
    out->error = MAC_PDU_OK;
    out->error_offset = 0;
    if (!pdu || len == 0) return refuse(out, counters, MAC_PDU_ERR_EMPTY, 0);
    size_t pos = 0;
    while (pos < len) {
        size_t start = pos;
        uint8_t h = pdu[pos++];
        int lcid = h & 0x3f;
        bool f = (h & 0x40) != 0;
        int size = mac_lcid_size(dir, lcid);
        if (size == MAC_LCID_RESERVED) return refuse(out, counters, MAC_PDU_ERR_RESERVED_LCID, start);
        if (size == MAC_LCID_PAD) {
            out->padding = (uint32_t)(len - start);
            break;
        }
        uint16_t elcid = 0;
        int elcid_bytes = lcid == MAC_LCID_ELCID_2 ? 2 : lcid == MAC_LCID_ELCID_1 ? 1 : 0;
        if (len - pos < (size_t)elcid_bytes) return refuse(out, counters, MAC_PDU_ERR_HEADER, start);
        for (int i = 0; i < elcid_bytes; i++) elcid = (uint16_t)(elcid << 8 | pdu[pos++]);
        size_t l;
        if (size >= 0) {
            l = (size_t)size;
        } else {
            size_t lbytes = f ? 2 : 1;
            if (len - pos < lbytes) return refuse(out, counters, MAC_PDU_ERR_HEADER, start);
            l = f ? (size_t)pdu[pos] << 8 | pdu[pos + 1] : pdu[pos];
            pos += lbytes;
            if (l == 0 && is_sdu(dir, lcid)) return refuse(out, counters, MAC_PDU_ERR_ZERO_SDU, start);
        }
        if (len - pos < l) return refuse(out, counters, MAC_PDU_ERR_LENGTH, start);
        if (out->n == MAC_PDU_MAX_SUBPDUS) return refuse(out, counters, MAC_PDU_ERR_TOO_MANY, start);
        out->sub[out->n++] = (struct mac_subpdu){.lcid = (uint8_t)lcid, .elcid = elcid, .offset = (uint32_t)pos,
                                                 .length = (uint32_t)l};
        pos += l;
    }
    if (counters) counters->parsed++;
    return 0;
}

const struct mac_subpdu *mac_pdu_find(const struct mac_pdu_rx *rx, int lcid)
{
    for (int i = 0; i < rx->n; i++)
        if (rx->sub[i].lcid == lcid) return &rx->sub[i];
    return NULL;
}

/* ---- Building ------------------------------------------------------------------------------------------ */

void mac_pdu_builder_init(struct mac_pdu_builder *b, enum mac_dir dir, uint8_t *buf, size_t tb_size)
{
    b->dir = dir;
    b->buf = buf;
    b->cap = buf ? tb_size : 0;
    b->len = 0;
}

size_t mac_pdu_sdu_room(const struct mac_pdu_builder *b)
{
    size_t left = b->cap - b->len;
    if (left <= 2) return 0;
    if (left <= 2 + 255) return left - 2;
    size_t room = left - 3;
    return room > MAC_PDU_MAX_L ? MAC_PDU_MAX_L : room;
}

/* Writes the subheader for `lcid` with `len` payload bytes and returns where the payload goes, or NULL. */
static uint8_t *put_subheader(struct mac_pdu_builder *b, int lcid, size_t len)
{
    int size = mac_lcid_size(b->dir, lcid);
    if (size == MAC_LCID_RESERVED || size == MAC_LCID_PAD || lcid == MAC_LCID_ELCID_1 || lcid == MAC_LCID_ELCID_2)
        return NULL;
    if (size >= 0 && len != (size_t)size) return NULL;
    if (size < 0 && (len > MAC_PDU_MAX_L || (len == 0 && is_sdu(b->dir, lcid)))) return NULL;
    size_t hdr = size >= 0 ? 1 : mac_pdu_subheader_len(len);
    if (b->cap - b->len < hdr || b->cap - b->len - hdr < len) return NULL;
    uint8_t *p = b->buf + b->len;
    if (hdr == 1) {
        p[0] = (uint8_t)lcid;
    } else if (hdr == 2) {
        p[0] = (uint8_t)lcid;
        p[1] = (uint8_t)len;
    } else {
        p[0] = (uint8_t)(0x40 | lcid);
        p[1] = (uint8_t)(len >> 8);
        p[2] = (uint8_t)len;
    }
    b->len += hdr + len;
    return p + hdr;
}

uint8_t *mac_pdu_reserve_sdu(struct mac_pdu_builder *b, int lcid, size_t len)
{
    if (!b->buf || !is_sdu(b->dir, lcid)) return NULL;
    return put_subheader(b, lcid, len);
}

static int add(struct mac_pdu_builder *b, int lcid, const uint8_t *data, size_t len, bool sdu)
{
    if (!b->buf || (len && !data) || sdu != is_sdu(b->dir, lcid)) return -EINVAL;
    int size = mac_lcid_size(b->dir, lcid);
    if (size == MAC_LCID_RESERVED || size == MAC_LCID_PAD || (size >= 0 && len != (size_t)size) ||
        lcid == MAC_LCID_ELCID_1 || lcid == MAC_LCID_ELCID_2 || len > MAC_PDU_MAX_L || (sdu && len == 0))
        return -EINVAL;
    uint8_t *p = put_subheader(b, lcid, len);
    if (!p) return -ENOSPC;
    if (len) memmove(p, data, len);
    return 0;
}

int mac_pdu_add_sdu(struct mac_pdu_builder *b, int lcid, const uint8_t *sdu, size_t len)
{
    return add(b, lcid, sdu, len, true);
}

int mac_pdu_add_ce(struct mac_pdu_builder *b, int lcid, const uint8_t *ce, size_t len)
{
    return add(b, lcid, ce, len, false);
}

int mac_pdu_add_con_res_id(struct mac_pdu_builder *b, const uint8_t id[MAC_CON_RES_ID_BYTES])
{
    if (b->dir != MAC_DIR_DL) return -EINVAL;
    return mac_pdu_add_ce(b, MAC_LCID_DL_CON_RES_ID, id, MAC_CON_RES_ID_BYTES);
}

int mac_pdu_add_ta_command(struct mac_pdu_builder *b, int tag_id, int ta_command)
{
    if (b->dir != MAC_DIR_DL || tag_id < 0 || tag_id > 3 || ta_command < 0 || ta_command > 63) return -EINVAL;
    uint8_t ce = (uint8_t)(tag_id << 6 | ta_command);
    return mac_pdu_add_ce(b, MAC_LCID_DL_TA_COMMAND, &ce, 1);
}

size_t mac_pdu_finish(struct mac_pdu_builder *b)
{
    if (b->len < b->cap) {
        b->buf[b->len] = MAC_LCID_PADDING;
        memset(b->buf + b->len + 1, 0, b->cap - b->len - 1);
        b->len = b->cap;
    }
    return b->len;
}

/* ---- MAC CEs ------------------------------------------------------------------------------------------- */

int mac_bsr_parse(int lcid, const uint8_t *ce, size_t len, struct mac_bsr *bsr)
{
    memset(bsr, 0, sizeof *bsr);
    if (!ce) return -EBADMSG;
    switch (lcid) {
    case MAC_LCID_UL_SHORT_BSR:
    case MAC_LCID_UL_SHORT_TRUNC_BSR:
        if (len != 1) return -EBADMSG;
        bsr->format = lcid == MAC_LCID_UL_SHORT_BSR ? MAC_BSR_SHORT : MAC_BSR_SHORT_TRUNC;
        bsr->n = 1;
        bsr->lcg[0] = ce[0] >> 5;
        bsr->bs[0] = ce[0] & 0x1f;
        bsr->lcg_mask = (uint8_t)(1u << bsr->lcg[0]);
        return 0;
    case MAC_LCID_UL_LONG_BSR:
    case MAC_LCID_UL_LONG_TRUNC_BSR: {
        if (len < 1 || len > 9) return -EBADMSG;
        bool trunc = lcid == MAC_LCID_UL_LONG_TRUNC_BSR;
        bsr->format = trunc ? MAC_BSR_LONG_TRUNC : MAC_BSR_LONG;
        bsr->lcg_mask = ce[0];   /* LCG7 in the first bit, LCG0 in the last (Figure 6.1.3.1-2) */
        int present = __builtin_popcount(ce[0]);
        bsr->n = (int)len - 1;
        /* Long: one field per LCG set, ascending LCG (6.1.3.1). Long truncated: at most one per LCG set. */
        if (trunc ? bsr->n > present : bsr->n != present) return -EBADMSG;
        for (int i = 0, g = 0; i < bsr->n; i++) {
            bsr->bs[i] = ce[1 + i];
            if (bsr->bs[i] == 255) return -EBADMSG;
            if (trunc) {
                bsr->lcg[i] = 0xff;
            } else {
                while (!(ce[0] >> g & 1)) g++;
                bsr->lcg[i] = (uint8_t)g++;
            }
        }
        return 0;
    }
    default:
        return -EBADMSG;
    }
}

/* Tables 6.1.3.1-1 and 6.1.3.1-2: the upper bound (BS <= value) of each index; index 0 is BS = 0 and the index
 * after the last bound is BS > it. */
static const uint32_t bs5_max[31] = {
    0,     10,    14,    20,    28,    38,    53,    74,    102,   142,    198,   276,   384,   535,   745, 1038,
    1446,  2014,  2806,  3909,  5446,  7587,  10570, 14726, 20516, 28581, 39818, 55474, 77284, 107669, 150000,
};
static const uint32_t bs8_max[254] = {
    0,        10,       11,       12,       13,       14,       15,       16,       17,       18,
    19,       20,       22,       23,       25,       26,       28,       30,       32,       34,
    36,       38,       40,       43,       46,       49,       52,       55,       59,       62,
    66,       71,       75,       80,       85,       91,       97,       103,      110,      117,
    124,      132,      141,      150,      160,      170,      181,      193,      205,      218,
    233,      248,      264,      281,      299,      318,      339,      361,      384,      409,
    436,      464,      494,      526,      560,      597,      635,      677,      720,      767,
    817,      870,      926,      987,      1051,     1119,     1191,     1269,     1351,     1439,
    1532,     1631,     1737,     1850,     1970,     2098,     2234,     2379,     2533,     2698,
    2873,     3059,     3258,     3469,     3694,     3934,     4189,     4461,     4751,     5059,
    5387,     5737,     6109,     6506,     6928,     7378,     7857,     8367,     8910,     9488,
    10104,    10760,    11458,    12202,    12994,    13838,    14736,    15692,    16711,    17795,
    18951,    20181,    21491,    22885,    24371,    25953,    27638,    29431,    31342,    33376,
    35543,    37850,    40307,    42923,    45709,    48676,    51836,    55200,    58784,    62599,
    66663,    70990,    75598,    80505,    85730,    91295,    97221,    103532,   110252,   117409,
    125030,   133146,   141789,   150992,   160793,   171231,   182345,   194182,   206786,   220209,
    234503,   249725,   265935,   283197,   301579,   321155,   342002,   364202,   387842,   413018,
    439827,   468377,   498780,   531156,   565634,   602350,   641449,   683087,   727427,   774645,
    824928,   878475,   935498,   996222,   1060888,  1129752,  1203085,  1281179,  1364342,  1452903,
    1547213,  1647644,  1754595,  1868488,  1989774,  2118933,  2256475,  2402946,  2558924,  2725027,
    2901912,  3090279,  3290873,  3504487,  3731968,  3974215,  4232186,  4506902,  4799451,  5110989,
    5442750,  5796046,  6172275,  6572925,  6999582,  7453933,  7937777,  8453028,  9001725,  9586039,
    10208280, 10870913, 11576557, 12328006, 13128233, 13980403, 14887889, 15854280, 16883401, 17979324,
    19146385, 20389201, 21712690, 23122088, 24622972, 26221280, 27923336, 29735875, 31666069, 33721553,
    35910462, 38241455, 40723756, 43367187, 46182206, 49179951, 52372284, 55771835, 59392055, 63247269,
    67352729, 71724679, 76380419, 81338368,
};

int mac_bsr_range(int index, bool eight_bit, uint32_t *lo, uint32_t *hi)
{
    const uint32_t *t = eight_bit ? bs8_max : bs5_max;
    int n = eight_bit ? 254 : 31;   /* bounded indices; index n is "BS > t[n-1]" */
    if (index < 0 || index > n) return -EINVAL;
    *lo = index == 0 ? 0 : t[index - 1] + 1;
    *hi = index == n ? UINT32_MAX : t[index];
    return 0;
}

int mac_phr_parse(const uint8_t *ce, size_t len, struct mac_phr *phr)
{
    if (!ce || len != 2) return -EBADMSG;
    phr->ph = ce[0] & 0x3f;
    phr->pcmax = ce[1] & 0x3f;
    phr->flags = (ce[0] >> 6) << 2 | ce[1] >> 6;
    return 0;
}

int mac_crnti_parse(const uint8_t *ce, size_t len, uint16_t *rnti)
{
    if (!ce || len != 2) return -EBADMSG;
    *rnti = (uint16_t)(ce[0] << 8 | ce[1]);
    return 0;
}
