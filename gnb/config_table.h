/* The declarative description of gnbd's configuration file: one row per key (path, type, range or allowed
 * values, default, required flag, help text, and where the value lives in struct gnbd_config), one row per
 * group, plus the radio tables the cross-checks need (NR bands with their duplex mode, 38.101-1 Table 5.2-1).
 * gnb/config.c walks a parsed file against these rows; nothing here knows about libconfig.
 *
 * Threading: the tables are constant; every function may be called from any thread and is pure, except the rule
 * of log.mac_pcap, which looks at the file system (its directory must exist and be writable).
 */
#ifndef GNBD_CONFIG_TABLE_H
#define GNBD_CONFIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "gnb/config.h"

enum config_key_type {
    CONFIG_KEY_INT,        /* int, min..max */
    CONFIG_KEY_INT64,      /* long long, min..max */
    CONFIG_KEY_FLOAT,      /* double, fmin..fmax; an integer literal is accepted */
    CONFIG_KEY_BOOL,       /* bool */
    CONFIG_KEY_STRING,     /* char[size], checked by `check` when set */
    CONFIG_KEY_ENUM,       /* a string of names[], stored as its index (an int-sized enum) */
    CONFIG_KEY_CHOICE,     /* a string of names[], stored as the string itself (char[size]) */
    CONFIG_KEY_INT_LIST,   /* an int of ints[] */
    CONFIG_KEY_FLOAT_LIST, /* a double of floats[]; an integer literal is accepted */
    CONFIG_KEY_NAME_LIST,  /* an array of distinct strings of names[], stored as struct config_name_list (indices);
                            * names in unimplemented[] are known but refused as not implemented */
};

struct config_key {
    const char *path;             /* "cell.pci" */
    enum config_key_type type;
    bool required;                /* else it has a default, or inherits another key's value */
    size_t offset, size;          /* of the field in struct gnbd_config */
    long long min, max;
    double fmin, fmax;
    const char *const *names;     /* NULL-terminated */
    const char *const *unimplemented; /* NAME_LIST: NULL-terminated, may be NULL */
    const int *ints;
    const double *floats;
    int n_list;
    bool (*check)(const char *s); /* extra rule for CONFIG_KEY_STRING */
    const char *check_allowed;    /* how that rule reads in messages */
    bool has_default;
    long long def_int;            /* INT, INT64, BOOL, ENUM (index), INT_LIST */
    double def_float;             /* FLOAT, FLOAT_LIST */
    const char *def_str;          /* STRING, CHOICE; NAME_LIST: how the default reads */
    const struct config_name_list *def_list; /* NAME_LIST */
    const char *inherit;          /* when absent, takes this key's value (log.phy <- log.level); same type */
    const char *help;
};

struct config_group {
    const char *path;             /* "cell.tdd" */
    bool optional;                /* its required keys are required only when the group is present */
    size_t present_offset;        /* bool set when present (optional groups only) */
    const char *help;
};

#define CONFIG_MAX_KEYS 128  /* the loader keeps one "seen" flag per key */
#define CONFIG_PATH_MAX 160  /* longest dotted path handled; longer names are cut (and so unknown) */

const struct config_key *config_keys(size_t *count);
/* NAME_LIST: name is known to the key but not implemented. */
bool config_name_unimplemented(const struct config_key *k, const char *name);
const struct config_group *config_groups(size_t *count);
const struct config_key *config_key_find(const char *path);
const struct config_group *config_group_find(const char *path);

/* The group part of a key path: "cell.tdd" for "cell.tdd.period_ms", "" for a top-level name. */
void config_key_group(const char *path, char *buf, size_t len);

/* "0..1007", "fdd, tdd", "5, 10, 15", "3 digits", ...: the allowed values as error messages show them. */
void config_key_allowed(const struct config_key *k, char *buf, size_t len);
/* The default as it would be written in the file ("15", "\"fdd\"", "true"); "" when there is none. */
void config_key_default(const struct config_key *k, char *buf, size_t len);

/* The valid key or group path nearest to `path` (case-insensitive edit distance of the whole path, or the same
 * last component in another group), or NULL when nothing is reasonably close. */
const char *config_suggest(const char *path, bool group);

/* The hook set by config_set_geometry_hook(), or NULL. */
const struct config_geometry_hook *config_geometry_hook(void);

/* NR operating bands (38.101-1 Table 5.2-1) that gnbd knows. */

#endif
