/* The index layout's spellings: a filter term is written by the indexer and
 * looked for by the query, so both must get the same bytes from one value. */
#include <string.h>

#include "layout.h"
#include "tap.h"

static const char *filter(const char *value)
{
    static ng_buf_t buf = NG_BUF_INIT;
    int rc = ng_layout_filter_term(&buf, NG_PREFIX_SOURCE, value);
    return rc < 0 ? "(out of memory)" : rc ? "(blank)" : ng_buf_str(&buf);
}

int main(void)
{
    is_str(filter("Wikinews"), "XSRCwikinews", "ASCII letters are lower-cased");
    is_str(filter("  Wikinews\t"), "XSRCwikinews", "blanks around the value are dropped");
    is_str(filter("Evening  \t star"), "XSRCevening star", "a run of blanks is one space");
    is_str(filter("Le Monde Diplomatique É"), "XSRCle monde diplomatique É", "non-ASCII bytes are kept as they are");
    is_str(filter(""), "(blank)", "an empty value is no term");
    is_str(filter(" \t "), "(blank)", "a blank value is no term");

    char longer[600];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    is_num(strlen(filter(longer)), strlen(NG_PREFIX_SOURCE) + NG_MAX_FILTER_TERM, "a long value is cut to the limit");

    char date[9];
    is_num(ng_layout_date_value("2024-01-25", date), 8, "a full date has 8 digits");
    is_str(date, "20240125", "YYYY-MM-DD sorts as YYYYMMDD");
    is_num(ng_layout_date_value("1916-01", date), 6, "a month has 6");
    is_str(date, "191601", "YYYY-MM sorts as YYYYMM");
    is_num(ng_layout_date_value("", date), 0, "no date, no value");
    is_str(date, "", "and an empty string");
    is_num(ng_layout_date_value("2024-01-25T10:00:00", date), 8, "never more than 8 digits");
    return tap_done();
}
