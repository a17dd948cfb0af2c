/*
 * echo-load: a load client for any TCP echo server (jevent's samples/bin/echo-server, libevent's, ...).
 *
 * N connections, each keeping up to W messages of S bytes in flight (W = 1 is ping-pong: send a
 * message, wait for its whole echo, send the next). Each connection sends a byte stream taken from a
 * pseudo-random pattern at its own phase, and every byte that comes back is compared with the byte
 * sent; any difference, a closed connection or a socket error ends the run with exit status 1.
 * A message's latency is the time from writing its first byte to reading its last, recorded in a
 * log-linear histogram (3 significant digits); only messages sent after the warm-up are recorded, and
 * throughput counts messages completed inside the measured interval. Nothing is allocated per message.
 *
 * Build: gcc -O2 -pthread -o echo-load echo-load.c   (bench/bin/echo-load does this on first use)
 * Usage: echo-load --port P [--host H] [--connections N] [--size S] [--in-flight W] [--threads T]
 *                  [--warmup SECONDS] [--duration SECONDS] [--spin]
 * Exit status: 0 when every byte was echoed unchanged and at least one message was measured, 1 on an
 * error or a mismatch, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PERIOD 65521u              /* pattern length: a prime, so phases do not line up with sizes */
#define MAX_CHUNK (64 * 1024)      /* largest single write or read */
#define MAX_SIZE (16 * 1024 * 1024)
#define MAX_IN_FLIGHT 4096
#define SUB_BITS 11                /* 2048 sub-buckets per power of two: 3 significant digits */
#define HALF (1 << (SUB_BITS - 1))
#define MAX_VALUE_BITS 40          /* values clamp at 2^40 ns (about 18 minutes) */
#define BUCKETS ((MAX_VALUE_BITS - SUB_BITS + 2) * HALF)
#define EVENTS 256

struct histogram
{
    uint64_t counts[BUCKETS];
    uint64_t total;
    uint64_t max;
    uint64_t sum;
};

struct conn
{
    int fd;
    int id;
    unsigned phase;
    int write_armed;
    uint64_t sent;
    uint64_t received;
    uint64_t *send_times;          /* in_flight entries: when message m's first byte was written */
};

struct worker
{
    pthread_t thread;
    int index;
    int epfd;
    struct conn *conns;
    int nconns;
    unsigned char *recv_buf;
    struct histogram hist;
    uint64_t messages;
    uint64_t bytes;
    uint64_t verified;
};

static struct
{
    const char *host;
    const char *port;
    int connections;
    long size;
    int in_flight;
    int threads;
    double warmup;
    double duration;
    int spin;
} opt = {"127.0.0.1", NULL, 1, 64, 1, 1, 1.0, 5.0, 0};

static unsigned char *pattern;
static uint64_t measure_from;      /* ns, CLOCK_MONOTONIC: end of the warm-up */
static uint64_t measure_until;     /* ns: end of the measured interval */
static atomic_int failed;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
    va_list ap;
    if (atomic_exchange(&failed, 1))
    {
        return;                    /* report the first failure only */
    }
    fputs("echo-load: FAILED: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static inline int hist_index(uint64_t v)
{
    if (v >= (1ull << MAX_VALUE_BITS))
    {
        v = (1ull << MAX_VALUE_BITS) - 1;
    }
    if (v < (1u << SUB_BITS))
    {
        return (int)v;
    }
    const int e = 63 - __builtin_clzll(v) - (SUB_BITS - 1);
    return (e + 1) * HALF + (int)((v >> e) - HALF);
}

/* The highest value that falls into bucket i (as HdrHistogram reports percentiles). */
static uint64_t hist_value(int i)
{
    if (i < (1 << SUB_BITS))
    {
        return (uint64_t)i;
    }
    const int e = i / HALF - 1;
    const uint64_t mantissa = (uint64_t)(i % HALF + HALF);
    return ((mantissa + 1) << e) - 1;
}

static inline void hist_record(struct histogram *h, uint64_t v)
{
    h->counts[hist_index(v)]++;
    h->total++;
    h->sum += v;
    if (v > h->max)
    {
        h->max = v;
    }
}

static uint64_t hist_percentile(const struct histogram *h, double p)
{
    if (0 == h->total)
    {
        return 0;
    }
    uint64_t rank = (uint64_t)(p / 100.0 * (double)h->total + 0.999999);
    if (rank < 1)
    {
        rank = 1;
    }
    uint64_t seen = 0;
    for (int i = 0; i < BUCKETS; i++)
    {
        seen += h->counts[i];
        if (seen >= rank)
        {
            const uint64_t v = hist_value(i);
            return v < h->max ? v : h->max;
        }
    }
    return h->max;
}

static void set_write_interest(struct worker *w, struct conn *c, int on)
{
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    if (0 != epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &ev))
    {
        fail("epoll_ctl on connection %d: %s", c->id, strerror(errno));
    }
    c->write_armed = on;
}

