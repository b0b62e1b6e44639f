/* Test helper: decode PDUs with Wireshark's dissectors (tshark from Debian's package) and read back fields.
 *
 * tshark_fields() writes the PDUs as a text2pcap hex dump with a user DLT (147) mapped to `dissector` (e.g.
 * "nr-rrc.bcch.bch"), runs tshark -T fields with the given field names, and returns one output line per PDU,
 * fields separated by '|'. The field list should end with "_ws.malformed" and "_ws.expert.severity" so tests can
 * fail on "Malformed" or on expert errors. Returns the number of lines read, or -1 when tshark is missing.
 */
#ifndef GNBD_TESTS_TSHARK_H
#define GNBD_TESTS_TSHARK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TSHARK_MAX_PDUS 64
#define TSHARK_LINE 4096

static inline int tshark_fields(const char *dissector, const uint8_t *const *pdus, const size_t *lens, int n,
                                const char *const *fields, int nfields, char lines[][TSHARK_LINE])
{
    if (n > TSHARK_MAX_PDUS) return -1;
    char dir[] = "/tmp/gnbd-tshark.XXXXXX";
    if (!mkdtemp(dir)) return -1;
    char hex[512], pcap[512], cmd[8192];
    snprintf(hex, sizeof hex, "%s/in.txt", dir);
    snprintf(pcap, sizeof pcap, "%s/in.pcap", dir);
    FILE *f = fopen(hex, "w");
    if (!f) return -1;
    for (int p = 0; p < n; p++) {
        for (size_t i = 0; i < lens[p]; i++) {
            if (i % 16 == 0) fprintf(f, "%s%06zx", i ? "\n" : "", i);
            fprintf(f, " %02x", pdus[p][i]);
        }
        fprintf(f, "\n\n");
    }
    fclose(f);
    int len = snprintf(cmd, sizeof cmd,
                       "text2pcap -q -l 147 %s %s >/dev/null 2>&1 && tshark -r %s -o "
                       "'uat:user_dlts:\"User 0 (DLT=147)\",\"%s\",\"0\",\"\",\"0\",\"\"' -T fields "
                       "-E separator='|' -E occurrence=a -E aggregator=',' ",
                       hex, pcap, pcap, dissector);
    for (int i = 0; i < nfields; i++) len += snprintf(cmd + len, sizeof cmd - (size_t)len, "-e %s ", fields[i]);
    snprintf(cmd + len, sizeof cmd - (size_t)len, "2>/dev/null");
    FILE *pp = popen(cmd, "r");
    int got = 0;
    if (pp) {
        while (got < n && fgets(lines[got], TSHARK_LINE, pp)) {
            lines[got][strcspn(lines[got], "\n")] = '\0';
            got++;
        }
        pclose(pp);
    }
    unlink(hex);
    unlink(pcap);
    rmdir(dir);
    return got;
}

/* Field i (0-based) of a '|'-separated line, copied into out. */
static inline const char *tshark_field(const char *line, int i, char *out, size_t cap)
{
    const char *p = line;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '|');
        if (p) p++;
    }
    if (!p) {
        out[0] = '\0';
        return out;
    }
    size_t n = strcspn(p, "|");
    if (n >= cap) n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

#endif
