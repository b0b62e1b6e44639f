/* SCAFFOLD: replaced by the real backend in this session. */
#include "drivers/radio.h"
#include <errno.h>
#include <stdio.h>
static int scaffold_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    (void)r; (void)p;
    snprintf(err, errlen, "file backend not written yet");
    return -ENOTSUP;
}
const struct radio_ops radio_file_ops = {.name = "file", .open = scaffold_open};
