/* Replays the saved inputs of a fuzzer (the seed corpus and every input that
 * once crashed) through the same target, without libFuzzer, as a TAP test of
 * make check: tests/fuzz/PREFIXcorpus and tests/fuzz/PREFIXcrashes under
 * $top_srcdir, where FUZZ_PREFIX is "" for the query parser's fuzzer and
 * "reader-" for the dump readers'. A crash fails the test the hard way. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#ifndef FUZZ_PREFIX
#define FUZZ_PREFIX ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    ng_buf_t b = NG_BUF_INIT;
    char chunk[4096];
    size_t n;
    if (!fp) {
        printf("not ok %d - cannot open %s\n", ++count, path);
        return 1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        ng_buf_append(&b, chunk, n);
    fclose(fp);
    LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
    printf("ok %d - %s\n", ++count, path);
    ng_buf_free(&b);
    return 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char *names[4096];
    size_t n = 0;
    int failed = 0;
    struct dirent *e;
    if (!d) {
        printf("not ok %d - cannot open %s\n", ++count, dir);
        return 1;
    }
    while ((e = readdir(d)) && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.' && strcmp(e->d_name, "README") != 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], compare);
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        failed |= replay_file(path);
        free(names[i]);
    }
    return failed;
}

int main(int argc, char **argv)
{
    int failed = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            failed |= replay_file(argv[i]);
    } else {
        const char *top = getenv("top_srcdir");
        char dir[4096];
        static const char *const dirs[] = {"corpus", "crashes"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(dir, sizeof dir, "%s/tests/fuzz/%s%s", top ? top : ".", FUZZ_PREFIX, dirs[i]);
            failed |= replay_dir(dir);
        }
    }
    printf("1..%d\n", count);
    return failed;
}
