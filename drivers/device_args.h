/* Parsing of radio backend arguments in srsRAN's device_args syntax: "key=value,key=value".
 * Pure functions over strings; no allocation. Values may not contain ','. Keys are case-sensitive.
 */
#ifndef GNBD_DRIVERS_DEVICE_ARGS_H
#define GNBD_DRIVERS_DEVICE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the value of `key` into out (NUL-terminated). Returns the value's length, -1 if absent,
 * -2 if it does not fit in outlen. */
int device_args_get(const char *args, const char *key, char *out, size_t outlen);
/* Numeric value of `key` (strtod syntax, so "11.52e6" works): 0 when present and valid, -1 absent,
 * -2 not a number. */
int device_args_get_double(const char *args, const char *key, double *out);
/* Check that every key in args is one of `allowed` (NULL-terminated). On the first unknown or malformed
 * token, writes it to bad and returns false. */
bool device_args_check(const char *args, const char *const *allowed, char *bad, size_t badlen);

#endif
