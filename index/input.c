/* The line reader of input.h over zlib, which reads plain files as they are and
 * gzip streams member after member. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"

#define CHUNK (256u << 10)

struct ng_input {
    gzFile gz;
    char *name;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    size_t max_line;
    int eof;
    int failed;  /* a read error: nothing more can be read */
    int started; /* the byte-order mark, if any, is behind us */
    unsigned long line;
    char errmsg[512];
};

/* "NAME: REASON", malloc'ed. */
static char *message(const char *name, const char *reason)
{
    size_t n = strlen(name) + strlen(reason) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s: %s", name, reason);
    return s;
}

ng_status_t ng_input_open(const char *path, const char *name, ng_input_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *errmsg = message(name, strerror(errno));
        return NG_STATUS_IO_ERROR;
    }
    ng_input_t *in = calloc(1, sizeof *in);
    if (in) {
        in->name = strdup(name);
        in->buf = malloc(CHUNK);
        in->cap = CHUNK;
        in->max_line = NG_INPUT_MAX_LINE;
    }
    if (!in || !in->name || !in->buf) {
        close(fd);
        ng_input_close(in);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    in->gz = gzdopen(fd, "rb");
    if (!in->gz) {
        close(fd);
        ng_input_close(in);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    gzbuffer(in->gz, CHUNK);
    *out = in;
    return NG_STATUS_SUCCESS;
}

void ng_input_close(ng_input_t *in)
{
    if (!in)
        return;
    if (in->gz)
        gzclose(in->gz);
    free(in->name);
    free(in->buf);
    free(in);
}

const char *ng_input_name(const ng_input_t *in)
{
    return in->name;
}

void ng_input_set_max_line(ng_input_t *in, size_t max)
{
    in->max_line = max ? max : 1;
}

unsigned long long ng_input_offset(const ng_input_t *in)
{
    z_off_t off = gzoffset(in->gz);
    return off > 0 ? (unsigned long long)off : 0;
}

unsigned long ng_input_line(const ng_input_t *in)
{
    return in->line;
}

const char *ng_input_errmsg(const ng_input_t *in)
{
    return in->errmsg;
}

/* Read more into the buffer, growing it up to the line limit. Returns the
 * number of bytes added; 0 at the end or on an error (in->failed). */
static size_t fill(ng_input_t *in)
{
    if (in->eof || in->failed)
        return 0;
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (in->end == in->cap) {
        if (in->cap > in->max_line)
            return 0;
        /* Room for a line of max_line bytes and its "\n", no more: doubling
         * past it would let lines of twice the limit through. */
        size_t cap = in->cap * 2 < in->max_line + 1 ? in->cap * 2 : in->max_line + 1;
        char *grown = realloc(in->buf, cap);
        if (!grown) {
            in->failed = 1;
            snprintf(in->errmsg, sizeof in->errmsg, "out of memory");
            return 0;
        }
        in->buf = grown;
        in->cap = cap;
    }
    int n = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end));
    if (n < 0 || (n == 0 && !gzeof(in->gz))) {
        int zerr;
        const char *msg = gzerror(in->gz, &zerr);
        in->failed = 1;
        snprintf(in->errmsg, sizeof in->errmsg, "%s",
                 zerr == Z_ERRNO ? strerror(errno)
                 : msg && *msg   ? msg
                                 : "read error");
        return 0;
    }
    if (n == 0) {
        in->eof = 1;
        /* zlib reports a gzip stream cut short only at its end */
        int zerr;
        const char *msg = gzerror(in->gz, &zerr);
        if (zerr != Z_OK && zerr != Z_STREAM_END) {
            in->failed = 1;
            snprintf(in->errmsg, sizeof in->errmsg, "%s", msg && *msg ? msg : "read error");
        }
    }
    in->end += (size_t)n;
    return (size_t)n;
}

/* Skip a UTF-8 byte-order mark at the start of the content: editors on some
 * systems write one, and it would hide a JSON file's first '{'. */
static void skip_bom(ng_input_t *in)
{
    if (in->started)
        return;
    in->started = 1;
    while (in->end - in->start < 3 && fill(in) > 0)
        ;
    if (in->end - in->start >= 3 && memcmp(in->buf + in->start, "\xEF\xBB\xBF", 3) == 0)
        in->start += 3;
}

int ng_input_first_byte(ng_input_t *in)
{
    skip_bom(in);
    for (size_t i = in->start;; i++) {
        if (i == in->end) {
            size_t before = in->start;
            if (fill(in) == 0)
                return -1;
            i -= before - in->start; /* fill() may have moved the bytes */
        }
        unsigned char c = (unsigned char)in->buf[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
            return c;
    }
}

/* Drop the rest of a line that is over the limit, up to its "\n". */
static ng_status_t drop_long_line(ng_input_t *in)
{
    in->line++;
    snprintf(in->errmsg, sizeof in->errmsg, "record longer than %zu bytes", in->max_line);
    for (;;) {
        in->start = in->end;
        if (fill(in) == 0)
            return in->failed ? NG_STATUS_IO_ERROR : NG_STATUS_BAD_RECORD;
        char *nl = memchr(in->buf + in->start, '\n', in->end - in->start);
        if (nl) {
            in->start = (size_t)(nl - in->buf) + 1;
            return NG_STATUS_BAD_RECORD;
        }
    }
}

ng_status_t ng_input_getline(ng_input_t *in, const char **line, size_t *len)
{
    skip_bom(in);
    size_t scanned = 0; /* bytes past start already known to hold no newline */
    for (;;) {
        size_t avail = in->end - in->start;
        char *nl = memchr(in->buf + in->start + scanned, '\n', avail - scanned);
        size_t n = nl ? (size_t)(nl - (in->buf + in->start)) : avail;
        if (n > in->max_line) {
            if (!nl)
                return drop_long_line(in);
            in->start += n + 1;
            in->line++;
            snprintf(in->errmsg, sizeof in->errmsg, "record longer than %zu bytes", in->max_line);
            return NG_STATUS_BAD_RECORD;
        }
        if (nl || in->eof || in->failed) {
            if (!nl && in->failed) { /* a line cut by the damage is no record */
                in->start = in->end;
                in->line++;
                return NG_STATUS_IO_ERROR;
            }
            if (!nl && n == 0)
                return NG_STATUS_END;
            *line = in->buf + in->start;
            in->start += n + (nl ? 1 : 0);
            if (n && (*line)[n - 1] == '\r')
                n--;
            *len = n;
            in->line++;
            return NG_STATUS_SUCCESS;
        }
        scanned = avail;
        if (fill(in) == 0 && !in->eof && !in->failed)
            return drop_long_line(in); /* the buffer is full at the limit */
    }
}
