/*
 * words.c: the words of a verdict and of a confidence. STIX 2.1 Appendix A (normative) maps
 * the integer confidence 0-100 to None/Low/Med/High and to the DNI / ICD 203 likelihood
 * phrases; both tables are below exactly as docs/ATTRIBUTION.md gives them. ICD 203 forbids a
 * confidence level and a likelihood phrase in one sentence: callers print them apart.
 */
#include "match_int.h"

const char *kin_verdict_name(uint32_t verdict)
{
    switch (verdict) {
    case KIN_VERDICT_UNATTRIBUTED:
        return "unattributed";
    case KIN_VERDICT_KNOWN_FAMILY:
        return "known-family";
    case KIN_VERDICT_KNOWN_ACTOR:
        return "known-actor";
    default:
        return "unknown";
    }
}

/* STIX 2.1 None/Low/Med/High: None 0, Low 1-29, Med 30-69, High 70-100. */
const char *kin_confidence_stix(uint32_t confidence)
{
    if (confidence == 0) {
        return "None";
    }
    if (confidence < 30) {
        return "Low";
    }
    if (confidence < 70) {
        return "Med";
    }
    return "High";
}

/* DNI / ICD 203 scale: upper bound of each range and its phrase. */
static const struct {
    uint32_t max;
    const char *phrase;
} icd203[] = {
    {9, "almost no chance"},     {19, "very unlikely"}, {39, "unlikely"},
    {59, "roughly even chance"}, {79, "likely"},        {89, "very likely"},
    {100, "almost certain"},
};

const char *kin_confidence_icd203(uint32_t confidence)
{
    for (size_t i = 0; i < KIN_ARRAY_COUNT(icd203); i++) {
        if (confidence <= icd203[i].max) {
            return icd203[i].phrase;
        }
    }
    return icd203[KIN_ARRAY_COUNT(icd203) - 1].phrase;
}
