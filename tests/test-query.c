/* The query parser (src/query.h): which tree a query text becomes, and where
 * a bad query is reported. Terms come from the one analyzer, so "coalition"
 * in a query is spelled exactly as the indexed "coalit". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "buf.h"
#include "query.h"
#include "tap.h"

static ng_analyzer_t *an;

static ng_qnode_t *parse(const char *text, unsigned flags)
{
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    ng_status_t st = ng_query_parse(an, text, strlen(text), flags, &q, &err);
    if (st != NG_STATUS_SUCCESS) {
        printf("# parsing '%s': %s at column %zu: %s\n", text, ng_status_to_string(st), err.column, err.message);
        return NULL;
    }
    return q;
}

/* The tree in a compact form: "AND(coalit,withdraw)", "PHRASE(al,sudani)",
 * "NEAR/6(troop,iraq)", "withdrawal*|withdraw", "BOOL:XSRCwikinews",
 * "ID:wn-1", "RANGE0:2019..20199999". */
static void show(const ng_qnode_t *n, ng_buf_t *out)
{
    static const char *const ops[] = {"TERM", "AND",  "OR",     "PHRASE", "AND_NOT", "AND_MAYBE", "NEAR",
                                      "ADJ",  "WILD", "FILTER", "BOOL",   "ID",      "RANGE"};
    char num[32];
    switch (n->op) {
    case NG_Q_TERM:
        ng_buf_append_str(out, n->term ? n->term : "(null)");
        if (n->nkids)
            ng_buf_append_str(out, "(TERM WITH KIDS)");
        return;
    case NG_Q_WILDCARD:
        ng_buf_append_str(out, n->term);
        ng_buf_append_byte(out, '*');
        if (n->term2) {
            ng_buf_append_byte(out, '|');
            ng_buf_append_str(out, n->term2);
        }
        return;
    case NG_Q_BOOLEAN:
    case NG_Q_ID:
        ng_buf_append_str(out, n->op == NG_Q_ID ? "ID:" : "BOOL:");
        ng_buf_append_str(out, n->term);
        return;
    case NG_Q_VALUE_RANGE:
        snprintf(num, sizeof num, "RANGE%u:", n->slot);
        ng_buf_append_str(out, num);
        ng_buf_append_str(out, n->term ? n->term : "");
        ng_buf_append_str(out, "..");
        ng_buf_append_str(out, n->term2 ? n->term2 : "");
        return;
    default: break;
    }
    ng_buf_append_str(out, (unsigned)n->op < sizeof ops / sizeof ops[0] ? ops[n->op] : "?");
    if (n->op == NG_Q_NEAR || n->op == NG_Q_ADJ) {
        snprintf(num, sizeof num, "/%u", n->window);
        ng_buf_append_str(out, num);
    }
    ng_buf_append_byte(out, '(');
    for (size_t i = 0; i < n->nkids; i++) {
        if (i)
            ng_buf_append_byte(out, ',');
        show(n->kids[i], out);
    }
    ng_buf_append_byte(out, ')');
}

/* TEXT with control characters escaped, for a one-line TAP message. */
static const char *printable(const char *text, size_t len, ng_buf_t *out)
{
    ng_buf_clear(out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f || c >= 0x80) {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02x", c);
            ng_buf_append_str(out, hex);
        } else {
            ng_buf_append_byte(out, (char)c);
        }
    }
    return ng_buf_str(out);
}

/* Parse TEXT and compare the tree's form with WANT. */
static void tree_is(const char *text, unsigned flags, const char *want, const char *what)
{
    ng_qnode_t *q = parse(text, flags);
    ng_buf_t b = NG_BUF_INIT, name = NG_BUF_INIT;
    if (q)
        show(q, &b);
    else
        ng_buf_append_str(&b, "(parse failed)");
    is_str(b.data, want, "%s: %s", printable(text, strlen(text), &name), what);
    ng_buf_free(&b);
    ng_buf_free(&name);
    ng_qnode_free(q);
}

enum { ANY = NG_QUERY_ANY, STOP = NG_QUERY_ANY | NG_QUERY_STOPWORDS };

