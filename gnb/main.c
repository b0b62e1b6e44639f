/* gnbd: command line. Everything else lives in gnb/daemon.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/radio.h"
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "gnb/daemon.h"
#include "gnb/rrc_config.h"

#define DEFAULT_CONFIG "conf/gnbd.conf"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gnbd [-c FILE]           run the gNB with configuration FILE (default " DEFAULT_CONFIG ")\n"
            "       gnbd --check-config FILE validate FILE, print the effective configuration, exit\n"
            "       gnbd --version | --help\n"
            "Exit status: 0 after a clean stop, 78 for an invalid configuration, 1 for other failures.\n"
            "Radio backends built in: %s\n",
            radio_backends());
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"check-config", required_argument, NULL, 'C'},
                                         {"version", no_argument, NULL, 'V'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_CONFIG;
    int check_only = 0, c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'C': path = optarg; check_only = 1; break;
        case 'V': printf("gnbd %s\n", GNBD_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "gnbd: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    static struct gnbd_config cfg;
    config_geometry_register();   /* raster / SSB / CORESET#0 cross-checks and derived values */
    int errors = config_load(&cfg, path, stderr);
    if (errors != 0) {
        fprintf(stderr, "gnbd: %s: invalid configuration%s, nothing started\n", path,
                errors > 0 ? "" : " (cannot be read)");
        return EX_CONFIG_ERROR;
    }
    if (check_only) {
        config_print(&cfg, stdout);
        rrc_config_print_sib1(&cfg, stdout); /* the SIB1 it would broadcast: decoded, hex, size (as comments) */
        fprintf(stderr, "gnbd: %s: configuration is valid\n", path);
        return 0;
    }
    return gnbd_run(&cfg);
}
