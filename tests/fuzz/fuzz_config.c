/* libFuzzer target for the configuration loader: any bytes as a config file. The loader must report, never
 * crash, leak or read out of bounds, whatever the text (config files come from operators, and SIGHUP re-reads
 * them while the daemon runs). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct gnbd_config cfg;
    if (config_load_string(&cfg, text, "fuzz.conf", devnull) == 0)
        config_print(&cfg, devnull);  /* a valid config must also print */
    free(text);
    return 0;
}
