/*
 * mingw_crt.c: a program that pulls in the parts of the mingw-w64 C runtime programs commonly
 * link (stdio formatting, allocation, strings, conversions, sorting, time, math, wide strings),
 * so its build is a reference set of that runtime: scripts/reference-sets.sh indexes it as a
 * library family, whose code attribution never counts. Compiled, never run.
 */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
    char buf[256];
    wchar_t wbuf[64];
    int v[8] = {5, 3, 8, 1, 9, 2, 7, 4};
    setlocale(LC_ALL, "");
    qsort(v, 8, sizeof(v[0]), cmp_int);
    int *k = bsearch(&v[3], v, 8, sizeof(v[0]), cmp_int);
    char *p = malloc(64);
    char *q = calloc(4, 16);
    p = realloc(p, 128);
    snprintf(buf, sizeof(buf), "%s %d %5.2f %x %p %lld", argc > 1 ? argv[1] : "x", argc,
             sqrt((double)argc), (unsigned)argc, (void *)p, (long long)atoll("42"));
    strncpy(q, buf, 15);
    strcat(p ? p : buf, strchr(buf, ' ') ? strchr(buf, ' ') : "");
    long l = strtol(buf, NULL, 10) + (long)strtoul("7", NULL, 0) + (long)strtod("1.5", NULL);
    time_t t = time(NULL);
    struct tm *tm = localtime(&t);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", tm);
    mbstowcs(wbuf, buf, 63);
    size_t wl = wcslen(wbuf);
    FILE *f = fopen(argc > 2 ? argv[2] : "nul", "rb");
    if (f) {
        size_t n = fread(buf, 1, sizeof(buf), f);
        fseek(f, 0, SEEK_SET);
        fclose(f);
        l += (long)n;
    }
    int c = toupper(buf[0]) + isalpha(buf[1]) + isdigit(buf[2]);
    double m = pow(2.0, (double)argc) + log(1.0 + argc) + sin((double)argc) + floor(1.5);
    sscanf("12 34", "%d %d", &v[0], &v[1]);
    printf("%s %ld %zu %d %f %d %s\n", buf, l, wl, c, m, k ? *k : 0, strerror(argc));
    fprintf(stderr, "%s\n", getenv("PATH") ? "path" : "none");
    puts(memchr(buf, '-', strlen(buf)) ? "dash" : "none");
    free(p);
    free(q);
    return memcmp(buf, "2", 1) == 0 ? 0 : abs(c) % 2;
}
