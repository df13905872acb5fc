/* The line reader of input.h over a file descriptor and zlib's inflate: plain
 * files are read as they are, gzip streams member after member. inflate is
 * driven here rather than through gzread so that the text decoded before a
 * damaged spot is kept, not dropped with the call that met the damage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"

#define CHUNK (256u << 10)
#define RAW_CHUNK (64u << 10)

struct ng_input {
    int fd;
    char *name;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    size_t max_line;
    int eof;
    int failed;  /* a read error: nothing more can be read */
    int started; /* the byte-order mark, if any, is behind us */
    unsigned long line;
    char errmsg[512];
    /* the file as stored */
    unsigned char *raw;
    size_t raw_pos, raw_len; /* unread stored bytes are raw[raw_pos, raw_len) */
    int raw_eof;
    unsigned long long offset; /* stored bytes read from the file */
    int gzip;                  /* the file is gzip: inflate it */
    int inflating;             /* z is initialised */
    int between_members;       /* a gzip member ended: another may follow */
    z_stream z;
};

/* Read more stored bytes after the unread ones. Returns how many; 0 at the end
 * of the file or on an error (in->failed). */
static size_t read_raw(ng_input_t *in)
{
    if (in->raw_eof || in->failed)
        return 0;
    if (in->raw_pos > 0) {
        memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
        in->raw_len -= in->raw_pos;
        in->raw_pos = 0;
    }
    if (in->raw_len == RAW_CHUNK)
        return 0;
    for (;;) {
        ssize_t n = read(in->fd, in->raw + in->raw_len, RAW_CHUNK - in->raw_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            in->failed = 1;
            snprintf(in->errmsg, sizeof in->errmsg, "%s", strerror(errno));
            return 0;
        }
        if (n == 0)
            in->raw_eof = 1;
        in->raw_len += (size_t)n;
        in->offset += (unsigned long long)n;
        return (size_t)n;
    }
}

ng_status_t ng_input_open(const char *path, const char *name, ng_input_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *errmsg = ng_message(name, strerror(errno));
        return NG_STATUS_IO_ERROR;
    }
    ng_input_t *in = calloc(1, sizeof *in);
    if (!in) {
        close(fd);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    in->fd = fd;
    in->name = strdup(name);
    in->buf = malloc(CHUNK);
    in->cap = CHUNK;
    in->max_line = NG_INPUT_MAX_LINE;
    in->raw = malloc(RAW_CHUNK);
    if (!in->name || !in->buf || !in->raw) {
        ng_input_close(in);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    /* the gzip magic, or not */
    while (in->raw_len < 2 && read_raw(in) > 0)
        ;
    if (in->failed) {
        *errmsg = ng_message(name, in->errmsg);
        ng_input_close(in);
        return NG_STATUS_IO_ERROR;
    }
    in->gzip = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
    if (in->gzip) {
        if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
            ng_input_close(in);
            return NG_STATUS_OUT_OF_MEMORY;
        }
        in->inflating = 1;
    }
    *out = in;
    return NG_STATUS_SUCCESS;
}

void ng_input_close(ng_input_t *in)
{
    if (!in)
        return;
    if (in->inflating)
        inflateEnd(&in->z);
    if (in->fd >= 0)
        close(in->fd);
    free(in->name);
    free(in->buf);
    free(in->raw);
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
    return in->offset;
}

unsigned long ng_input_line(const ng_input_t *in)
{
    return in->line;
}

const char *ng_input_errmsg(const ng_input_t *in)
{
    return in->errmsg;
}

/* Decode up to ROOM bytes into OUT. Returns how many; 0 at the end or on an
 * error (in->eof or in->failed then set). */
static size_t produce(ng_input_t *in, char *out, size_t room)
{
    for (;;) {
        if (in->raw_pos == in->raw_len) {
            in->raw_pos = in->raw_len = 0;
            if (read_raw(in) == 0) {
                if (in->failed)
                    return 0;
                if (in->gzip && !in->between_members) {
                    in->failed = 1;
                    snprintf(in->errmsg, sizeof in->errmsg, "gzip data cut short (unexpected end of file)");
                } else {
                    in->eof = 1;
                }
                return 0;
            }
        }
        size_t avail = in->raw_len - in->raw_pos;
        if (!in->gzip) {
            size_t n = avail < room ? avail : room;
            memcpy(out, in->raw + in->raw_pos, n);
            in->raw_pos += n;
            return n;
        }
        if (in->between_members) {
            /* another member, or the end: what follows a last member that is
             * no gzip header is ignored, as gzip(1) does */
            if (avail < 2 && !in->raw_eof && read_raw(in) > 0)
                continue;
            if (avail < 2 || in->raw[in->raw_pos] != 0x1f || in->raw[in->raw_pos + 1] != 0x8b) {
                in->eof = 1;
                return 0;
            }
            inflateReset(&in->z);
            in->between_members = 0;
        }
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (uInt)avail;
        in->z.next_out = (unsigned char *)out;
        in->z.avail_out = (uInt)(room < (1u << 30) ? room : (1u << 30));
        uInt before_out = in->z.avail_out;
        int rc = inflate(&in->z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - in->z.avail_in;
        size_t produced = before_out - in->z.avail_out;
        if (rc == Z_STREAM_END)
            in->between_members = 1;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            in->failed = 1;
            snprintf(in->errmsg, sizeof in->errmsg, "damaged gzip data (%s)", in->z.msg ? in->z.msg : "inflate error");
            return produced;
        }
        if (produced)
            return produced;
    }
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
        if (cap <= in->cap)
            return 0;
        char *grown = realloc(in->buf, cap);
        if (!grown) {
            in->failed = 1;
            snprintf(in->errmsg, sizeof in->errmsg, "out of memory");
            return 0;
        }
        in->buf = grown;
        in->cap = cap;
    }
    size_t n = produce(in, in->buf + in->end, in->cap - in->end);
    in->end += n;
    return n;
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
