/* Messages for the status codes of status.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

const char *ng_status_to_string(ng_status_t status)
{
    switch (status) {
    case NG_STATUS_SUCCESS: return "success";
    case NG_STATUS_END: return "end of input";
    case NG_STATUS_OUT_OF_MEMORY: return "out of memory";
    case NG_STATUS_IO_ERROR: return "input/output error";
    case NG_STATUS_BAD_RECORD: return "bad record";
    case NG_STATUS_BAD_QUERY: return "bad query";
    case NG_STATUS_NO_INDEX: return "no index";
    case NG_STATUS_INDEX_ERROR: return "index error";
    case NG_STATUS_LOCKED: return "index locked by another writer";
    case NG_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case NG_STATUS_UNSUPPORTED: return "unsupported";
    case NG_STATUS_LAST_STATUS: break;
    }
    return "unknown status";
}

char *ng_message(const char *subject, const char *what)
{
    size_t n = strlen(subject) + strlen(what) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s: %s", subject, what);
    return s;
}
