/*
 * status.c: names and messages of kin_status, generated from KIN_STATUS_LIST in kin.h.
 */
#include "kin.h"

const char *kin_status_name(kin_status st)
{
    switch (st) {
#define X(name, msg) \
    case KIN_##name: \
        return #name;
        KIN_STATUS_LIST(X)
#undef X
    default:
        return "UNKNOWN";
    }
}

const char *kin_status_str(kin_status st)
{
    switch (st) {
#define X(name, msg) \
    case KIN_##name: \
        return msg;
        KIN_STATUS_LIST(X)
#undef X
    default:
        return "unknown status";
    }
}
