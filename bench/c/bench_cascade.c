/*
 * bench_cascade.c - jevent's C equivalent of libevent's test/bench_cascade.c, written from its
 * description in shared/reference/libevent-semantics.md section 3; built against the system
 * libevent 2.1 (Debian libevent-dev) with no libevent-internal headers.
 *
 * Per run (25 runs): create N AF_UNIX stream socketpairs (untimed); then time: add one
 * non-persistent EV_READ event with a 60 s timeout per pair, send one byte into pair 0 and
 * event_dispatch() until nothing is left. Each callback recv()s its byte and send()s one into
 * the next pair (the last forwards nothing), so a run is N sequential hops. Events are
 * deleted and sockets closed after the timer stops. Prints one line per run in microseconds.
 *
 * Like the original it uses the legacy global-base API (event_init, event_set, event_dispatch),
 * which picks the best method (epoll on Linux). Extension: -m METHOD forces a backend through
 * event_config_avoid_method, as bench -m does (then event_assign/event_base_dispatch).
 *
 * Usage: bench_cascade [-n pairs] [-m method]
 * Build: gcc -O2 -o bench_cascade bench_cascade.c -levent_core
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/event_compat.h>

static int fired;
static int failures;
static struct event_base *base;   /* NULL: legacy global base */

static void
read_cb(evutil_socket_t fd, short which, void *arg)
{
	int next_write = (int)(intptr_t)arg;
	char ch;

	(void)which;
	if (recv(fd, &ch, sizeof(ch), 0) != 1)
		failures++;
	if (next_write >= 0 && send(next_write, "e", 1, 0) != 1)
		failures++;
	fired++;
}

static long
run_once(int num_pairs)
{
	struct timeval ts, te, tv_timeout;
	struct event *events;
	int *pairs;
	int i;

	events = calloc(num_pairs, sizeof(struct event));
	pairs = calloc((size_t)num_pairs * 2, sizeof(int));
	if (events == NULL || pairs == NULL) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < num_pairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, &pairs[2 * i]) == -1) {
			perror("socketpair");
			exit(1);
		}
	}

	/* the measurement includes event setup */
	gettimeofday(&ts, NULL);

	timerclear(&tv_timeout);
	tv_timeout.tv_sec = 60;
	for (i = 0; i < num_pairs; i++) {
		int next_write = i < num_pairs - 1 ? pairs[2 * (i + 1) + 1] : -1;
		if (base == NULL)
			event_set(&events[i], pairs[2 * i], EV_READ, read_cb, (void *)(intptr_t)next_write);
		else
			event_assign(&events[i], base, pairs[2 * i], EV_READ, read_cb, (void *)(intptr_t)next_write);
		event_add(&events[i], &tv_timeout);
	}

	fired = 0;
	/* kick everything off with a single write */
	if (send(pairs[1], "e", 1, 0) != 1)
		failures++;
	if (base == NULL)
		event_dispatch();
	else
		event_base_dispatch(base);

	gettimeofday(&te, NULL);

	if (fired != num_pairs)
		fprintf(stderr, "fired %d of %d\n", fired, num_pairs);

	for (i = 0; i < num_pairs; i++) {
		event_del(&events[i]);
		close(pairs[2 * i]);
		close(pairs[2 * i + 1]);
	}
	free(pairs);
	free(events);

	return (te.tv_sec - ts.tv_sec) * 1000000L + (te.tv_usec - ts.tv_usec);
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	const char *method = NULL;
	int i, c, num_pairs = 100;

	while ((c = getopt(argc, argv, "n:m:")) != -1) {
		switch (c) {
		case 'n':
			num_pairs = atoi(optarg);
			break;
		case 'm':
			method = optarg;
			break;
		default:
			fprintf(stderr, "Illegal argument \"%c\"\n", c);
			exit(1);
		}
	}
	if (num_pairs < 1) {
		fprintf(stderr, "need -n >= 1\n");
		exit(1);
	}

	rl.rlim_cur = rl.rlim_max = (rlim_t)num_pairs * 2 + 50;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("setrlimit");
		exit(1);
	}

	if (method == NULL) {
		event_init();
	} else {
		struct event_config *cfg = event_config_new();
		const char **methods = event_get_supported_methods();
		for (i = 0; methods[i] != NULL; ++i)
			if (strcmp(methods[i], method))
				event_config_avoid_method(cfg, methods[i]);
		base = event_base_new_with_config(cfg);
		event_config_free(cfg);
		if (base == NULL) {
			fprintf(stderr, "cannot create an event base with method %s\n", method);
			exit(1);
		}
	}

	for (i = 0; i < 25; i++)
		printf("%ld\n", run_once(num_pairs));
	fflush(stdout);
	if (failures)
		fprintf(stderr, "failures: %d\n", failures);
	exit(0);
}
