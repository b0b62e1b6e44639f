/* SCAFFOLD: replaced by the real backend in this session. */
#ifdef HAVE_SOAPY
#include "drivers/radio.h"
#include <errno.h>
#include <stdio.h>
static int scaffold_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    (void)r; (void)p;
    snprintf(err, errlen, "soapy backend not written yet");
    return -ENOTSUP;
}
const struct radio_ops radio_soapy_ops = {.name = "soapy", .open = scaffold_open};
#endif
