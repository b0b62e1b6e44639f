/* "file" radio: replay RX from an fc32 file, record TX into one. Peer-clocked and unpaced, so a run over files
 * is deterministic (tests, offline replay of a recording).
 *
 * Arguments: rx_file=PATH (raw interleaved float32 I/Q; absent: RX delivers zeros forever), tx_file=PATH (every
 * sent sample, in timestamp order), repeat=0|1 (replay rx_file in a loop). Next to tx_file we write a SigMF
 * metadata file PATH.sigmf-meta (datatype cf32_le, sample rate, TX frequency). If rx_file has one, its sample
 * rate must equal the cell's.
 * One stream epoch (1) for the whole run, reported by the first radio_recv(). At the end of rx_file (without
 * repeat) radio_recv() returns -EPIPE; a last partial block is delivered padded with zeros first.
 * On TX, a timestamp gap is filled with zeros and a block whose timestamp is already written is dropped and
 * counted late, so the file always holds sample k at offset 8k.
 *
 * Threading: radio_recv() reads only the RX file, radio_send() writes only the TX file (one thread each, or
 * the same thread); they share only the atomic counters. File I/O is this backend's radio I/O; both files are
 * read/written through large stdio buffers allocated at open.
 */
#include "drivers/radio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers/device_args.h"

#define FR_PATH_MAX 256
#define FR_IO_BUFFER (4u << 20)   /* stdio buffer per file: few, large writes and reads */
#define FR_META_MAX (64u << 10)   /* a SigMF metadata file larger than this is not ours to read */
#define FR_META_SUFFIX ".sigmf-meta"

struct file_radio {
    FILE *rx, *tx;
    char rx_path[FR_PATH_MAX], tx_path[FR_PATH_MAX];
    char *rx_iobuf, *tx_iobuf;
    bool repeat;
    bool announced;             /* RADIO_NEW_EPOCH was reported */
    bool rx_ended;              /* the last (padded) block of rx_file was delivered */
    double rate, tx_freq;
    double rx_meta_rate;        /* sample rate from rx_file's metadata, 0 = none */
    uint64_t rx_next, tx_next;  /* next RX sample index, next TX sample index to write */
    size_t spp;
    cf_t *zeros;                /* samples_per_slot zeros, for TX gaps */
};

/* Read PATH.sigmf-meta next to `path` if it exists. Returns 0 (fills *rate, 0 if absent), or -EINVAL with a
 * reason in err. */
static int fr_read_meta(const char *path, double *rate, char *err, size_t errlen)
{
    char meta[FR_PATH_MAX + sizeof FR_META_SUFFIX];
    snprintf(meta, sizeof meta, "%s%s", path, FR_META_SUFFIX);
    *rate = 0;
    FILE *f = fopen(meta, "rb");
    if (!f) return 0;
    char *text = calloc(1, FR_META_MAX + 1);
    size_t len = text ? fread(text, 1, FR_META_MAX, f) : 0;
    fclose(f);
    cJSON *root = len ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    const cJSON *global = cJSON_GetObjectItemCaseSensitive(root, "global");
    const cJSON *sr = cJSON_GetObjectItemCaseSensitive(global, "core:sample_rate");
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(global, "core:datatype");
    int rc = 0;
    if (!cJSON_IsObject(global) || !cJSON_IsNumber(sr) || !(sr->valuedouble > 0)) {
        snprintf(err, errlen, "%s: not SigMF metadata with a global core:sample_rate", meta);
        rc = -EINVAL;
    } else if (dt && !(cJSON_IsString(dt) && strcmp(dt->valuestring, "cf32_le") == 0)) {
        snprintf(err, errlen, "%s: core:datatype must be \"cf32_le\" (interleaved float32 I/Q)", meta);
        rc = -EINVAL;
    } else
        *rate = sr->valuedouble;
    cJSON_Delete(root);
    return rc;
}

/* Write the SigMF metadata of the TX recording (SigMF 1.0.0: global + one capture from sample 0). */
static int fr_write_meta(const struct file_radio *f)
{
    char meta[FR_PATH_MAX + sizeof FR_META_SUFFIX];
    snprintf(meta, sizeof meta, "%s%s", f->tx_path, FR_META_SUFFIX);
    cJSON *root = cJSON_CreateObject(), *global = cJSON_AddObjectToObject(root, "global");
    cJSON *captures = cJSON_AddArrayToObject(root, "captures"), *capture = cJSON_CreateObject();
    cJSON_AddStringToObject(global, "core:datatype", "cf32_le");
    cJSON_AddNumberToObject(global, "core:sample_rate", f->rate);
    cJSON_AddStringToObject(global, "core:version", "1.0.0");
    cJSON_AddStringToObject(global, "core:hw", "gnbd");
    cJSON_AddNumberToObject(capture, "core:sample_start", 0);
    cJSON_AddNumberToObject(capture, "core:frequency", f->tx_freq);
    cJSON_AddItemToArray(captures, capture);
    cJSON_AddArrayToObject(root, "annotations");
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    FILE *out = text ? fopen(meta, "w") : NULL;
    int rc = out && fputs(text, out) >= 0 && fputc('\n', out) != EOF ? 0 : -EIO;
    if (out && fclose(out) != 0) rc = -EIO;
    free(text);
    return rc;
}

