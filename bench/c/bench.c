/*
 * bench.c - jevent's C equivalent of libevent's classic test/bench.c (Provos, with
 * Libenzi's chained propagation), written from its description in
 * shared/reference/libevent-semantics.md section 3; built against the system libevent 2.1
 * (Debian libevent-dev), with no libevent-internal headers.
 *
 * N AF_UNIX stream socketpairs (left blocking), one persistent EV_READ event per pair on
 * pair[i][0]. Per run (25 runs): re-assign and add every event (untimed), flush with one
 * EVLOOP_ONCE|EVLOOP_NONBLOCK pass, send one byte into A pairs spread evenly, then time only
 *     do event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK); while (count != fired);
 * The callback recv()s one byte and, while writes remain, send()s one byte into the next
 * pair of the ring. Prints one line per run: the timed part in microseconds.
 *
 * Usage: bench [-n pairs] [-a active] [-w writes] [-m method] [-l]
 * Build: gcc -O2 -o bench bench.c -levent_core
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

static long count, fired;
static int writes, failures;
static int *pairs;          /* pairs[2*i] read end (event), pairs[2*i+1] write end */
static int num_pairs, num_active, num_writes;
static struct event *events;
static struct event_base *base;

static void
read_cb(evutil_socket_t fd, short which, void *arg)
{
	intptr_t idx = (intptr_t)arg, next = idx + 1;
	unsigned char ch;
	ssize_t n;

	(void)which;
	n = recv(fd, &ch, sizeof(ch), 0);
	if (n >= 0)
		count += n;
	else
		failures++;
	if (writes) {
		if (next >= num_pairs)
			next -= num_pairs;
		if (send(pairs[2 * next + 1], "e", 1, 0) != 1)
			failures++;
		writes--;
		fired++;
	}
}

static long
run_once(void)
{
	struct timeval ts, te;
	long i, space;
	int xcount = 0;

	/* untimed: (re)assign and add every event */
	for (i = 0; i < num_pairs; i++) {
		if (event_initialized(&events[i]))
			event_del(&events[i]);
		event_assign(&events[i], base, pairs[2 * i], EV_READ | EV_PERSIST,
		    read_cb, (void *)(intptr_t)i);
		event_add(&events[i], NULL);
	}

	/* flush stale readiness */
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);

	fired = 0;
	space = num_pairs / num_active;
	for (i = 0; i < num_active; i++, fired++)
		(void)send(pairs[2 * (i * space) + 1], "e", 1, 0);

	count = 0;
	writes = num_writes;

	gettimeofday(&ts, NULL);
	do {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		xcount++;
	} while (count != fired);
	gettimeofday(&te, NULL);

	if (xcount != count)
		fprintf(stderr, "Xcount: %d, Rcount: %ld\n", xcount, count);

	return (te.tv_sec - ts.tv_sec) * 1000000L + (te.tv_usec - ts.tv_usec);
}

static struct event_base *
make_base(const char *method)
{
	struct event_config *cfg;
	struct event_base *b;
	const char **methods;
	int i;

	if (method == NULL)
		return event_base_new();
	cfg = event_config_new();
	methods = event_get_supported_methods();
	for (i = 0; methods[i] != NULL; ++i)
		if (strcmp(methods[i], method))
			event_config_avoid_method(cfg, methods[i]);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	const char **methods;
	const char *method = NULL;
	int i, c;

	num_pairs = 100;
	num_active = 1;
	num_writes = -1;
	while ((c = getopt(argc, argv, "n:a:w:m:l")) != -1) {
		switch (c) {
		case 'n':
			num_pairs = atoi(optarg);
			break;
		case 'a':
			num_active = atoi(optarg);
			break;
		case 'w':
			num_writes = atoi(optarg);
			break;
		case 'm':
			method = optarg;
			break;
		case 'l':
			methods = event_get_supported_methods();
			printf("Using Libevent %s. Available methods are:\n", event_get_version());
			for (i = 0; methods[i] != NULL; ++i)
				printf("    %s\n", methods[i]);
			exit(0);
		default:
			fprintf(stderr, "Illegal argument \"%c\"\n", c);
			exit(1);
		}
	}
	if (num_writes < 0)
		num_writes = num_pairs;
	if (num_pairs < 1 || num_active < 1) {
		fprintf(stderr, "need -n >= 1 and -a >= 1\n");
		exit(1);
	}

	/* as bench.c: RLIMIT_NOFILE = 2N+50, or give up */
	rl.rlim_cur = rl.rlim_max = (rlim_t)num_pairs * 2 + 50;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("setrlimit");
		exit(1);
	}

	events = calloc(num_pairs, sizeof(struct event));
	pairs = calloc((size_t)num_pairs * 2, sizeof(int));
	if (events == NULL || pairs == NULL) {
		perror("malloc");
		exit(1);
	}

	base = make_base(method);
	if (base == NULL) {
		fprintf(stderr, "cannot create an event base%s%s\n",
		    method ? " with method " : "", method ? method : "");
		exit(1);
	}

	for (i = 0; i < num_pairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, &pairs[2 * i]) == -1) {
			perror("socketpair");
			exit(1);
		}
	}

	for (i = 0; i < 25; i++)
		printf("%ld\n", run_once());
	fflush(stdout);
	if (failures)
		fprintf(stderr, "failures: %d\n", failures);
	exit(0);
}
