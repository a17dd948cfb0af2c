/*
 * evbuffer_bench: benchmark-cases.md §1 against C libevent 2.1 (Debian libevent-dev), the
 * reference the Java EvbufferBenchmark ports case for case. Build and run with
 * run-evbuffer-bench.sh (gcc -O2, -levent_core).
 *
 * Usage: evbuffer_bench [-T] [case-substring]
 *   -T  turn glibc heap trimming off, the fair pullup_64k setting: M_TRIM_THRESHOLD = 1 GiB, and
 *       M_MMAP_THRESHOLD = 4 MiB, because setting the trim threshold also freezes glibc's dynamic
 *       mmap threshold at 128 KiB, and the 64 KiB pullup chain (with its header, rounded up) would
 *       then be mmap'ed and munmap'ed every cycle (measured: about 38 us/op instead of 2-3 us)
 *
 * Method: each case f(iters) does untimed setup, a timed loop of iters iterations
 * (CLOCK_MONOTONIC), untimed teardown, and returns the timed ns. Calibration doubles iters until
 * one call takes >= 20 ms, then scales to 0.3 s. One warm-up repetition is discarded, then 7
 * repetitions; the median ns/op is printed. Every loop feeds its results into a checksum that is
 * checked afterwards (the same checksums as the Java port), so a broken build cannot look fast.
 */
#define _GNU_SOURCE
#include <event2/buffer.h>
#include <event2/event.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char data[8192];
static char text[26000];
static unsigned char content[16384];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void check(int ok, const char *what, uint64_t got, uint64_t want)
{
    if (!ok) {
        fprintf(stderr, "CHECK FAILED: %s (got %llu, want %llu)\n", what,
                (unsigned long long)got, (unsigned long long)want);
        exit(1);
    }
}
#define EXPECT(what, got, want) check((got) == (want), what, (uint64_t)(got), (uint64_t)(want))

static uint64_t add64_drain64(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    uint64_t sum = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        evbuffer_add(b, data, 64);
        sum += evbuffer_get_length(b);
        evbuffer_drain(b, 64);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("add64_drain64 sum", sum, 64 * iters);
    EXPECT("add64_drain64 length", evbuffer_get_length(b), 0);
    evbuffer_free(b);
    return t;
}

static uint64_t add4k_drain4k(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    uint64_t sum = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        evbuffer_add(b, data, 4096);
        sum += evbuffer_get_length(b);
        evbuffer_drain(b, 4096);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("add4k_drain4k sum", sum, 4096 * iters);
    EXPECT("add4k_drain4k length", evbuffer_get_length(b), 0);
    evbuffer_free(b);
    return t;
}

static uint64_t add64x64_remove(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    uint64_t sum = 0, per = 64 * 64;
    for (int k = 0; k < 64; k++)
        per += data[k] + data[k + 63];
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        char tmp[64];
        for (int k = 0; k < 64; k++)
            evbuffer_add(b, data + k, 64);
        for (int k = 0; k < 64; k++) {
            sum += (uint64_t)evbuffer_remove(b, tmp, 64);
            sum += (unsigned char)tmp[0] + (unsigned char)tmp[63];
        }
    }
    uint64_t t = now_ns() - t0;
    EXPECT("add64x64_remove sum", sum, per * iters);
    EXPECT("add64x64_remove length", evbuffer_get_length(b), 0);
    evbuffer_free(b);
    return t;
}

static uint64_t add_buffer_move_4k(uint64_t iters)
{
    struct evbuffer *src = evbuffer_new(), *dst = evbuffer_new();
    uint64_t sum = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        evbuffer_add(src, data, 4096);
        evbuffer_add_buffer(dst, src);
        sum += evbuffer_get_length(dst) - evbuffer_get_length(src);
        evbuffer_drain(dst, 4096);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("add_buffer_move_4k sum", sum, 4096 * iters);
    EXPECT("add_buffer_move_4k lengths", evbuffer_get_length(src) + evbuffer_get_length(dst), 0);
    evbuffer_free(src);
    evbuffer_free(dst);
    return t;
}

static uint64_t add_buffer_pingpong_4k(uint64_t iters)
{
    struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
    uint64_t sum = 0;
    evbuffer_add(a, data, 4096);
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        evbuffer_add_buffer(b, a);
        sum += evbuffer_get_length(b);
        evbuffer_add_buffer(a, b);
        sum += evbuffer_get_length(a);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("add_buffer_pingpong_4k sum", sum, 8192 * iters);
    EXPECT("add_buffer_pingpong_4k a", evbuffer_get_length(a), 4096);
    unsigned char probe[4096];
    evbuffer_copyout(a, probe, 4096);
    check(0 == memcmp(probe, data, 4096), "add_buffer_pingpong_4k content", 0, 0);
    evbuffer_free(a);
    evbuffer_free(b);
    return t;
}

static uint64_t remove_buffer_partial(uint64_t iters)
{
    struct evbuffer *src = evbuffer_new(), *dst = evbuffer_new();
    uint64_t sum = 0;
    for (int i = 0; i < 3; i++)
        evbuffer_add(src, data, 4096);
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        sum += (uint64_t)evbuffer_remove_buffer(src, dst, 5000);
        sum += evbuffer_get_length(dst);
        evbuffer_drain(dst, 5000);
        evbuffer_add(src, data, 5000);
        sum += evbuffer_get_length(src);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("remove_buffer_partial sum", sum, (5000 + 5000 + 12288) * iters);
    EXPECT("remove_buffer_partial src", evbuffer_get_length(src), 12288);
    evbuffer_free(src);
    evbuffer_free(dst);
    return t;
}

