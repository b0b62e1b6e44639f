/* libFuzzer target: UL-DCCH messages (SRB1 after PDCP, rrc/msg/ul_dcch.h) come from the UE. The decoder must
 * never read past the input or crash and must answer 0 or -EBADMSG / -ENOTSUP / -EMSGSIZE; a decoded
 * RRCSetupComplete, ULInformationTransfer, SecurityModeComplete/-Failure, UECapabilityInformation or
 * RRCReconfigurationComplete must re-encode (extensions are not kept) and decode again to the same fields. The
 * input also goes through the UE-NR-Capability walk (the octets of a UECapabilityInformation container). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rrc/msg/ue_nr_capability.h"
#include "rrc/msg/ul_dcch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rrc_ul_dcch_msg msg, back;
static uint8_t again[RRC_DEDICATED_NAS_MAX + 512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the same octets as a UE-NR-Capability (rrc/msg/ue_nr_capability.h): 0 or an error, nothing read past */
    struct rrc_ue_nr_caps caps;
    int rc = rrc_ue_nr_capability_decode(data, size, 3, &caps);
    if (rc != 0 && rc != -EBADMSG && rc != -ENOTSUP) abort();
    if (rc == 0 && (caps.nof_bands < 1 || (caps.pusch_256qam && !caps.band_found))) abort();
    int err = rrc_ul_dcch_decode(data, size, &msg);
    if (err != 0 && err != -EBADMSG && err != -ENOTSUP && err != -EMSGSIZE) abort();
    if (err != 0) return 0;
    if (msg.type != RRC_UL_DCCH_C1) abort();
    size_t len;
    if (msg.c1 == RRC_UL_DCCH_UL_INFORMATION_TRANSFER) { /* re-encoded (extensions dropped) it reads the same */
        const struct rrc_ul_information_transfer *t = &msg.ul_information_transfer;
        if (t->dedicated_nas_len > RRC_DEDICATED_NAS_MAX) abort();
        if (rrc_ul_dcch_encode_ul_information_transfer(t, again, sizeof again, &len) != 0) abort();
        if (rrc_ul_dcch_decode(again, len, &back) != 0 || back.c1 != msg.c1) abort();
        const struct rrc_ul_information_transfer *b = &back.ul_information_transfer;
        if (b->has_dedicated_nas != t->has_dedicated_nas ||
            (t->has_dedicated_nas && (b->dedicated_nas_len != t->dedicated_nas_len ||
                                      memcmp(b->dedicated_nas, t->dedicated_nas, t->dedicated_nas_len) != 0)))
            abort();
        return 0;
    }
    if (msg.c1 == RRC_UL_DCCH_SECURITY_MODE_COMPLETE || msg.c1 == RRC_UL_DCCH_SECURITY_MODE_FAILURE) {
        bool failure = msg.c1 == RRC_UL_DCCH_SECURITY_MODE_FAILURE;
        if (rrc_ul_dcch_encode_security_mode_result(msg.security_mode.transaction_id, failure, again, sizeof again,
                                                    &len) != 0)
            abort();
        if (rrc_ul_dcch_decode(again, len, &back) != 0 || back.c1 != msg.c1 ||
            back.security_mode.transaction_id != msg.security_mode.transaction_id)
            abort();
        return 0;
    }
    if (msg.c1 == RRC_UL_DCCH_RECONFIGURATION_COMPLETE) {
        int tid = msg.reconfiguration_complete.transaction_id;
        if (rrc_ul_dcch_encode_reconfiguration_complete(tid, again, sizeof again, &len) != 0) abort();
        if (rrc_ul_dcch_decode(again, len, &back) != 0 || back.c1 != msg.c1 ||
            back.reconfiguration_complete.transaction_id != tid)
            abort();
        return 0;
    }
    if (msg.c1 == RRC_UL_DCCH_UE_CAPABILITY_INFORMATION) { /* containers inside bytes[], packed in order */
        const struct rrc_ue_capability_information *c = &msg.ue_capability_information;
        if (c->nof_containers < 0 || c->nof_containers > RRC_MAX_RAT_CONTAINERS) abort();
        size_t end = 0;
        for (int i = 0; i < c->nof_containers; i++) {
            if (c->container[i].off != end || c->container[i].len > sizeof c->bytes - end) abort();
            end += c->container[i].len;
        }
        if (rrc_ul_dcch_encode_ue_capability_information(c, again, sizeof again, &len) != 0) abort();
        if (rrc_ul_dcch_decode(again, len, &back) != 0 || back.c1 != msg.c1) abort();
        const struct rrc_ue_capability_information *b = &back.ue_capability_information;
        if (b->transaction_id != c->transaction_id || b->has_container_list != c->has_container_list ||
            b->nof_containers != c->nof_containers || memcmp(b->container, c->container, sizeof c->container) != 0 ||
            memcmp(b->bytes, c->bytes, end) != 0)
            abort();
        return 0;
    }
    struct rrc_setup_complete *sc = &msg.setup_complete;
    if (msg.c1 != RRC_UL_DCCH_SETUP_COMPLETE) abort();
    if (sc->dedicated_nas_len > RRC_DEDICATED_NAS_MAX) abort();
    sc->has_late_nce = false;
    if (rrc_ul_dcch_encode_setup_complete(sc, again, sizeof again, &len) != 0) abort();
    if (rrc_ul_dcch_decode(again, len, &back) != 0) abort();
    const struct rrc_setup_complete *b = &back.setup_complete;
    if (b->transaction_id != sc->transaction_id || b->selected_plmn_identity != sc->selected_plmn_identity ||
        b->dedicated_nas_len != sc->dedicated_nas_len ||
        memcmp(b->dedicated_nas, sc->dedicated_nas, sc->dedicated_nas_len) != 0 ||
        b->has_ng_5g_s_tmsi != sc->has_ng_5g_s_tmsi || b->ng_5g_s_tmsi != sc->ng_5g_s_tmsi ||
        b->nof_s_nssai != sc->nof_s_nssai || b->amf_identifier != sc->amf_identifier)
        abort();
    return 0;
}
