/* A minimal TAP producer for the C unit tests, read by automake's tap-driver.sh.
 * Each check prints "ok N - what" or "not ok N - what" with the place it failed. */
#ifndef NG_TAP_H
#define NG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failures;

static void tap_result(int pass, const char *file, int line, const char *fmt, va_list ap)
{
    printf("%s %d - ", pass ? "ok" : "not ok", ++tap_count);
    vprintf(fmt, ap);
    printf("\n");
    if (!pass) {
        tap_failures++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
}

/* A test file need not use every check: unused ones are no warning. */
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), unused));
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_result(pass, file, line, fmt, ap);
    va_end(ap);
    return pass;
}

static int tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6), unused));
static int tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
    int pass = got && want ? strcmp(got, want) == 0 : got == want;
    va_list ap;
    va_start(ap, fmt);
    tap_result(pass, file, line, fmt, ap);
    va_end(ap);
    if (!pass)
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
    return pass;
}

static int tap_is_num(long long got, long long want, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6), unused));
static int tap_is_num(long long got, long long want, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_result(got == want, file, line, fmt, ap);
    va_end(ap);
    if (got != want)
        printf("#   got:  %lld\n#   want: %lld\n", got, want);
    return got == want;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_num(got, want, ...) tap_is_num((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

/* Print the plan; the exit status says whether every check passed. */
static int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failures ? 1 : 0;
}

#endif