/* Sends as much as the window allows: up to in_flight messages beyond those fully echoed. */
static int pump(struct worker *w, struct conn *c)
{
    const uint64_t size = (uint64_t)opt.size;
    const uint64_t limit = (c->received / size + (uint64_t)opt.in_flight) * size;
    while (c->sent < limit)
    {
        const uint64_t left = limit - c->sent;
        const size_t len = left < MAX_CHUNK ? (size_t)left : MAX_CHUNK;
        const unsigned off = (unsigned)((c->phase + c->sent) % PERIOD);
        const uint64_t now = now_ns();
        const ssize_t n = send(c->fd, pattern + off, len, MSG_NOSIGNAL);
        if (n < 0)
        {
            if (EAGAIN != errno && EWOULDBLOCK != errno && EINTR != errno)
            {
                fail("send on connection %d: %s", c->id, strerror(errno));
                return -1;
            }
        }
        else if (n > 0)
        {
            const uint64_t last = (c->sent + (uint64_t)n - 1) / size;
            for (uint64_t m = (c->sent + size - 1) / size; m <= last; m++)
            {
                c->send_times[m % (uint64_t)opt.in_flight] = now;
            }
            c->sent += (uint64_t)n;
        }
        if (n < (ssize_t)len)
        {
            if (!c->write_armed)
            {
                set_write_interest(w, c, 1);
            }
            return 0;
        }
    }
    if (c->write_armed)
    {
        set_write_interest(w, c, 0);
    }
    return 0;
}

