/* The text output of output.h. Colours follow grep's defaults (GREP_COLORS
 * "ms=01;31:fn=35:ln=32"), so hits look like what users already know. */
#include <stdlib.h>
#include <unistd.h>

#include "output.h"

#define SGR_MATCH "\033[01;31m"
#define SGR_ID "\033[35m"
#define SGR_NUMBER "\033[32m"
#define SGR_TITLE "\033[1m"
#define SGR_RESET "\033[m"

int ng_output_want_color(ng_color_mode_t mode, int fd)
{
    if (mode != NG_COLOR_AUTO)
        return mode == NG_COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return 0;
    return isatty(fd);
}

void ng_output_init(ng_output_t *out, FILE *fp, int color)
{
    out->fp = fp;
    out->color = color;
    out->hits = 0;
}

/* Write LEN bytes of S with control characters turned into spaces. */
static void put_clean(FILE *fp, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            fwrite(s + run, 1, i - run, fp);
            putc(' ', fp);
            run = i + 1;
        }
    }
    fwrite(s + run, 1, len - run, fp);
}

static void put_styled(ng_output_t *out, const char *sgr, const char *s, size_t len)
{
    if (out->color)
        fputs(sgr, out->fp);
    put_clean(out->fp, s, len);
    if (out->color)
        fputs(SGR_RESET, out->fp);
}

int ng_output_hit(ng_output_t *out, const ng_record_t *rec, const ng_span_t *spans, size_t nspans)
{
    FILE *fp = out->fp;
    if (out->hits++)
        putc('\n', fp);
    put_styled(out, SGR_ID, rec->article_id.ptr, rec->article_id.len);
    if (out->color)
        fprintf(fp, "#" SGR_NUMBER "%u" SGR_RESET, rec->passage);
    else
        fprintf(fp, "#%u", rec->passage);
    const ng_field_t *plain[] = {&rec->date, &rec->source};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (plain[i]->len) {
            fputs("  ", fp);
            put_clean(fp, plain[i]->ptr, plain[i]->len);
        }
    }
    if (rec->title.len) {
        fputs("  ", fp);
        put_styled(out, SGR_TITLE, rec->title.ptr, rec->title.len);
    }
    fputs("\n  ", fp);

    size_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        if (spans[i].start < at || spans[i].end > rec->text.len)
            continue;
        put_clean(fp, rec->text.ptr + at, spans[i].start - at);
        if (out->color)
            put_styled(out, SGR_MATCH, rec->text.ptr + spans[i].start, spans[i].end - spans[i].start);
        else
            put_clean(fp, rec->text.ptr + spans[i].start, spans[i].end - spans[i].start);
        at = spans[i].end;
    }
    put_clean(fp, rec->text.ptr + at, rec->text.len - at);
    putc('\n', fp);
    return ferror(fp) ? -1 : 0;
}
