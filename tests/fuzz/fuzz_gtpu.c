/* libFuzzer target: a UDP datagram on the N3 port (from the UPF, or anyone). gtpu_parse() answers 0 or one of
 * its documented errors, never reads outside the datagram, and a parsed message's payload lies inside it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "gtpu/gtpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gtpu_msg m;
    int rc = gtpu_parse(data, size, &m);
    if (rc != 0 && rc != -EBADMSG && rc != -EPROTONOSUPPORT && rc != -ENOTSUP) abort();
    if (rc == 0) {
        if (m.payload < data || m.payload + m.payload_len > data + size) abort();
        if (m.has_pdu_session && (m.pdu_session.qfi > 63 || m.pdu_session.pdu_type > 1)) abort();
        if (m.peer_addr_len != 0 && m.peer_addr_len != 4 && m.peer_addr_len != 16) abort();
    }
    return 0;
}