/* Reads what arrived, verifies every byte, records the latency of each message it completes. */
static int receive(struct worker *w, struct conn *c)
{
    const ssize_t n = recv(c->fd, w->recv_buf, MAX_CHUNK, 0);
    if (n <= 0)
    {
        if (0 == n)
        {
            fail("server closed connection %d after %llu bytes", c->id, (unsigned long long)c->received);
            return -1;
        }
        if (EAGAIN == errno || EWOULDBLOCK == errno || EINTR == errno)
        {
            return 0;
        }
        fail("recv on connection %d: %s", c->id, strerror(errno));
        return -1;
    }
    const uint64_t now = now_ns();
    if (c->sent < c->received + (uint64_t)n)
    {
        fail("connection %d received more bytes than it sent (%llu)", c->id, (unsigned long long)c->sent);
        return -1;
    }
    const unsigned off = (unsigned)((c->phase + c->received) % PERIOD);
    if (0 != memcmp(w->recv_buf, pattern + off, (size_t)n))
    {
        ssize_t at = 0;
        while (w->recv_buf[at] == pattern[off + at])
        {
            at++;
        }
        fail("echo mismatch on connection %d at stream offset %llu: got 0x%02x, sent 0x%02x", c->id,
            (unsigned long long)(c->received + (uint64_t)at), w->recv_buf[at], pattern[off + at]);
        return -1;
    }
    const uint64_t size = (uint64_t)opt.size;
    const uint64_t first = c->received / size;
    c->received += (uint64_t)n;
    w->verified += (uint64_t)n;
    const uint64_t done = c->received / size;
    const int in_window = now >= measure_from && now < measure_until;
    for (uint64_t m = first; m < done; m++)
    {
        const uint64_t sent_at = c->send_times[m % (uint64_t)opt.in_flight];
        if (in_window && sent_at >= measure_from)
        {
            hist_record(&w->hist, now - sent_at);
        }
    }
    if (in_window)
    {
        w->messages += done - first;
        w->bytes += (uint64_t)n;
    }
    return done != first ? pump(w, c) : 0;
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    struct epoll_event events[EVENTS];
    for (int i = 0; i < w->nconns && !atomic_load(&failed); i++)
    {
        pump(w, &w->conns[i]);
    }
    while (!atomic_load(&failed))
    {
        const int n = epoll_wait(w->epfd, events, EVENTS, opt.spin ? 0 : 10);
        if (n < 0 && EINTR != errno)
        {
            fail("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++)
        {
            struct conn *c = events[i].data.ptr;
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            {
                if (receive(w, c) < 0)
                {
                    return NULL;
                }
            }
            if (events[i].events & EPOLLOUT)
            {
                if (pump(w, c) < 0)
                {
                    return NULL;
                }
            }
        }
        if (now_ns() >= measure_until)
        {
            break;
        }
    }
    return NULL;
}

static int connect_one(const struct addrinfo *ai, int id)
{
    for (const struct addrinfo *a = ai; NULL != a; a = a->ai_next)
    {
        const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
        {
            continue;
        }
        if (0 == connect(fd, a->ai_addr, a->ai_addrlen))
        {
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            return fd;
        }
        fprintf(stderr, "echo-load: connection %d to %s:%s: %s\n", id, opt.host, opt.port, strerror(errno));
        close(fd);
    }
    return -1;
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: echo-load --port P [--host H] [--connections N] [--size BYTES] [--in-flight W]\n"
        "                 [--threads T] [--warmup SECONDS] [--duration SECONDS] [--spin]\n"
        "  Drives any TCP echo server: N connections, each with W messages of BYTES in flight\n"
        "  (W = 1: ping-pong), every echoed byte verified. Defaults: host 127.0.0.1, 1 connection,\n"
        "  64 B, 1 in flight, 1 thread, 1 s warm-up, 5 s measured; --spin busy-polls epoll.\n"
        "  Prints msgs/s, MB/s and latency percentiles, then a RESULT line; exits 1 on any error or\n"
        "  mismatch.\n");
}

static double number(const char *name, const char *value, double min, double max)
{
    char *end;
    const double v = strtod(value, &end);
    if (end == value || '\0' != *end || v < min || v > max)
    {
        fprintf(stderr, "echo-load: bad %s '%s' (expected %g to %g)\n", name, value, min, max);
        exit(2);
    }
    return v;
}

static void parse(int argc, char **argv)
{
    static const struct option longs[] = {
        {"host", required_argument, NULL, 'h'}, {"port", required_argument, NULL, 'p'},
        {"connections", required_argument, NULL, 'c'}, {"size", required_argument, NULL, 's'},
        {"in-flight", required_argument, NULL, 'w'}, {"threads", required_argument, NULL, 't'},
        {"warmup", required_argument, NULL, 'W'}, {"duration", required_argument, NULL, 'd'},
        {"spin", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
    int ch;
    while (-1 != (ch = getopt_long(argc, argv, "h:p:c:s:w:t:d:", longs, NULL)))
    {
        switch (ch)
        {
            case 'h': opt.host = optarg; break;
            case 'p': opt.port = optarg; break;
            case 'c': opt.connections = (int)number("--connections", optarg, 1, 100000); break;
            case 's': opt.size = (long)number("--size", optarg, 1, MAX_SIZE); break;
            case 'w': opt.in_flight = (int)number("--in-flight", optarg, 1, MAX_IN_FLIGHT); break;
            case 't': opt.threads = (int)number("--threads", optarg, 1, 1024); break;
            case 'W': opt.warmup = number("--warmup", optarg, 0, 3600); break;
            case 'd': opt.duration = number("--duration", optarg, 0.001, 86400); break;
            case 'S': opt.spin = 1; break;
            case 'H': usage(stdout); exit(0);
            default: usage(stderr); exit(2);
        }
    }
    if (NULL == opt.port || optind != argc)
    {
        usage(stderr);
        exit(2);
    }
    if (opt.threads > opt.connections)
    {
        opt.threads = opt.connections;
    }
}

static void make_pattern(void)
{
    pattern = malloc(PERIOD + MAX_CHUNK);
    uint64_t x = 0x6a6576656e74ull;   /* xorshift64 */
    for (unsigned i = 0; i < PERIOD; i++)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        pattern[i] = (unsigned char)(x >> 32);
    }
    for (unsigned i = PERIOD; i < PERIOD + MAX_CHUNK; i++)
    {
        pattern[i] = pattern[i - PERIOD];   /* a view of up to MAX_CHUNK bytes at any phase is contiguous */
    }
}

static void report(struct worker *workers, double seconds)
{
    static struct histogram all;
    uint64_t messages = 0;
    uint64_t bytes = 0;
    uint64_t verified = 0;
    for (int t = 0; t < opt.threads; t++)
    {
        const struct worker *w = &workers[t];
        for (int i = 0; i < BUCKETS; i++)
        {
            all.counts[i] += w->hist.counts[i];
        }
        all.total += w->hist.total;
        all.sum += w->hist.sum;
        all.max = w->hist.max > all.max ? w->hist.max : all.max;
        messages += w->messages;
        bytes += w->bytes;
        verified += w->verified;
    }
    const double mps = (double)messages / seconds;
    const double mbps = (double)bytes / 1e6 / seconds;
    const double pcts[] = {50, 90, 99, 99.9, 99.99};
    double us[5];
    for (int i = 0; i < 5; i++)
    {
        us[i] = (double)hist_percentile(&all, pcts[i]) / 1e3;
    }
    const double max_us = (double)all.max / 1e3;
    const double mean_us = all.total ? (double)all.sum / (double)all.total / 1e3 : 0;
    printf("  %llu messages in %.3f s: %.0f msgs/s, %.2f MB/s echoed (one direction)\n",
        (unsigned long long)messages, seconds, mps, mbps);
    printf("  latency us (%llu samples): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  p99.99 %.1f  max %.1f  "
        "mean %.1f\n", (unsigned long long)all.total, us[0], us[1], us[2], us[3], us[4], max_us, mean_us);
    printf("  %llu echoed bytes verified, no mismatch\n", (unsigned long long)verified);
    printf("RESULT msgs=%llu seconds=%.3f msgs_per_s=%.0f mb_per_s=%.3f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
        "p999_us=%.1f p9999_us=%.1f max_us=%.1f\n", (unsigned long long)messages, seconds, mps, mbps, us[0],
        us[1], us[2], us[3], us[4], max_us);
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    make_pattern();
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai;
    const int gai = getaddrinfo(opt.host, opt.port, &hints, &ai);
    if (0 != gai)
    {
        fprintf(stderr, "echo-load: %s:%s: %s\n", opt.host, opt.port, gai_strerror(gai));
        return 1;
    }
    struct worker *workers = calloc((size_t)opt.threads, sizeof(struct worker));
    struct conn *conns = calloc((size_t)opt.connections, sizeof(struct conn));
    uint64_t *times = calloc((size_t)opt.connections * (size_t)opt.in_flight, sizeof(uint64_t));
    for (int t = 0; t < opt.threads; t++)
    {
        workers[t].index = t;
        workers[t].epfd = epoll_create1(EPOLL_CLOEXEC);
        workers[t].recv_buf = malloc(MAX_CHUNK);
        workers[t].conns = conns + (size_t)opt.connections * (size_t)t / (size_t)opt.threads;
        workers[t].nconns = (int)((size_t)opt.connections * (size_t)(t + 1) / (size_t)opt.threads -
            (size_t)opt.connections * (size_t)t / (size_t)opt.threads);
    }
    for (int t = 0; t < opt.threads; t++)
    {
        for (int i = 0; i < workers[t].nconns; i++)
        {
            struct conn *c = &workers[t].conns[i];
            c->id = (int)(c - conns);
            c->phase = (unsigned)(((uint64_t)c->id * 7919u + 13u) % PERIOD);
            c->send_times = times + (size_t)c->id * (size_t)opt.in_flight;
            c->fd = connect_one(ai, c->id);
            if (c->fd < 0)
            {
                fprintf(stderr, "echo-load: FAILED: cannot connect to %s:%s\n", opt.host, opt.port);
                return 1;
            }
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
            epoll_ctl(workers[t].epfd, EPOLL_CTL_ADD, c->fd, &ev);
        }
    }
    freeaddrinfo(ai);
    printf("echo-load: %s:%s, %d connection(s) x %ld B, %d in flight each, %d thread(s), %.1f s warm-up + "
        "%.1f s measured%s\n", opt.host, opt.port, opt.connections, opt.size, opt.in_flight, opt.threads,
        opt.warmup, opt.duration, opt.spin ? ", busy-polling" : "");
    const uint64_t start = now_ns();
    measure_from = start + (uint64_t)(opt.warmup * 1e9);
    measure_until = measure_from + (uint64_t)(opt.duration * 1e9);
    for (int t = 0; t < opt.threads; t++)
    {
        if (0 != pthread_create(&workers[t].thread, NULL, run_worker, &workers[t]))
        {
            fail("pthread_create: %s", strerror(errno));
            return 1;
        }
    }
    for (int t = 0; t < opt.threads; t++)
    {
        pthread_join(workers[t].thread, NULL);
    }
    for (int i = 0; i < opt.connections; i++)
    {
        close(conns[i].fd);
    }
    if (atomic_load(&failed))
    {
        return 1;
    }
    report(workers, opt.duration);
    uint64_t messages = 0;
    for (int t = 0; t < opt.threads; t++)
    {
        messages += workers[t].messages;
    }
    if (0 == messages)
    {
        fprintf(stderr, "echo-load: FAILED: no message was echoed in the measured interval\n");
        return 1;
    }
    return 0;
}
