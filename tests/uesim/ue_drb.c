/* The UE simulator's DRB (see ue_drb.h). */
#include "tests/uesim/ue_drb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ue_drb_config_default(struct ue_drb_config *c)
{
    *c = (struct ue_drb_config){.drb_id = 1, .lcid = 4, .rlc = rlc_am_config_srb_default, .pdcp_sn_bits = 18,
                                .sdap_header_dl = true, .sdap_header_ul = true, .qfi = 1};
    c->rlc.sn_bits = 18;
}

/* PDCP delivers a DL SDAP PDU: the packet behind the header counted and, with echo, queued to go back. */
static void pdcp_delivered(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct ue_drb *d = ctx;
    (void)count;
    size_t h = d->cfg.sdap_header_dl ? 1 : 0;
    if (len <= h || len - h > UE_DRB_MAX_IP) {
        d->dropped++;
        return;
    }
    d->dl_ip++;
    d->dl_ip_bytes += len - h;
    if (!d->echo) return;
    if (d->n_echo >= UE_DRB_ECHO) {
        d->dropped++;
        return;
    }
    int k = (d->echo_head + d->n_echo++) % UE_DRB_ECHO;
    memcpy(d->echo_buf[k], sdu + h, len - h);
    d->echo_len[k] = (uint16_t)(len - h);
}

static void rlc_delivered(void *ctx, const uint8_t *pdu, size_t len)
{
    struct ue_drb *d = ctx;
    if (pdcp_drb_rx(&d->pdcp, pdu, len, d->now_ms) < 0) d->dropped++;
}

void ue_drb_free(struct ue_drb *d)
{
    if (d->active) {
        rlc_am_free(&d->rlc);
        pdcp_drb_free(&d->pdcp);
    }
    free(d->echo_buf);
    memset(d, 0, sizeof *d);
}

int ue_drb_setup(struct ue_drb *d, const struct ue_drb_config *c, bool echo)
{
    ue_drb_free(d);
    if (c->drb_id < 1 || c->drb_id > 32 || c->lcid < 4 || c->lcid > 32 || c->qfi < 0 || c->qfi > 63) return -EINVAL;
    d->cfg = *c;
    d->echo = echo;
    struct rlc_am_config rc = c->rlc;
    rc.tx_sdus = 256;
    rc.tx_bytes = 256 * 1024;
    rc.rx_slots = 32;
    rc.max_sdu_bytes = UE_DRB_MAX_IP + 1 + 3 + 4;
    struct pdcp_drb_config pc;
    pdcp_drb_config_default(&pc, c->drb_id);
    pc.sn_bits = c->pdcp_sn_bits;
    pc.gnb = false;
    pc.sdap_header_dl = c->sdap_header_dl;
    pc.sdap_header_ul = c->sdap_header_ul;
    pc.max_sdu = UE_DRB_MAX_IP + 1;
    pc.deliver = pdcp_delivered;
    pc.deliver_ctx = d;
    int rc1 = rlc_am_init(&d->rlc, &rc, rlc_delivered, d);
    if (rc1 < 0) return rc1;
    int rc2 = pdcp_drb_init(&d->pdcp, &pc);
    if (rc2 < 0) {
        rlc_am_free(&d->rlc);
        return rc2;
    }
    d->active = true;
    if (echo && !(d->echo_buf = malloc(UE_DRB_ECHO * sizeof *d->echo_buf))) {
        ue_drb_free(d);
        return -ENOMEM;
    }
    return 0;
}

int ue_drb_security(struct ue_drb *d, const struct pdcp_sec_config *up)
{
    return d->active ? pdcp_drb_security_activate(&d->pdcp, up) : -ENOENT;
}

int ue_drb_rx_pdu(struct ue_drb *d, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    if (!d->active) return -ENOENT;
    d->now_ms = now_ms;
    return rlc_am_push_pdu(&d->rlc, pdu, len, now_ms);
}

int ue_drb_send_ip(struct ue_drb *d, const uint8_t *pkt, size_t len, int64_t now_ms)
{
    if (!d->active) return -ENOENT;
    if (len == 0 || len > UE_DRB_MAX_IP) return -EMSGSIZE;
    uint8_t sdu[UE_DRB_MAX_IP + 1], pdu[UE_DRB_MAX_IP + 16];
    size_t h = d->cfg.sdap_header_ul ? 1 : 0, n;
    if (!rlc_sdu_queue_fits(&d->rlc.q, pdcp_drb_pdu_len(&d->pdcp, len + h))) return -ENOBUFS;
    if (h) sdu[0] = (uint8_t)(0x80 | (d->cfg.qfi & 0x3f)); /* 37.324 6.2.2.3: D/C 1 (data), R 0, QFI */
    memcpy(sdu + h, pkt, len);
    int rc = pdcp_drb_tx(&d->pdcp, sdu, len + h, now_ms, pdu, sizeof pdu, &n, NULL);
    if (rc == 0) rc = rlc_am_write_sdu(&d->rlc, pdu, n);
    if (rc < 0) return rc;
    d->ul_ip++;
    d->ul_ip_bytes += len;
    return 0;
}

int ue_drb_tick(struct ue_drb *d, int64_t now_ms)
{
    if (!d->active) return 0;
    d->now_ms = now_ms;
    rlc_am_tick(&d->rlc, now_ms);
    pdcp_drb_tick(&d->pdcp, now_ms);
    int sent = 0;
    while (d->n_echo > 0) {
        int rc = ue_drb_send_ip(d, d->echo_buf[d->echo_head], d->echo_len[d->echo_head], now_ms);
        if (rc == -ENOBUFS) break; /* later */
        if (rc < 0) d->dropped++;
        else sent++;
        d->echo_head = (d->echo_head + 1) % UE_DRB_ECHO;
        d->n_echo--;
    }
    return sent;
}

size_t ue_drb_pending(const struct ue_drb *d)
{
    return d->active ? rlc_am_tx_pending(&d->rlc) : 0;
}

int ue_drb_pull(struct ue_drb *d, uint8_t *buf, size_t max, int64_t now_ms)
{
    if (!d->active) return 0;
    d->now_ms = now_ms;
    int n = rlc_am_pull_pdu(&d->rlc, buf, max, now_ms);
    return n > 0 ? n : 0;
}
