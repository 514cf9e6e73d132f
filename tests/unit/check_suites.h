/*
 * tests/unit/check_suites.h - the per-file Check suites (one
 * tests/unit/check_<file>.c for each VM file with testable behaviour),
 * defined once: X(file) declares/registers Suite *gk_<file>_suite(void).
 */
#ifndef GK_CHECK_SUITES_H
#define GK_CHECK_SUITES_H

#define TU_FILE_SUITES(X) \
    X(tokenizer) X(int) X(float) X(str) X(dict) X(list) X(tuple) X(set) X(bytes) X(range) X(slice) X(iterobject) X(format) X(parser) X(symtable) X(compile) X(code) X(exceptions) X(type) X(abstract) X(call) X(function) X(generator) X(frame) X(module) X(misc) X(gc) X(eval) X(builtins) X(import) X(sysmodule) X(runtime) X(gil)

#endif
