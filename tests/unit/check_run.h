/* Test helper: run one Check suite the way every unit test program does, and turn the result into the exit
 * status (0 when every test passed). */
#ifndef GNBD_TESTS_CHECK_RUN_H
#define GNBD_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
