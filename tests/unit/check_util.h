/*
 * tests/unit/check_util.h - helpers shared by the per-file Check suites
 * (tests/unit/check_<file>.c): a fixture that starts a fresh runtime in
 * each forked test, running and evaluating source text, and assertions on
 * reprs and pending exceptions.  Every helper aborts the test on failure.
 */
#ifndef GK_CHECK_UTIL_H
#define GK_CHECK_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"
#include "code.h"
#include "lang/ast.h"

/* suite_create(name), remembering the name for tu_summary's counts. */
Suite *tu_suite(const char *name);
/* A test case named name with the runtime fixture and a 30 s timeout. */
TCase *tu_tcase(const char *name);
/* Adds a test case built by tu_tcase holding the given tests to s. */
void tu_add(Suite *s, const char *name, const TTest *const *tests, size_t n);
#define TU_ADD(s, name, ...) do { const TTest *const tu_t_[] = { __VA_ARGS__ }; \
    tu_add((s), (name), tu_t_, sizeof tu_t_ / sizeof tu_t_[0]); } while (0)

/* Prints the tests run and failed per suite to stdout (the test log) and
 * the Check summary line with each failure to file descriptor 9 when it is
 * open (make check points it at the terminal: AM_TESTS_FD_REDIRECT). */
void tu_summary(SRunner *sr);

/* Runs src as a module body in a fresh dict; returns the dict (new ref). */
gk_object *tu_run(const char *src);
/* Evaluates one expression in a fresh namespace; returns its value (new ref). */
gk_object *tu_eval(const char *expr);
/* Evaluates expr and asserts repr(value) == want. */
#define tu_eval_repr(expr, want) tu_eval_repr_at((expr), (want), __FILE__, __LINE__)
void tu_eval_repr_at(const char *expr, const char *want, const char *file, int line);
/* Asserts repr(o) == want; o is borrowed and may not be NULL. */
#define tu_repr_is(o, want) tu_repr_is_at((o), (want), __FILE__, __LINE__)
void tu_repr_is_at(gk_object *o, const char *want, const char *file, int line);
/* Asserts that an exception of type t is pending, that str(exc) equals msg
 * (unless msg is NULL), and clears it. */
#define tu_raised(t, msg) tu_raised_at((t), (msg), __FILE__, __LINE__)
void tu_raised_at(gk_type *t, const char *msg, const char *file, int line);
/* Evaluates expr expecting exception type t with message msg (NULL: any). */
#define tu_eval_raises(expr, t, msg) tu_eval_raises_at((expr), (t), (msg), __FILE__, __LINE__)
void tu_eval_raises_at(const char *expr, gk_type *t, const char *msg, const char *file, int line);
/* One expression and what python3 gives for it: repr of the value, or
 * (repr NULL) the exception type and message (NULL: any message). */
typedef struct tu_case {
    const char *expr, *repr;
    gk_type *exc;
    const char *msg;
} tu_case;
/* Evaluates every case; fails once, listing every mismatch. */
#define tu_table(cases) tu_table_at((cases), sizeof (cases) / sizeof (cases)[0], __FILE__, __LINE__)
void tu_table_at(const tu_case *cases, size_t n, const char *file, int line);
/* The int value of name in dict d (a small int). */
int64_t tu_get_int(gk_object *d, const char *name);
/* A str object from C text: new reference. */
gk_object *tu_str(const char *s);
/* An int object: new reference. */
gk_object *tu_int(int64_t v);

#endif