static const struct tree_case {
    const char *text;
    unsigned flags;
    const char *want;
    const char *what;
} tree_cases[] = {
    /* words and phrases */
    {"coalition withdrawal", 0, "AND(coalit,withdraw)", "words are all required, stemmed"},
    {"coalition withdrawal", ANY, "OR(coalit,withdraw)", "with NG_QUERY_ANY they are alternatives"},
    {"Iraq", 0, "iraq", "a single word is a lone term"},
    {"Iraq", ANY, "iraq", "a single word is a lone term under NG_QUERY_ANY too"},
    {"\"security partnership\"", 0, "PHRASE(secur,partnership)", "a quoted phrase, in order"},
    {"\"partnership security\"", 0, "PHRASE(partnership,secur)", "the phrase keeps its order"},
    {"al-Sudani", 0, "PHRASE(al,sudani)", "a word the analyzer splits is a phrase"},
    {"U.S.-led coalition", 0, "AND(PHRASE(us,led),coalit)", "a split word beside a word"},
    {"\"Iraq\"", 0, "iraq", "a quoted single word is a lone term"},
    {"  troops \t\n withdrawal  ", 0, "AND(troop,withdraw)", "blanks of any kind separate words"},
    {"troops\xc2\xa0withdrawal", 0, "AND(troop,withdraw)", "a no-break space separates words too"},
    {"Iraq \"security partnership\" withdrawal", ANY, "OR(iraq,PHRASE(secur,partnership),withdraw)",
     "words and a phrase together"},
    {"troops, (withdrawal)!", 0, "AND(troop,withdraw)", "punctuation around words is dropped"},
    {"troops !!! withdrawal", 0, "AND(troop,withdraw)", "a punctuation-only word is dropped"},
    {"troops \"\" withdrawal", 0, "AND(troop,withdraw)", "an empty phrase is dropped"},
    /* boolean operators, upper case only */
    {"Iraq OR Syria", 0, "OR(iraq,syria)", "OR"},
    {"Iraq AND Syria", ANY, "AND(iraq,syria)", "AND requires both even with NG_QUERY_ANY"},
    {"Iraq NOT Syria", 0, "AND_NOT(iraq,syria)", "NOT excludes"},
    {"Iraq AND NOT Syria", 0, "AND_NOT(iraq,syria)", "AND NOT is NOT"},
    {"Iraq -Syria", 0, "AND_NOT(iraq,syria)", "-word excludes"},
    {"Iraq -Syria -Iran", 0, "AND_NOT(iraq,OR(syria,iran))", "several exclusions: none may match"},
    {"Iraq +Syria", ANY, "AND_MAYBE(syria,iraq)", "+word is required, the rest ranks"},
    {"+Iraq +Syria troops", ANY, "AND_MAYBE(AND(iraq,syria),troop)", "two required words and an optional one"},
    {"+Iraq troops -Syria", ANY, "AND_NOT(AND_MAYBE(iraq,troop),syria)", "required, optional, excluded"},
    {"+Iraq troops", 0, "AND(iraq,troop)", "+ changes nothing when all words are required"},
    {"iraq or syria", 0, "AND(iraq,or,syria)", "lower-case or is a word"},
    {"not guilty", 0, "AND(not,guilti)", "lower-case not is a word"},
    {"Iraq Or Syria aNd", 0, "AND(iraq,or,syria,and)", "so are Or and aNd"},
    {"ORDER ANDES NOTE", 0, "AND(order,andes,note)", "words that begin like operators are words"},
    {"Iraq OR Syria troops", 0, "OR(iraq,AND(syria,troop))", "juxtaposition binds tighter than OR"},
    {"Iraq OR Syria AND troops", 0, "OR(iraq,AND(syria,troop))", "AND binds tighter than OR"},
    {"(Iraq OR Syria) troops", 0, "AND(OR(iraq,syria),troop)", "parentheses group"},
    {"(Iraq OR Syria) AND (troops OR soldiers)", 0, "AND(OR(iraq,syria),OR(troop,soldier))", "two groups"},
    {"((((Iraq))))", 0, "iraq", "redundant parentheses vanish"},
    {"Iraq (Syria -Iran)", 0, "AND_NOT(AND(iraq,syria),iran)", "an exclusion inside parentheses applies around"},
    {"Iraq -(Syria OR Iran)", 0, "AND_NOT(iraq,OR(syria,iran))", "an excluded group"},
    {"-Syria Iraq", 0, "AND_NOT(iraq,syria)", "an exclusion first"},
    {"Iraq AND -Syria", 0, "AND_NOT(iraq,syria)", "an exclusion after AND"},
    {"a-b", 0, "PHRASE(a,b)", "a hyphen inside a word is no exclusion"},
    {"Iraq - Syria", 0, "AND(iraq,syria)", "a lone hyphen is punctuation"},
    {"Iraq --Syria", 0, "AND(iraq,syria)", "so is a double one"},
    {"Iraq NOT (Syria OR Iran) troops", 0, "AND_NOT(AND(iraq,troop),OR(syria,iran))", "NOT before a group"},
    {"Iraq NOT Syria OR Iran", 0, "OR(AND_NOT(iraq,syria),iran)", "NOT binds to its word, OR goes last"},
    /* proximity */
    {"troops NEAR Iraq", 0, "NEAR/11(troop,iraq)", "NEAR: within 10 words by default"},
    {"troops NEAR/5 Iraq", 0, "NEAR/6(troop,iraq)", "NEAR/5: at most 5 positions apart"},
    {"troops ADJ/3 Iraq", 0, "ADJ/4(troop,iraq)", "ADJ/3: in this order, at most 3 apart"},
    {"troops ADJ Iraq", 0, "ADJ/11(troop,iraq)", "ADJ: within 10 words by default"},
    {"\"troop withdrawal\" NEAR/5 Iraq -Syria", 0, "AND_NOT(NEAR/7(PHRASE(troop,withdraw),iraq),syria)",
     "the issue's example: a phrase near a word, minus a word"},
    {"a NEAR/2 b NEAR/4 c", 0, "NEAR/6(a,b,c)", "a chain is one NEAR with the largest distance"},
    {"(Iraq OR Syria) NEAR/3 troops", 0, "NEAR/4(OR(iraq,syria),troop)", "alternatives of words near a word"},
    {"withdraw* NEAR/2 Iraq", 0, "NEAR/3(withdraw*,iraq)", "a wildcard near a word"},
    {"troops NEAR/5 Iraq Syria", ANY, "OR(NEAR/6(troop,iraq),syria)", "NEAR binds tighter than juxtaposition"},
    {"-troops NEAR/5 Iraq Syria", 0, "AND_NOT(syria,NEAR/6(troop,iraq))", "- applies to the whole NEAR"},
    {"al-Sudani ADJ/2 coalition", 0, "ADJ/4(PHRASE(al,sudani),coalit)", "a split word is a phrase operand"},
    {"NEARBY ADJUST NEARS", 0, "AND(nearbi,adjust,near)", "words that begin like NEAR are words"},
    {"troops NEAR/1000 Iraq", 0, "NEAR/1001(troop,iraq)", "the largest distance"},
    /* wildcards */
    {"withdraw*", 0, "withdraw*", "a prefix"},
    {"withdrawal*", 0, "withdrawal*|withdraw", "a prefix past its stem also finds the stem"},
    {"Withdrawal*", 0, "withdrawal*|withdraw", "folded like words"},
    {"\"troop withdraw*\"", 0, "PHRASE(troop,withdraw*)", "a wildcard in a phrase"},
    {"Iraq withdraw* -Syr*", 0, "AND_NOT(AND(iraq,withdraw*),syr*)", "an excluded wildcard"},
    {"* ** Iraq", 0, "iraq", "a lone star is punctuation"},
    /* fields */
    {"title:Iraq", 0, "Siraq", "title: is a title term"},
    {"title:\"US military\"", 0, "AND(Sus,Smilitari)", "title words have no positions: a phrase is an AND"},
    {"title:withdraw*", 0, "Swithdraw*", "a title wildcard"},
    {"title:withdrawals*", 0, "Swithdrawals*|Swithdraw", "with the stem of its prefix"},
    {"source:Wikinews", 0, "BOOL:XSRCwikinews", "source: is a filter term, spelled by the layout"},
    {"source:\"The  Day Book\"", 0, "BOOL:XSRCthe day book", "a quoted source, blanks made one"},
    {"Iraq source:wikinews", ANY, "OR(iraq,BOOL:XSRCwikinews)", "a field among words"},
    {"Iraq +source:wikinews", ANY, "AND_MAYBE(BOOL:XSRCwikinews,iraq)", "a required source"},
    {"Iraq -source:wikinews", 0, "AND_NOT(iraq,BOOL:XSRCwikinews)", "an excluded source"},
    {"id:wn-en-6dba4ed93e83", 0, "ID:wn-en-6dba4ed93e83", "id: an article id, as written"},
    {"id:\"seed/a b.txt#9\"", 0, "ID:seed/a b.txt#9", "a quoted passage id"},
    {"(id:x)", 0, "ID:x", "a field value ends at a parenthesis"},
    {"Title:Iraq TITLE:Iraq", 0, "AND(PHRASE(titl,iraq),PHRASE(titl,iraq))", "field names are lower case"},
    {"http://example.com", 0, "PHRASE(http,exampl,com)", "an unknown field is text"},
    /* stopwords */
    {"the war in Iraq", ANY, "OR(the,war,in,iraq)", "no stopword is dropped by default"},
    {"the war in Iraq", STOP, "OR(war,iraq)", "NG_QUERY_STOPWORDS drops them from --any ranking"},
    {"the war in Iraq", NG_QUERY_STOPWORDS, "AND(the,war,in,iraq)", "but never from required words"},
    {"\"the war\" in Iraq", STOP, "OR(PHRASE(the,war),iraq)", "nor from phrases"},
    {"+the war", STOP, "AND_MAYBE(the,war)", "nor when required"},
    {"the of", STOP, "OR(the,of)", "a query of stopwords only keeps them"},
    {"Don't stop", STOP, "stop", "contractions are on the list"},
};

