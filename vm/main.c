/*
 * vm/main.c - the `gilkit` program: command-line options, then run a
 * script, a -c string, or an interactive session.
 *
 *   gilkit [-X option]... script.py [args...]
 *   gilkit [-X option]... -c "source" [args...]
 *   gilkit [-X option]... -m module [args...]
 *
 * -X options: switchinterval=MS (GIL switch interval in milliseconds),
 * gilstats (print per-thread GIL statistics at exit), giltrace=FILE (write
 * a GIL trace, see docs/tracing.md), dis (print the
 * bytecode of the main script before running it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"
#include "objects.h"
#include "threads/trace_int.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

int gk__repl(void);

static void usage(FILE *f)
{
    fprintf(f, "usage: gilkit [-X option] [-c cmd | -m mod | file | -] [arg] ...\n"
               "  -c cmd   program passed in as string\n"
               "  -m mod   run library module as a script\n"
               "  -X switchinterval=MS  GIL switch interval in milliseconds (default 5)\n"
               "  -X gilstats           print per-thread GIL statistics at exit\n"
               "  -X giltrace=FILE      write a GIL trace (Chrome/Perfetto JSON) to FILE\n"
               "  -X dis                print the main code's bytecode first\n"
               "  -V, --version         print the version and exit\n");
}

struct options {
    double switch_ms;     /* < 0: default */
    bool gilstats, dis;
    const char *giltrace;   /* -X giltrace=FILE, or NULL */
    const char *command, *module, *script;
    int rest;             /* index of the first argv entry for sys.argv */
};

/* Parses argv; returns 0, 1 to exit successfully, or 2 on a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
    int i;
    o->switch_ms = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-X") == 0 || strncmp(a, "-X", 2) == 0) {
            const char *x = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!x) {
                fprintf(stderr, "gilkit: -X needs an option\n");
                return 2;
            }
            if (strncmp(x, "switchinterval=", 15) == 0) {
                char *end;
                o->switch_ms = strtod(x + 15, &end);
                if (*end || o->switch_ms <= 0) {
                    fprintf(stderr, "gilkit: -X switchinterval needs a positive number of ms\n");
                    return 2;
                }
            } else if (strcmp(x, "gilstats") == 0) {
                o->gilstats = true;
            } else if (strncmp(x, "giltrace=", 9) == 0 && x[9]) {
                o->giltrace = x + 9;
            } else if (strcmp(x, "dis") == 0) {
                o->dis = true;
            } else {
                fprintf(stderr, "gilkit: unknown -X option '%s'\n", x);
                return 2;
            }
        } else if (strcmp(a, "-c") == 0 || strcmp(a, "-m") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "Argument expected for the %s option\n", a);
                return 2;
            }
            if (a[1] == 'c')
                o->command = argv[i + 1];
            else
                o->module = argv[i + 1];
            o->rest = i + 1;
            return 0;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("gilkit %s (Python 3.11 subset)\n", PACKAGE_VERSION);
            return 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 1;
        } else if (a[0] == '-' && a[1] && strcmp(a, "-") != 0) {
            fprintf(stderr, "gilkit: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else {
            o->script = a;
            o->rest = i;
            return 0;
        }
    }
    o->rest = argc;
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    memset(&o, 0, sizeof o);
    int r = parse_options(argc, argv, &o);
    if (r)
        return r == 1 ? 0 : 2;

    /* sys.argv: the script (or -c / -m marker) and what follows it. */
    int sargc = argc - o.rest;
    char **sargv = argv + o.rest;
    char *empty_argv[] = { "", NULL };
    char *c_argv0 = "-c";
    if (sargc == 0) {
        sargc = 1;
        sargv = empty_argv;
    }
    if (o.command)
        sargv[0] = c_argv0;
    if (o.giltrace && gk__giltrace_open(o.giltrace) < 0) {
        fprintf(stderr, "gilkit: cannot write the GIL trace to %s\n", o.giltrace);
        return 2;
    }
    if (gk__runtime_init(sargc, sargv) < 0) {
        fprintf(stderr, "gilkit: start-up failed\n");
        return 1;
    }
    if (o.switch_ms > 0)
        gk__gil_set_interval(&gk__rt->gil, o.switch_ms / 1000.0);
    gk__rt->gilstats_at_exit = o.gilstats;
    gk__rt->dump_code = o.dis;

    int status;
    if (o.command) {
        status = gk__run_string(o.command, "<string>");
    } else if (o.module) {
        size_t n = strlen(o.module) + 64;
        char *src = malloc(n);
        snprintf(src, n, "import runpy\nrunpy._run_module_as_main('%s')\n", o.module);
        status = gk__run_string(src, "<run_module>");
        free(src);
    } else if (o.script && strcmp(o.script, "-") != 0) {
        status = gk__run_file(o.script);
    } else if (isatty(0)) {
        status = gk__repl();
    } else {
        status = gk__run_file("/dev/stdin");
    }
    int fin = gk__runtime_fini();
    gk__giltrace_close();
    fflush(stdout);
    return status ? status : fin;
}
