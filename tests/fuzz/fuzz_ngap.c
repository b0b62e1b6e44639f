/* libFuzzer target: NGAP-PDUs (ngap/ngap.h) come from the AMF over SCTP, and nothing about them can be trusted.
 * The decoder must never read past the input or crash and must answer 0 or -EBADMSG / -ENOTSUP / -EMSGSIZE; a
 * decoded message must re-encode and decode again to the same struct (IEs the codec skipped are not re-sent). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngap/ngap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ngap_pdu pdu, back;
static uint8_t again[NGAP_MAX_PDU_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int err = ngap_decode(data, size, &pdu);
    if (err != 0 && err != -EBADMSG && err != -ENOTSUP && err != -EMSGSIZE) abort();
    if (err != 0) return 0;
    if (pdu.msg <= NGAP_MSG_NONE || pdu.msg >= NGAP_MSG_COUNT) abort();
    size_t len;
    if (ngap_encode(&pdu, again, sizeof again, &len) != 0) abort();
    if (ngap_decode(again, len, &back) != 0 || back.msg != pdu.msg || back.n_skipped != 0) abort();
    if (memcmp(&back.u, &pdu.u, sizeof pdu.u) != 0) abort();
    return 0;
}