/* One iteration = one block of 1000 lines; the refill before each block is not timed. */
static uint64_t readln_crlf(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    uint64_t sum = 0, t = 0;
    for (uint64_t i = 0; i < iters; i++) {
        evbuffer_add(b, text, sizeof text);
        uint64_t t0 = now_ns();
        for (int k = 0; k < 1000; k++) {
            size_t n;
            char *line = evbuffer_readln(b, &n, EVBUFFER_EOL_CRLF);
            sum += n + (unsigned char)line[0] + (unsigned char)line[n - 1];
            free(line);
        }
        t += now_ns() - t0;
    }
    EXPECT("readln_crlf sum", sum, (uint64_t)(24 + 'G' + '1') * 1000 * iters);
    EXPECT("readln_crlf length", evbuffer_get_length(b), 0);
    evbuffer_free(b);
    return t;
}

static uint64_t search_16k(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    for (int c = 0; c < 4; c++) {
        struct evbuffer *t = evbuffer_new();
        evbuffer_add(t, content + 4096 * c, 4096);
        evbuffer_add_buffer(b, t);
        evbuffer_free(t);
    }
    EXPECT("search_16k chains", evbuffer_peek(b, -1, NULL, NULL, 0), 4);
    uint64_t sum = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct evbuffer_ptr p = evbuffer_search(b, "needle", 6, NULL);
        sum += (uint64_t)p.pos;
    }
    uint64_t t = now_ns() - t0;
    EXPECT("search_16k sum", sum, 16378 * iters);
    EXPECT("search_16k length", evbuffer_get_length(b), 16384);
    evbuffer_free(b);
    return t;
}

static uint64_t pullup_64k(uint64_t iters)
{
    struct evbuffer *b = evbuffer_new();
    uint64_t sum = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        for (int k = 0; k < 16; k++)
            evbuffer_add(b, data, 4096);
        unsigned char *p = evbuffer_pullup(b, -1);
        sum += (p ? 65536 : 0) + evbuffer_get_contiguous_space(b) + p[4096 * 7 + 5] + p[65535];
        evbuffer_drain(b, 65536);
    }
    uint64_t t = now_ns() - t0;
    EXPECT("pullup_64k sum", sum, (65536 + 65536 + data[5] + data[4095]) * iters);
    EXPECT("pullup_64k length", evbuffer_get_length(b), 0);
    evbuffer_free(b);
    return t;
}

struct bench_case {
    const char *name;
    uint64_t (*fn)(uint64_t);
    int ops_per_iter;
};

static const struct bench_case cases[] = {
    {"add64_drain64", add64_drain64, 1},
    {"add4k_drain4k", add4k_drain4k, 1},
    {"add64x64_remove", add64x64_remove, 64},
    {"add_buffer_move_4k", add_buffer_move_4k, 1},
    {"add_buffer_pingpong_4k", add_buffer_pingpong_4k, 2},
    {"remove_buffer_partial", remove_buffer_partial, 1},
    {"readln_crlf", readln_crlf, 1000},
    {"search_16k", search_16k, 1},
    {"pullup_64k", pullup_64k, 1},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void run(const struct bench_case *c)
{
    uint64_t iters = 1, ns;
    for (;;) {
        ns = c->fn(iters);
        if (ns >= 20000000ull)
            break;
        iters *= 2;
    }
    iters = (uint64_t)((double)iters * 0.3e9 / (double)ns);
    if (iters < 1)
        iters = 1;
    c->fn(iters); /* warm-up repetition, discarded */
    double v[7];
    for (int r = 0; r < 7; r++)
        v[r] = (double)c->fn(iters) / ((double)iters * c->ops_per_iter);
    qsort(v, 7, sizeof v[0], cmp_double);
    printf("CASE %s ns_per_op=%.2f ops_per_s=%.0f\n", c->name, v[3], 1e9 / v[3]);
    printf("# %s iters_per_rep=%llu min=%.2f max=%.2f reps=7\n", c->name, (unsigned long long)iters, v[0], v[6]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *filter = NULL;
    int trim_off = 0;
    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "-T"))
            trim_off = 1;
        else
            filter = argv[i];
    }
    if (trim_off && (!mallopt(M_TRIM_THRESHOLD, 1 << 30) || !mallopt(M_MMAP_THRESHOLD, 4 << 20))) {
        fprintf(stderr, "mallopt(M_TRIM_THRESHOLD / M_MMAP_THRESHOLD) failed\n");
        return 1;
    }
    for (int i = 0; i < 8192; i++)
        data[i] = (unsigned char)((i * 31 + 7) & 0xff);
    for (int i = 0; i < 1000; i++)
        memcpy(text + 26 * i, "GET /index.html HTTP/1.1\r\n", 26);
    for (int j = 0; j < 16384; j++)
        content[j] = (unsigned char)('a' + j % 26);
    memcpy(content + 16378, "needle", 6);
    printf("# libevent %s%s\n", event_get_version(), trim_off ? ", glibc heap trimming off" : "");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (!filter || strstr(cases[i].name, filter))
            run(&cases[i]);
    return 0;
}