static int fr_open_rx(struct file_radio *f, char *err, size_t errlen)
{
    struct stat st;
    f->rx = fopen(f->rx_path, "rb");
    if (!f->rx || fstat(fileno(f->rx), &st) != 0) {
        int e = errno;
        snprintf(err, errlen, "file radio: cannot open rx_file %s: %s", f->rx_path, strerror(e));
        return -e;
    }
    if (S_ISREG(st.st_mode) && (st.st_size % (off_t)sizeof(cf_t) != 0 || (st.st_size == 0 && f->repeat))) {
        snprintf(err, errlen, "file radio: rx_file %s holds %lld bytes: not a whole, non-empty number of fc32 "
                 "samples (8 bytes each)", f->rx_path, (long long)st.st_size);
        return -EINVAL;
    }
    int rc = fr_read_meta(f->rx_path, &f->rx_meta_rate, err, errlen);
    if (rc == 0 && f->rx_meta_rate != 0 && f->rx_meta_rate != f->rate) {
        snprintf(err, errlen, "file radio: rx_file %s was recorded at %.10g samples/s (its .sigmf-meta), the "
                 "cell's sample rate is %.10g", f->rx_path, f->rx_meta_rate, f->rate);
        rc = -EINVAL;
    }
    if (rc == 0 && (f->rx_iobuf = malloc(FR_IO_BUFFER)) != NULL) setvbuf(f->rx, f->rx_iobuf, _IOFBF, FR_IO_BUFFER);
    return rc;
}

static int fr_open_tx(struct file_radio *f, char *err, size_t errlen)
{
    f->tx = fopen(f->tx_path, "wb");
    if (!f->tx) {
        int e = errno;
        snprintf(err, errlen, "file radio: cannot create tx_file %s: %s", f->tx_path, strerror(e));
        return -e;
    }
    if ((f->tx_iobuf = malloc(FR_IO_BUFFER)) != NULL) setvbuf(f->tx, f->tx_iobuf, _IOFBF, FR_IO_BUFFER);
    return 0;
}

static int fr_parse_args(struct file_radio *f, const char *args, char *err, size_t errlen)
{
    static const char *const allowed[] = {"rx_file", "tx_file", "repeat", NULL};
    char bad[64], repeat[8] = "0";
    if (!device_args_check(args, allowed, bad, sizeof bad)) {
        snprintf(err, errlen, "file radio: unknown argument \"%s\" (allowed: rx_file, tx_file, repeat)", bad);
        return -EINVAL;
    }
    if (device_args_get(args, "rx_file", f->rx_path, sizeof f->rx_path) == -2 ||
        device_args_get(args, "tx_file", f->tx_path, sizeof f->tx_path) == -2) {
        snprintf(err, errlen, "file radio: a file path is longer than %d characters", FR_PATH_MAX - 1);
        return -EINVAL;
    }
    int n = device_args_get(args, "repeat", repeat, sizeof repeat);
    if (n != -1 && strcmp(repeat, "0") != 0 && strcmp(repeat, "1") != 0) {
        snprintf(err, errlen, "file radio: repeat must be 0 or 1");
        return -EINVAL;
    }
    f->repeat = repeat[0] == '1';
    return 0;
}

static void fr_close(struct radio *r)
{
    struct file_radio *f = r->priv;
    if (!f) return;
    if (f->rx) fclose(f->rx);
    if (f->tx) fclose(f->tx);
    free(f->rx_iobuf);
    free(f->tx_iobuf);
    free(f->zeros);
    free(f);
    r->priv = NULL;
}

static int fr_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    if (!(p->sample_rate > 0) || p->samples_per_slot == 0) {
        snprintf(err, errlen, "file radio needs a positive sample rate and samples per slot");
        return -EINVAL;
    }
    struct file_radio *f = calloc(1, sizeof *f);
    if (!f) return -ENOMEM;
    r->priv = f;
    f->rate = p->sample_rate;
    f->tx_freq = p->tx_freq_hz;
    f->spp = p->samples_per_slot;
    int rc = fr_parse_args(f, p->args, err, errlen);
    if (rc == 0 && !(f->zeros = calloc(f->spp, sizeof(cf_t)))) rc = -ENOMEM;
    if (rc == 0 && f->rx_path[0]) rc = fr_open_rx(f, err, errlen);
    if (rc == 0 && f->tx_path[0]) rc = fr_open_tx(f, err, errlen);
    if (rc < 0) fr_close(r);
    return rc;
}

