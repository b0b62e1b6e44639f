/* gnbd.conf(5), the configuration file's manual page, generated from the key table the validator uses
 * (gnb/config_table.c): for every group and key its name, type, allowed range or values, default or "required",
 * and help text, around a fixed description of the syntax, the cross-checks and the exit status. Since the page
 * and the validator read the same rows, the page cannot drift from what gnbd accepts.
 * `gnbd --print-config-manpage` prints it; the Makefile writes it to $(BUILD)/man/gnbd.conf.5 and installs it.
 *
 * Threading: any thread (reads constant tables only).
 */
#ifndef GNBD_CONFIG_MAN_H
#define GNBD_CONFIG_MAN_H

#include <stdio.h>

/* Writes the page in man(7) roff to `out`. */
void config_print_manpage(FILE *out);

#endif
