/* The spelling of filter terms and date values of layout.h, in one place so
 * that what the indexer writes is exactly what a filter looks for. */
#include <string.h>

#include "layout.h"

int ng_layout_filter_term(ng_buf_t *out, const char *prefix, const char *value)
{
    ng_buf_clear(out);
    while (*value == ' ' || *value == '\t')
        value++;
    if (!*value)
        return 1;
    if (ng_buf_append_str(out, prefix) != 0)
        return -1;
    size_t limit = strlen(prefix) + NG_MAX_FILTER_TERM;
    for (const char *p = value; *p && out->len < limit; p++) {
        char c = *p == '\t' ? ' ' : *p;
        if (c == ' ' && (p[1] == ' ' || p[1] == '\t' || p[1] == '\0'))
            continue;
        if (ng_buf_append_byte(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c)) != 0)
            return -1;
    }
    return 0;
}

size_t ng_layout_date_value(const char *date, char *out)
{
    size_t n = 0;
    for (const char *p = date; *p && n < 8; p++)
        if (*p >= '0' && *p <= '9')
            out[n++] = *p;
    out[n] = '\0';
    return n;
}