static int fr_start(struct radio *r)
{
    struct file_radio *f = r->priv;
    if (f->tx && fr_write_meta(f) < 0) return -EIO;
    atomic_store(&r->epoch, 1);
    atomic_fetch_add(&r->counters.epochs, 1);
    atomic_store(&r->state, RADIO_STATE_STREAMING);
    return 0;
}

/* Fill buf[0..n) from rx_file; returns how many samples came from the file (< n only at its end). */
static ssize_t fr_read(struct radio *r, struct file_radio *f, cf_t *buf, size_t n)
{
    size_t got = 0;
    bool rewound = false;
    while (got < n) {
        size_t k = fread(buf + got, sizeof(cf_t), n - got, f->rx);
        got += k;
        if (got == n) break;
        if (ferror(f->rx)) {
            atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
            return -EIO;
        }
        /* End of file. Nothing read right after a rewind (a file emptied under us) ends the stream too. */
        if (!f->repeat || (rewound && k == 0) || fseek(f->rx, 0, SEEK_SET) != 0) break;
        rewound = true;
    }
    return (ssize_t)got;
}

static ssize_t fr_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct file_radio *f = r->priv;
    if (n == 0 || !buf) return -EINVAL;
    if (!f->announced) {
        f->announced = true;
        *epoch = 1;
        return RADIO_NEW_EPOCH;
    }
    if (f->rx_ended) return -EPIPE;
    if (f->rx) {
        ssize_t got = fr_read(r, f, buf, n);
        if (got < 0) return got;
        if (got == 0) {
            f->rx_ended = true;
            return -EPIPE;
        }
        if ((size_t)got < n) {
            memset(buf + got, 0, (n - (size_t)got) * sizeof *buf);
            f->rx_ended = true;
        }
    } else
        memset(buf, 0, n * sizeof *buf);
    *ts = f->rx_next;
    *epoch = 1;
    f->rx_next += n;
    atomic_fetch_add_explicit(&r->counters.rx_samples, n, memory_order_relaxed);
    return (ssize_t)n;
}

static int fr_write(struct radio *r, struct file_radio *f, const cf_t *buf, size_t n)
{
    if (f->tx && fwrite(buf, sizeof(cf_t), n, f->tx) != n) {
        atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
        return -EIO;
    }
    f->tx_next += n;
    atomic_fetch_add_explicit(&r->counters.tx_samples, n, memory_order_relaxed);
    return 0;
}

static int fr_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    struct file_radio *f = r->priv;
    if (n == 0) return 1; /* poll (radio.h): a file always takes samples now */
    if (epoch != 1) return -ESTALE;
    if (!buf) return -EINVAL;
    if (ts < f->tx_next) {
        atomic_fetch_add_explicit(&r->counters.tx_late, 1, memory_order_relaxed);
        return (int)n;
    }
    while (f->tx_next < ts) {
        uint64_t gap = ts - f->tx_next;
        int rc = fr_write(r, f, f->zeros, gap < f->spp ? (size_t)gap : f->spp);
        if (rc < 0) return rc;
    }
    int rc = fr_write(r, f, buf, n);
    return rc < 0 ? rc : (int)n;
}

static int fr_set_rate(struct radio *r, double hz)
{
    struct file_radio *f = r->priv;
    if (!(hz > 0) || (f->rx_meta_rate != 0 && hz != f->rx_meta_rate)) return -EINVAL;
    f->rate = hz;
    return 0;
}

static int fr_set_tx_freq(struct radio *r, double hz)
{
    struct file_radio *f = r->priv;
    f->tx_freq = hz; /* only recorded in the TX metadata, written at start */
    return 0;
}

static int fr_set_ignored(struct radio *r, double v)
{
    (void)r;
    (void)v;
    return 0; /* no RF: RX frequency and gains have no meaning for a file */
}

const struct radio_ops radio_file_ops = {
    .name = "file",
    .clocking = RADIO_PEER_CLOCKED,
    .open = fr_open,
    .start = fr_start,
    .recv = fr_recv,
    .send = fr_send,
    .set_sample_rate = fr_set_rate,
    .set_tx_freq = fr_set_tx_freq,
    .set_rx_freq = fr_set_ignored,
    .set_tx_gain = fr_set_ignored,
    .set_rx_gain = fr_set_ignored,
    .close = fr_close,
};
