/* The resolver threads: see resolve.h. */
#define _GNU_SOURCE /* EAI_NODATA, EAI_ADDRFAMILY */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp/resolve.h"
#include "lib/text.h"

#define DELIVER_MAX 64 /* results delivered per wake-up of the loop */

#define WSA_NOT_ENOUGH_MEMORY 8
#define WSAEINVAL             10022
#define WSAESOCKTNOSUPPORT    10044
#define WSAEAFNOSUPPORT       10047
#define WSATYPE_NOT_FOUND     10109
#define WSAHOST_NOT_FOUND     11001
#define WSATRY_AGAIN          11002
#define WSANO_RECOVERY        11003
#define WSANO_DATA            11004

enum job_kind { JOB_NAME, JOB_ADDR };
enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct resolve_req {
	struct resolve_req *next, *prev; /* in the queue or the done list */
	struct resolve_pool *pool;
	enum job_kind kind;
	enum job_state state; /* under the pool's lock */
	int cancelled;        /* the loop's: never call fn */
	/* JOB_NAME: the name in, the status and target out; JOB_ADDR: the target in, the name out. */
	char name[NI_MAXHOST];
	struct ping_target target;
	uint32_t status;
	union {
		resolve_name_fn name;
		resolve_addr_fn addr;
	} fn;
	void *arg;
};

struct job_list {
	struct resolve_req *head, *tail;
	unsigned n;
};

struct resolve_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job queued, or stop */
	struct job_list queue, done;
	unsigned queue_max;
	int stop;
	unsigned nthreads, started;
	pthread_t threads[RESOLVE_THREADS_MAX];
	int done_fd; /* signalled when a job is put on done */
	struct loop_fd watch;
};

static void
list_push(struct job_list *l, struct resolve_req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	l->n++;
}

static void
list_unlink(struct job_list *l, struct resolve_req *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	l->n--;
}

static void
list_free(struct job_list *l)
{
	struct resolve_req *r, *next;

	for (r = l->head; r != NULL; r = next) {
		next = r->next;
		free(r);
	}
	*l = (struct job_list){ 0 };
}