static void test_trees(void)
{
    for (size_t i = 0; i < sizeof tree_cases / sizeof tree_cases[0]; i++)
        tree_is(tree_cases[i].text, tree_cases[i].flags, tree_cases[i].want, tree_cases[i].what);
    /* case folding of a non-ASCII prefix */
    tree_is("\xc3\x89lys\xc3\xa9\x65*", 0, "\xc3\xa9lys\xc3\xa9\x65*|\xc3\xa9lys\xc3\xa9",
            "a non-ASCII prefix is folded");
}

/* Parse LEN bytes of TEXT, which must fail at COLUMN with a message
 * containing WANT. */
static void error_is_n(const char *text, size_t len, size_t column, const char *want, const char *what)
{
    static char sentinel;
    ng_qnode_t *q = (ng_qnode_t *)&sentinel; /* must be reset to NULL */
    ng_query_error_t err;
    ng_buf_t name = NG_BUF_INIT;
    const char *shown = printable(text, len > 60 ? 60 : len, &name);
    memset(&err, 'x', sizeof err);
    ng_status_t st = ng_query_parse(an, text, len, 0, &q, &err);
    is_num(st, NG_STATUS_BAD_QUERY, "'%s': %s: a bad query", shown, what);
    is_num(err.column, column, "'%s': reported at column %zu", shown, column);
    int terminated = memchr(err.message, '\0', sizeof err.message) != NULL;
    ok(st == NG_STATUS_BAD_QUERY && terminated && strstr(err.message, want) && !strchr(err.message, '\n'),
       "'%s': one line saying '%s' (%s)", shown, want, st == NG_STATUS_BAD_QUERY && terminated ? err.message : "");
    ok(q == NULL, "'%s': and no tree", shown);
    if (st == NG_STATUS_SUCCESS)
        ng_qnode_free(q);
    ng_buf_free(&name);
}

