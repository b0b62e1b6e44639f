/* gnbd: command line. Everything else lives in gnb/daemon.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/radio.h"
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "gnb/config_man.h"
#include "gnb/daemon.h"
#include "gnb/rrc_config.h"
#include "gnb/srsue_config.h"

#define DEFAULT_CONFIG "conf/gnbd.conf"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gnbd [-c FILE]           run the gNB with configuration FILE (default " DEFAULT_CONFIG ")\n"
            "       gnbd --check-config FILE validate FILE, print the effective configuration, exit\n"
            "       gnbd --srsue-config FILE [--srsue-log PATH]\n"
            "                                validate FILE, print an srsUE configuration for its cell, exit\n"
            "                                (srsUE's log file: PATH, default " SRSUE_CONFIG_DEFAULT_LOG ")\n"
            "       gnbd --print-config-manpage  print gnbd.conf(5), made from the configuration key table\n"
            "       gnbd --version | --help\n"
            "Exit status: 0 after a clean stop, 78 for an invalid configuration, 2 for a usage error, 1 for other\n"
            "failures.\n"
            "Radio backends built in: %s\n",
            radio_backends());
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"check-config", required_argument, NULL, 'C'},
                                         {"srsue-config", required_argument, NULL, 'S'},
                                         {"srsue-log", required_argument, NULL, 'L'},
                                         {"print-config-manpage", no_argument, NULL, 'M'},
                                         {"version", no_argument, NULL, 'V'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_CONFIG;
    const char *srsue_log = NULL;
    enum { RUN, CHECK, SRSUE } mode = RUN;
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'C': path = optarg; mode = CHECK; break;
        case 'S': path = optarg; mode = SRSUE; break;
        case 'L': srsue_log = optarg; break;
        case 'M': config_print_manpage(stdout); return 0;
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
    if (srsue_log && mode != SRSUE) {
        fprintf(stderr, "gnbd: --srsue-log goes with --srsue-config\n");
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
    if (mode == SRSUE) {
        /* A cell srsUE cannot attach to still gets its file (it can find the cell); the file says why not. */
        int reasons = srsue_config_print(&cfg, srsue_log, stdout);
        if (reasons < 0) {
            fprintf(stderr, "gnbd: %s: no cell geometry, no srsUE configuration\n", path);
            return EX_CONFIG_ERROR;
        }
        if (reasons > 0)
            fprintf(stderr, "gnbd: %s: srsUE cannot attach to this cell (%d reason%s in the file's first lines)\n",
                    path, reasons, reasons == 1 ? "" : "s");
        return 0;
    }
    if (mode == CHECK) {
        config_print(&cfg, stdout);
        rrc_config_print_sib1(&cfg, stdout); /* the SIB1 it would broadcast: decoded, hex, size (as comments) */
        fprintf(stderr, "gnbd: %s: configuration is valid\n", path);
        return 0;
    }
    return gnbd_run(&cfg);
}
