/* Radio backend registry and the thin dispatch layer over struct radio_ops. */
#include "drivers/radio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern const struct radio_ops radio_null_ops;
extern const struct radio_ops radio_zmq_ops;
extern const struct radio_ops radio_file_ops;
#ifdef HAVE_UHD
extern const struct radio_ops radio_uhd_ops;
#endif
#ifdef HAVE_SOAPY
extern const struct radio_ops radio_soapy_ops;
#endif

struct backend {
    const char *name;
    const struct radio_ops *ops; /* NULL: compiled out */
    const char *missing;         /* what was absent at build time */
};

static const struct backend backends[] = {
    {"null", &radio_null_ops, NULL},
    {"zmq", &radio_zmq_ops, NULL},
    {"file", &radio_file_ops, NULL},
#ifdef HAVE_UHD
    {"uhd", &radio_uhd_ops, NULL},
#else
    {"uhd", NULL, "UHD (libuhd-dev)"},
#endif
#ifdef HAVE_SOAPY
    {"soapy", &radio_soapy_ops, NULL},
#else
    {"soapy", NULL, "SoapySDR (libsoapysdr-dev)"},
#endif
};
#define N_BACKENDS (sizeof backends / sizeof backends[0])

static const struct backend *find(const char *name)
{
    for (size_t i = 0; name && i < N_BACKENDS; i++)
        if (strcmp(backends[i].name, name) == 0) return &backends[i];
    return NULL;
}

const char *radio_backends(void)
{
    static const char list[] = "null,zmq,file"
#ifdef HAVE_UHD
                               ",uhd"
#endif
#ifdef HAVE_SOAPY
                               ",soapy"
#endif
        ;
    return list;
}

int radio_backend_known(const char *name) { return find(name) != NULL; }
int radio_backend_available(const char *name)
{
    const struct backend *b = find(name);
    return b && b->ops;
}

const char *radio_state_name(enum radio_state s)
{
    static const char *const names[] = {"closed", "open", "waiting for peer", "streaming", "stopped", "failed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int radio_open(struct radio *r, const char *device, const struct radio_params *p, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    const struct backend *b = find(device);
    if (!b) {
        snprintf(err, errlen, "unknown radio device \"%s\" (allowed: null, zmq, file, uhd, soapy)", device);
        return -ENOENT;
    }
    if (!b->ops) {
        snprintf(err, errlen, "radio device \"%s\" is not available: gnbd was built without %s (built in: %s)",
                 device, b->missing, radio_backends());
        return -ENOTSUP;
    }
    r->ops = b->ops;
    int rc = r->ops->open(r, p, err, errlen);
    if (rc < 0) {
        r->ops = NULL;
        return rc;
    }
    atomic_store(&r->state, RADIO_STATE_OPEN);
    return 0;
}

int radio_start(struct radio *r) { return r->ops->start ? r->ops->start(r) : 0; }

ssize_t radio_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch)
{
    if (atomic_load_explicit(&r->stop_requested, memory_order_relaxed)) return -ECANCELED;
    return r->ops->recv(r, buf, n, ts, epoch);
}

int radio_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    if (atomic_load_explicit(&r->stop_requested, memory_order_relaxed)) return -ECANCELED;
    if (n == 0 && r->ops->clocking == RADIO_WALL_CLOCKED) return 1; /* always ready: nothing to poll */
    return r->ops->send(r, buf, n, ts, epoch);
}

int radio_set_one_thread(struct radio *r)
{
    if (!r->ops->wait) return -ENOTSUP;
    r->one_thread = true;
    return 0;
}

int radio_wait(struct radio *r, int timeout_ms)
{
    if (atomic_load_explicit(&r->stop_requested, memory_order_relaxed)) return -ECANCELED;
    return r->one_thread ? r->ops->wait(r, timeout_ms) : -EINVAL;
}

#define SETTER(fn, member)                                       \
    int fn(struct radio *r, double v)                            \
    {                                                            \
        return r->ops->member ? r->ops->member(r, v) : -ENOTSUP; \
    }
SETTER(radio_set_sample_rate, set_sample_rate)
SETTER(radio_set_tx_freq, set_tx_freq)
SETTER(radio_set_rx_freq, set_rx_freq)
SETTER(radio_set_tx_gain, set_tx_gain)
SETTER(radio_set_rx_gain, set_rx_gain)

void radio_stop(struct radio *r)
{
    atomic_store(&r->stop_requested, 1);
    if (r->ops && r->ops->stop) r->ops->stop(r);
    atomic_store(&r->state, RADIO_STATE_STOPPED);
}

void radio_close(struct radio *r)
{
    if (r->ops && r->ops->close) r->ops->close(r);
    r->ops = NULL;
    r->priv = NULL;
    atomic_store(&r->state, RADIO_STATE_CLOSED);
}

enum radio_clocking radio_clocking(const struct radio *r) { return r->ops->clocking; }
bool radio_no_device(const struct radio *r) { return r->ops->no_device; }