static void error_is(const char *text, size_t column, const char *want, const char *what)
{
    error_is_n(text, strlen(text), column, want, what);
}

static const struct error_case {
    const char *text;
    size_t column;
    const char *want;
    const char *what;
} error_cases[] = {
    {"", 1, "empty query", "the empty query"},
    {"  \t ", 1, "empty query", "a blank query"},
    {"!!! ???", 1, "no word to search for", "a query of punctuation only"},
    {"\"...\"", 1, "no word to search for", "a phrase of punctuation only"},
    /* quotes */
    {"iraq \"security partnership", 6, "unbalanced quote", "an unbalanced quote is reported at the quote"},
    {"\"", 1, "unbalanced quote", "a lone quote"},
    {"\"a\" \"b\" \"c", 9, "unbalanced quote", "the third quote pair is open"},
    {"title:\"US military", 7, "unbalanced quote", "an open quote after a field"},
    /* parentheses */
    {"(Iraq", 1, "no ) for this (", "an open parenthesis"},
    {"((Iraq) Syria", 1, "no ) for this (", "the outer one is open"},
    {"Iraq)", 5, "no ( for this )", "a closing parenthesis too many"},
    {"(Iraq))", 7, "no ( for this )", "the second one"},
    {")", 1, "no ( for this )", "a lone closing parenthesis"},
    {"Iraq ()", 6, "between ( and )", "empty parentheses"},
    {"Iraq (!!!)", 6, "between ( and )", "parentheses without a word"},
    /* operators without operands */
    {"AND", 1, "AND needs a word before it", "AND alone"},
    {"Iraq AND", 6, "AND needs a word after it", "AND at the end"},
    {"AND Iraq", 1, "AND needs a word before it", "AND first"},
    {"Iraq OR", 6, "OR needs a word after it", "OR at the end"},
    {"OR Iraq", 1, "OR needs a word before it", "OR first"},
    {"Iraq OR OR Syria", 6, "OR needs a word after it", "OR twice"},
    {"Iraq OR AND Syria", 9, "AND needs a word before it", "OR AND"},
    {"Iraq AND !!!", 6, "AND needs a word after it", "AND before punctuation only"},
    {"(Iraq OR) Syria", 7, "OR needs a word after it", "OR at the end of a group"},
    {"(OR Iraq)", 2, "OR needs a word before it", "OR at the start of a group"},
    {"NOT", 1, "NOT needs a word", "NOT alone"},
    {"Iraq NOT", 6, "NOT needs a word", "NOT at the end"},
    {"Iraq NOT !!!", 6, "NOT needs a word after it", "NOT before punctuation only"},
    {"Iraq NOT -Syria", 6, "NOT needs a word", "NOT before a minus"},
    {"NEAR Iraq", 1, "NEAR needs a word", "NEAR first"},
    {"Iraq NEAR", 6, "NEAR needs a word", "NEAR at the end"},
    {"Iraq NEAR/5", 6, "NEAR needs a word", "NEAR/5 at the end"},
    {"Iraq ADJ/2 )", 6, "ADJ needs a word", "ADJ before a closing parenthesis"},
    {"Iraq NEAR NEAR Syria", 6, "NEAR needs a word", "NEAR twice"},
    {"Iraq NEAR !!!", 6, "NEAR needs a word", "NEAR before punctuation only"},
    {"Iraq NEAR/0 Syria", 6, "NEAR/ takes a number of words from 1 to 1000", "NEAR/0"},
    {"Iraq NEAR/1001 Syria", 6, "NEAR/ takes a number", "NEAR/1001"},
    {"Iraq NEAR/99999999999999999999 Syria", 6, "NEAR/ takes a number", "a huge NEAR/n"},
    {"Iraq NEAR/ Syria", 6, "NEAR/ takes a number", "NEAR/ without a number"},
    {"Iraq ADJ/x Syria", 6, "ADJ/ takes a number", "ADJ/x"},
    {"Iraq NEAR/5x Syria", 6, "NEAR/ takes a number", "NEAR/5x"},
    {"Iraq NEAR Syria ADJ Iran", 17, "cannot be chained", "NEAR and ADJ mixed"},
    {"(a AND b) NEAR c", 1, "NEAR needs a word", "NEAR after a conjunction"},
    {"title:Iraq NEAR c", 1, "NEAR needs a word", "NEAR after a title term, which has no positions"},
    {"a NEAR source:x", 8, "NEAR works on words", "NEAR before a filter"},
    {"a NEAR (b -c)", 8, "NEAR works on words", "NEAR before an exclusion"},
    /* exclusions with nothing to exclude from */
    {"-Iraq", 1, "nothing to exclude from", "only an exclusion"},
    {"NOT Iraq", 1, "nothing to exclude from", "only NOT"},
    {"Iraq OR -Syria", 9, "nothing to exclude from", "an exclusion as an alternative"},
    {"Iraq OR NOT Syria", 9, "nothing to exclude from", "NOT as an alternative"},
    {"-(-Iraq)", 1, "exclusion of an exclusion", "a double exclusion"},
    {"Iraq -source:", 7, "source: needs a value", "a field without a value"},
    {"title: Iraq", 1, "title: needs a value", "title: and a blank"},
    {"id:\"\"", 1, "id: needs a value", "an empty quoted id"},
    {"source:\"  \"", 1, "source: needs a name", "a blank source"},
    /* bytes a query may not hold: the column counts characters */
    {"Iraq \xff", 6, "invalid UTF-8 (byte 0xFF)", "a stray byte"},
    {"\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3(", 9, "invalid UTF-8 (byte 0xC3)",
     "a cut sequence after accented words"},
    {"\xc0\xaf", 1, "invalid UTF-8", "an overlong slash"},
    {"a \xed\xa0\x80", 3, "invalid UTF-8", "a surrogate"},
    {"a \xf4\x90\x80\x80", 3, "invalid UTF-8", "past U+10FFFF"},
    {"\xc3\xa9t\xc3\xa9 (", 5, "no ) for this (", "columns count characters, not bytes"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        error_is(error_cases[i].text, error_cases[i].column, error_cases[i].want, error_cases[i].what);
    error_is_n("Iraq\0Syria", 10, 5, "NUL byte", "a NUL inside the query is found, not taken for its end");
    error_is_n("Iraq\0", 5, 5, "NUL byte", "a NUL at the end too");
}

/* The limits: past them, a clear error at the place, never a crash. */
static void test_limits(void)
{
    ng_buf_t b = NG_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        ng_buf_append_str(&b, i ? " w" : "w");
    /* word 1001 starts at byte 2000 */
    error_is_n(b.data, b.len, 2001, "too many words", "10 000 words");
    ng_buf_clear(&b);
    for (int i = 0; i < NG_QUERY_MAX_TERMS; i++)
        ng_buf_append_str(&b, i ? " w" : "w");
    ng_qnode_t *q = parse(b.data, 0);
    ok(q && q->nkids == NG_QUERY_MAX_TERMS, "%d words are fine", NG_QUERY_MAX_TERMS);
    ng_qnode_free(q);

    ng_buf_clear(&b);
    for (int i = 0; i < 10000; i++)
        ng_buf_append_str(&b, "w-");
    error_is_n(b.data, b.len, 2001, "too many words", "10 000 words in one hyphenated word");

    ng_buf_clear(&b);
    for (int i = 0; i < 1000; i++)
        ng_buf_append_byte(&b, '(');
    ng_buf_append_str(&b, "Iraq");
    for (int i = 0; i < 1000; i++)
        ng_buf_append_byte(&b, ')');
    error_is_n(b.data, b.len, NG_QUERY_MAX_DEPTH + 1, "too many nested parentheses", "1 000 nested parentheses");

    ng_buf_clear(&b);
    for (int i = 0; i < 100000; i++)
        ng_buf_append_byte(&b, '(');
    error_is_n(b.data, b.len, NG_QUERY_MAX_DEPTH + 1, "too many nested parentheses", "100 000 open parentheses");

    ng_buf_clear(&b);
    for (int i = 0; i < NG_QUERY_MAX_DEPTH; i++)
        ng_buf_append_byte(&b, '(');
    ng_buf_append_str(&b, "Iraq OR Syria");
    for (int i = 0; i < NG_QUERY_MAX_DEPTH; i++)
        ng_buf_append_byte(&b, ')');
    tree_is(b.data, 0, "OR(iraq,syria)", "the deepest nesting allowed");

    ng_buf_clear(&b);
    for (int i = 0; i < 100000; i++)
        ng_buf_append_str(&b, "-(");
    error_is_n(b.data, b.len, 2 * NG_QUERY_MAX_DEPTH + 2, "too many nested parentheses", "nested exclusions");

    ng_buf_clear(&b);
    for (int i = 0; i < 5000; i++)
        ng_buf_append_str(&b, i ? " NEAR a" : "a");
    error_is_n(b.data, b.len, 1001 * 7 - 6, "too many words", "a chain of 5 000 NEARs");

    ng_buf_clear(&b);
    for (int i = 0; i < 100000; i++)
        ng_buf_append_str(&b, "!? ");
    error_is_n(b.data, b.len, 1, "no word to search for", "300 000 bytes of punctuation");
    ng_buf_free(&b);
}

static void test_dates(void)
{
    static const struct {
        const char *date;
        int upper;
        const char *want;
    } cases[] = {
        {"2019", 0, "2019"},           {"2019", 1, "20199999"},       {"2019-03", 0, "201903"},
        {"2019-03", 1, "20190399"},    {"2019-03-05", 0, "20190305"}, {"2019-03-05", 1, "20190305"},
        {"2019-01", 0, "2019"},        {"2019-03-01", 0, "201903"},   {"2019-01-01", 0, "2019"},
        {"2020-02-29", 0, "20200229"}, {"2000-02-29", 1, "20000229"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[9] = "";
        int rc = ng_query_date_bound(cases[i].date, cases[i].upper, out);
        ok(rc == 0 && strcmp(out, cases[i].want) == 0, "date %s as %s bound: %s (got %s)", cases[i].date,
           cases[i].upper ? "upper" : "lower", cases[i].want, rc == 0 ? out : "an error");
    }
    static const char *const bad[] = {"",         "19",          "20190",      "2019-3",     "2019-13",    "2019-00",
                                      "2019-1-1", "2019-02-30",  "2019-04-31", "2019-02-29", "1900-02-29", "2019-01-00",
                                      "2019/01",  "2019-01-01x", "x019",       "2019-01-32"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[9];
        is_num(ng_query_date_bound(bad[i], 0, out), -1, "'%s' is no date", bad[i]);
    }
}

/* Lower and upper bounds order dates the way people mean them: partial
 * dates count as their first day. */
static void test_date_order(void)
{
    static const struct {
        const char *value; /* a date value as the indexer writes it */
        const char *since, *until;
        int in;
    } cases[] = {
        {"2019", "2019-01", "2019-12", 1},
        {"2019", "2019-02", "2019-12", 0},
        {"201903", "2019-03-01", "2019-03-01", 1},
        {"201903", "2019-03-02", "2019-12", 0},
        {"20190305", "2019-03", "2019-03", 1},
        {"20190305", "2019", "2019-03-04", 0},
        {"20190305", "2019-03-05", "2019-03-05", 1},
        {"2019", "2018", "2019-01-01", 1},
        {"201812", "2019", "2020", 0},
        {"20191231", "2019", "2019", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char lo[9], hi[9];
        ng_query_date_bound(cases[i].since, 0, lo);
        ng_query_date_bound(cases[i].until, 1, hi);
        int in = strcmp(cases[i].value, lo) >= 0 && strcmp(cases[i].value, hi) <= 0;
        is_num(in, cases[i].in, "date value %s is %s --since %s --until %s", cases[i].value,
               cases[i].in ? "within" : "outside", cases[i].since, cases[i].until);
    }
}

typedef struct visit {
    const char *text;
    ng_buf_t terms;
    size_t mismatched; /* terms whose span does not analyse back to them */
    size_t visits;
} visit_t;

static void check_term(void *ctx, const ng_qnode_t *term)
{
    visit_t *v = ctx;
    v->visits++;
    if (v->terms.len)
        ng_buf_append_byte(&v->terms, ' ');
    ng_buf_append_str(&v->terms, term->term);
    /* the span holds the word the term came from: analysed alone it gives the term */
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    char word[256];
    size_t len = term->end - term->start;
    if (term->end <= term->start || term->end > strlen(v->text) || len >= sizeof word) {
        v->mismatched++;
        return;
    }
    memcpy(word, v->text + term->start, len);
    word[len] = '\0';
    if (ng_query_parse(an, word, strlen(word), 0, &q, &err) != NG_STATUS_SUCCESS || q->op != NG_Q_TERM ||
        strcmp(q->term, term->term) != 0)
        v->mismatched++;
    ng_qnode_free(q);
}

static void test_offsets_and_order(void)
{
    const char *text = "coalition withdrawal";
    ng_qnode_t *q = parse(text, 0);
    ok(q && q->nkids == 2, "'%s' has two kids", text);
    if (q && q->nkids == 2) {
        is_num(q->kids[0]->start, 0, "coalition starts at 0");
        is_num(q->kids[0]->end, 9, "coalition ends at 9");
        is_num(q->kids[1]->start, 10, "withdrawal starts at 10");
        is_num(q->kids[1]->end, 20, "withdrawal ends at 20");
        is_num(q->end, strlen(text), "the root spans the query");
    }
    ng_qnode_free(q);

    text = "iraq \"security partnership\"";
    q = parse(text, 0);
    ok(q && q->nkids == 2 && q->kids[1]->op == NG_Q_PHRASE, "'%s' is a word and a phrase", text);
    if (q && q->nkids == 2 && q->kids[1]->nkids == 2) {
        const ng_qnode_t *phrase = q->kids[1];
        is_num(phrase->start, 6, "the phrase starts after its opening quote");
        is_num(phrase->end, 26, "and ends at its closing quote");
        is_num(phrase->kids[0]->start, 6, "security starts at 6");
        is_num(phrase->kids[1]->start, 15, "partnership starts at 15");
        is_num(phrase->kids[1]->end, 26, "partnership ends at 26");
    }
    ng_qnode_free(q);

    visit_t v = {"first \"second, third\" al-Sudani U.S. fourth", NG_BUF_INIT, 0, 0};
    q = parse(v.text, 0);
    if (q)
        ng_qnode_each_term(q, check_term, &v);
    is_str(ng_buf_str(&v.terms), "first second third al sudani us fourth", "ng_qnode_each_term visits terms in order");
    is_num(v.visits, 7, "each term once");
    is_num(v.mismatched, 0, "every term's span is the word it came from");
    ng_qnode_free(q);
    ng_buf_free(&v.terms);
}

static void count_term(void *ctx, const ng_qnode_t *term)
{
    (void)term;
    ++*(size_t *)ctx;
}

static void collect(void *ctx, const ng_qnode_t *term)
{
    ng_buf_t *b = ctx;
    if (b->len)
        ng_buf_append_byte(b, ' ');
    ng_buf_append_str(b, term->term);
}

/* The highlighter's terms: what a match may contain, not what it may not. */
static void test_match_terms(void)
{
    static const struct {
        const char *text, *all, *match;
    } cases[] = {
        {"Iraq -Syria troops", "iraq troop syria", "iraq troop"},
        {"Iraq NOT (Syria OR Iran)", "iraq syria iran", "iraq"},
        {"(a -b) OR (c NOT d)", "a b c d", "a c"},
        {"\"troop withdrawal\" NEAR/5 Iraq -Syria", "troop withdraw iraq syria", "troop withdraw iraq"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_qnode_t *q = parse(cases[i].text, 0);
        ng_buf_t all = NG_BUF_INIT, match = NG_BUF_INIT;
        if (q) {
            ng_qnode_each_term(q, collect, &all);
            ng_qnode_each_match_term(q, collect, &match);
        }
        is_str(ng_buf_str(&all), cases[i].all, "%s: every term", cases[i].text);
        is_str(ng_buf_str(&match), cases[i].match, "%s: the terms a match may have", cases[i].text);
        ng_buf_free(&all);
        ng_buf_free(&match);
        ng_qnode_free(q);
    }
    /* a filter's terms are no match terms either */
    ng_qnode_t *f = ng_qnode_pair(NG_Q_FILTER, ng_qnode_new_term("iraq", 4, 0, 4),
                                  ng_qnode_new_strings(NG_Q_BOOLEAN, "XSRCwikinews", NULL, 0, 0));
    ng_buf_t b = NG_BUF_INIT;
    ng_qnode_add(f, ng_qnode_new_term("extra", 5, 0, 0));
    ng_qnode_each_match_term(f, collect, &b);
    is_str(ng_buf_str(&b), "iraq", "FILTER: only the ranked side");
    ng_buf_free(&b);
    ng_qnode_free(f);
}

/* --stopwords needs a list for the index's language. */
static void test_stopword_languages(void)
{
    ng_analyzer_t *fr = NULL, *none = NULL;
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    if (ng_analyzer_new("french", &fr) != NG_STATUS_SUCCESS || ng_analyzer_new("none", &none) != NG_STATUS_SUCCESS) {
        ok(0, "french and none analyzers");
        return;
    }
    is_num(ng_query_parse(fr, "le monde", 8, NG_QUERY_ANY | NG_QUERY_STOPWORDS, &q, &err), NG_STATUS_UNSUPPORTED,
           "no stopword list for french: NG_STATUS_UNSUPPORTED");
    ok(q == NULL, "and no tree");
    is_num(ng_query_parse(none, "the war", 7, NG_QUERY_ANY | NG_QUERY_STOPWORDS, &q, &err), NG_STATUS_UNSUPPORTED,
           "nor for an index without stemming");
    is_num(ng_query_parse(fr, "le monde", 8, NG_QUERY_ANY, &q, &err), NG_STATUS_SUCCESS, "without the flag it parses");
    ng_qnode_free(q);
    ng_analyzer_destroy(fr);
    ng_analyzer_destroy(none);
}

static void test_building(void)
{
    /* trees built by hand, as the store's tests do */
    ng_qnode_t *root = ng_qnode_new(NG_Q_OR, 0, 0);
    ng_qnode_t *t = ng_qnode_new_term("withdrawal", 8, 3, 11);
    ok(root && root->op == NG_Q_OR && root->nkids == 0 && root->term == NULL, "ng_qnode_new: an empty node");
    is_str(t ? t->term : NULL, "withdraw", "ng_qnode_new_term copies LEN bytes and ends them");
    ok(t && t->op == NG_Q_TERM && t->start == 3 && t->end == 11, "and keeps the op and the span");
    is_num(ng_qnode_add(root, t), 0, "ng_qnode_add gives a kid");
    is_num(ng_qnode_add(root, ng_qnode_new_term("iraq", 4, 0, 4)), 0, "and another");
    size_t n = 0;
    ng_qnode_each_term(root, count_term, &n);
    is_num(n, 2, "the parent holds both");
    ng_qnode_free(root); /* frees the kids too: valgrind says if not */
    ng_qnode_free(NULL);
}

int main(void)
{
    if (ng_analyzer_new("english", &an) != NG_STATUS_SUCCESS) {
        printf("Bail out! no english analyzer\n");
        return 1;
    }
    test_trees();
    test_errors();
    test_limits();
    test_dates();
    test_date_order();
    test_offsets_and_order();
    test_match_terms();
    test_stopword_languages();
    test_building();
    ng_analyzer_destroy(an);
    return tap_done();
}