static void
signal_done(struct resolve_pool *p)
{
	uint64_t one = 1;

	/* Only EINTR can fail here: the counter never nears its limit. */
	while (write(p->done_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* Under the lock: r has its result. */
static void
job_finish(struct resolve_pool *p, struct resolve_req *r)
{
	r->state = JOB_DONE;
	list_push(&p->done, r);
	signal_done(p);
}

uint32_t
resolve_wsa_status(int gai_err)
{
	switch (gai_err) {
	case 0: return 0;
	case EAI_NONAME: return WSAHOST_NOT_FOUND;
	case EAI_AGAIN: return WSATRY_AGAIN;
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return WSANO_DATA; /* the name exists, without an address of a family we can use */
	case EAI_MEMORY: return WSA_NOT_ENOUGH_MEMORY;
	case EAI_FAMILY: return WSAEAFNOSUPPORT;
	case EAI_SERVICE: return WSATYPE_NOT_FOUND;
	case EAI_SOCKTYPE: return WSAESOCKTNOSUPPORT;
	case EAI_BADFLAGS: return WSAEINVAL;
	default:
		/*
		 * EAI_FAIL, and EAI_SYSTEM (a failure of the system with errno,
		 * say an unreadable nsswitch.conf or no file descriptor left) and
		 * any code a later glibc adds: the lookup failed for a reason that
		 * asking again will not cure, which is WinSock's WSANO_RECOVERY.
		 */
		return WSANO_RECOVERY;
	}
}

static void
lookup_name(struct resolve_req *r)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_RAW, /* one result per address, not one per socket type */
		.ai_flags = AI_ADDRCONFIG,
	};
	struct addrinfo *res = NULL;
	int err = getaddrinfo(r->name, NULL, &hints, &res);

	r->target = (struct ping_target){ .family = AF_UNSPEC };
	if (err == 0 && res->ai_family == AF_INET) {
		r->target.family = AF_INET;
		r->target.a.v4 = ((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	} else if (err == 0 && res->ai_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)res->ai_addr;

		r->target.family = AF_INET6;
		r->target.a.v6 = s6->sin6_addr;
		r->target.scope = s6->sin6_scope_id;
	} else if (err == 0) {
		err = EAI_ADDRFAMILY; /* an NSS module with a family we cannot ping */
	}
	r->status = resolve_wsa_status(err);
	if (res != NULL)
		freeaddrinfo(res);
}

static void
lookup_addr(struct resolve_req *r)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	if (r->target.family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_addr = r->target.a.v4;
		len = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = r->target.a.v6;
		s6->sin6_scope_id = r->target.scope;
		len = sizeof(*s6);
	}
	if (getnameinfo((struct sockaddr *)&ss, len, r->name, sizeof(r->name), NULL, 0,
		NI_NAMEREQD) != 0)
		r->name[0] = '\0';
}

static void *
resolve_thread(void *arg)
{
	struct resolve_pool *p = arg;
	struct resolve_req *r;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->queue.head == NULL)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		r = p->queue.head;
		list_unlink(&p->queue, r);
		r->state = JOB_RUNNING;
		/* The job is this thread's alone until it is on the done list. */
		pthread_mutex_unlock(&p->lock);
		if (r->kind == JOB_NAME)
			lookup_name(r);
		else
			lookup_addr(r);
		pthread_mutex_lock(&p->lock);
		job_finish(p, r);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The loop: deliver what the threads finished, DELIVER_MAX at most. */
static void
resolve_deliver(void *arg)
{
	struct resolve_pool *p = arg;
	struct resolve_req *r;
	uint64_t v;
	unsigned n;

	if (read(p->done_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	for (n = 0; n < DELIVER_MAX; n++) {
		pthread_mutex_lock(&p->lock);
		if ((r = p->done.head) != NULL)
			list_unlink(&p->done, r);
		pthread_mutex_unlock(&p->lock);
		if (r == NULL)
			return;
		if (!r->cancelled && r->kind == JOB_NAME)
			r->fn.name(r->arg, r->status, r->status == 0 ? &r->target : NULL);
		else if (!r->cancelled)
			r->fn.addr(r->arg, r->name);
		free(r);
	}
	pthread_mutex_lock(&p->lock);
	if (p->done.head != NULL)
		signal_done(p); /* the rest at the next wake-up */
	pthread_mutex_unlock(&p->lock);
}

struct resolve_pool *
resolve_pool_new(unsigned threads, unsigned queue_max)
{
	struct resolve_pool *p;

	if (threads < 1 || threads > RESOLVE_THREADS_MAX || queue_max < 1) {
		errno = EINVAL;
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	p->nthreads = threads;
	p->queue_max = queue_max;
	return p;
}

int
resolve_pool_start(struct resolve_pool *p)
{
	sigset_t all, old;
	int err = 0;

	if (loop_fd_add(&p->watch, p->done_fd, resolve_deliver, p) < 0)
		return -1;
	/* Signals are for the loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (p->started < p->nthreads &&
	    (err = pthread_create(&p->threads[p->started], NULL, resolve_thread, p)) == 0)
		p->started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
resolve_pool_free(struct resolve_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	while (p->started > 0)
		pthread_join(p->threads[--p->started], NULL);
	loop_fd_remove(&p->watch);
	list_free(&p->queue);
	list_free(&p->done);
	close(p->done_fd);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/*
 * A name getaddrinfo() could find: no longer than DNS allows (RFC 1035
 * 2.3.4, with the final dot), and printable ASCII without a space.  The DNS
 * backend refuses other bytes (res_hnok()) and /etc/hosts, its fields split
 * at white space, has no such name; WinSock says WSAHOST_NOT_FOUND to both.
 */
static int
name_acceptable(const char *name)
{
	size_t len = name != NULL ? strnlen(name, RESOLVE_NAME_MAX + 1) : 0;

	return text_is_name(name, len, RESOLVE_NAME_MAX);
}

/* Queue r, or put it on the done list straight away when refused (status set). */
static struct resolve_req *
job_submit(struct resolve_pool *p, struct resolve_req *r, int refused)
{
	pthread_mutex_lock(&p->lock);
	if (refused) {
		job_finish(p, r);
	} else if (p->queue.n >= p->queue_max) {
		pthread_mutex_unlock(&p->lock);
		free(r);
		errno = EAGAIN;
		return NULL;
	} else {
		r->state = JOB_QUEUED;
		list_push(&p->queue, r);
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->lock);
	return r;
}

static struct resolve_req *
job_new(struct resolve_pool *p, enum job_kind kind, void *arg)
{
	struct resolve_req *r = calloc(1, sizeof(*r));

	if (r != NULL) {
		r->pool = p;
		r->kind = kind;
		r->arg = arg;
	}
	return r;
}

struct resolve_req *
resolve_name(struct resolve_pool *p, const char *name, resolve_name_fn fn, void *arg)
{
	struct resolve_req *r = job_new(p, JOB_NAME, arg);
	int refused = !name_acceptable(name);

	if (r == NULL)
		return NULL;
	r->fn.name = fn;
	if (refused)
		r->status = WSAHOST_NOT_FOUND;
	else
		memcpy(r->name, name, strlen(name) + 1);
	return job_submit(p, r, refused);
}

struct resolve_req *
resolve_addr(struct resolve_pool *p, const struct ping_target *t, resolve_addr_fn fn, void *arg)
{
	struct resolve_req *r = job_new(p, JOB_ADDR, arg);
	int refused = t->family != AF_INET && t->family != AF_INET6;

	if (r == NULL)
		return NULL;
	r->fn.addr = fn;
	r->target = *t;
	return job_submit(p, r, refused); /* no address: no name ("") */
}

void
resolve_cancel(struct resolve_req *r)
{
	struct resolve_pool *p = r->pool;

	pthread_mutex_lock(&p->lock);
	if (r->state == JOB_QUEUED) {
		list_unlink(&p->queue, r);
		free(r);
	} else {
		r->cancelled = 1; /* running, or done: resolve_deliver() frees it */
	}
	pthread_mutex_unlock(&p->lock);
}
