/* libFuzzer target: control requests (gnb/ctrl.h) are operator input and must always get one valid JSON
 * reply. Checks, besides the sanitizers: the returned length is the reply's, it fits the buffer, and it parses
 * to an object with a boolean "ok" (false with a string "error"); also with a buffer barely big enough. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/ctrl.h"

static int fuzz_status(cJSON *out, void *ctx)
{
    (void)ctx;
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    cJSON_AddStringToObject(st, "state", "streaming");
    cJSON_AddNumberToObject(st, "slot", 12345);
    return 0;
}

static int fuzz_metrics(cJSON *out, void *ctx)
{
    (void)out;
    (void)ctx;
    return -EIO; /* the failing-callback path */
}

static int fuzz_config(cJSON *out, void *ctx)
{
    (void)ctx;
    cJSON_AddStringToObject(out, "config", "cell: { pci = 1; };\n");
    return 0;
}

static int fuzz_shutdown(void *ctx)
{
    (*(unsigned *)ctx)++;
    return 0;
}

/* A broken promise of ctrl_handle() is a finding: crash so libFuzzer saves the input. */
static void check_reply(const char *reply, int n, size_t cap)
{
    if (n <= 0 || (size_t)n >= cap || strlen(reply) != (size_t)n) abort();
    cJSON *r = cJSON_ParseWithLength(reply, (size_t)n);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    if (!cJSON_IsObject(r) || !cJSON_IsBool(ok)) abort();
    if (cJSON_IsFalse(ok) && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "error"))) abort();
    cJSON_Delete(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned shutdowns;
    static char reply[1 << 16];
    const struct ctrl_handler h = {.status = fuzz_status, .metrics = fuzz_metrics, .config = fuzz_config,
                                   .ues = NULL, .shutdown = fuzz_shutdown, .ctx = &shutdowns};
    /* Exactly size bytes, no terminator: ctrl_handle() must not read past len. */
    char *req = malloc(size ? size : 1);
    if (!req) return 0;
    memcpy(req, data, size);
    check_reply(reply, ctrl_handle(&h, req, size, reply, sizeof reply), sizeof reply);
    size_t small = CTRL_REPLY_MIN + size % 64;
    check_reply(reply, ctrl_handle(&h, req, size, reply, small), small);
    free(req);
    return 0;
}
