/*
 * pipe.c - a bounded queue of buffers between two threads; see pipe.h.
 *
 * Two rings under one mutex: the free buffers and the filled ones.  The
 * cancel flag is also an atomic, read without the lock on every row by a
 * producer that wants to stop early, and a byte in a pipe(2), for a
 * producer that waits in poll() on its input rather than on our condvars.
 */
#include "pipe.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct ring {
	void **buf;
	int head, count;
};

struct crm_pipe {
	pthread_mutex_t mu;
	pthread_cond_t room;     /* a free buffer, or cancelled */
	pthread_cond_t ready;    /* a filled buffer, the end, or cancelled */
	struct ring free, full;
	int n, ended;
	atomic_int cancelled;
	int wake[2];             /* readable once cancelled */
};

static void ring_push(struct ring *r, int n, void *b)
{
	r->buf[(r->head + r->count++) % n] = b;
}

static void *ring_pop(struct ring *r, int n)
{
	void *b = r->buf[r->head];
	r->head = (r->head + 1) % n;
	r->count--;
	return b;
}

struct crm_pipe *crm_pipe_open(void *const *bufs, int n)
{
	struct crm_pipe *p = crm_xcalloc(1, sizeof *p);
	int i;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->room, NULL);
	pthread_cond_init(&p->ready, NULL);
	atomic_init(&p->cancelled, 0);
	p->n = n;
	p->free.buf = crm_xcalloc((size_t)n, sizeof *p->free.buf);
	p->full.buf = crm_xcalloc((size_t)n, sizeof *p->full.buf);
	p->wake[0] = p->wake[1] = -1;
	if (pipe2(p->wake, O_CLOEXEC) != 0) {
		int err = errno;
		crm_pipe_close(p);
		errno = err;
		return NULL;
	}
	for (i = 0; i < n; i++)
		ring_push(&p->free, n, bufs[i]);
	return p;
}

void crm_pipe_close(struct crm_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->ready);
	if (p->wake[0] >= 0) {
		close(p->wake[0]);
		close(p->wake[1]);
	}
	free(p->free.buf);
	free(p->full.buf);
	free(p);
}

/* A buffer from ring r, waiting on `nonempty` while there is none (and,
 * with `ended`, the producer has not ended); NULL once cancelled. */
static void *wait_pop(struct crm_pipe *p, struct ring *r, pthread_cond_t *nonempty,
		      const int *ended)
{
	void *b = NULL;
	pthread_mutex_lock(&p->mu);
	while (!r->count && !(ended && *ended) && !crm_pipe_cancelled(p))
		pthread_cond_wait(nonempty, &p->mu);
	if (r->count && !crm_pipe_cancelled(p))
		b = ring_pop(r, p->n);
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void push_signal(struct crm_pipe *p, struct ring *r, pthread_cond_t *nonempty, void *buf)
{
	pthread_mutex_lock(&p->mu);
	ring_push(r, p->n, buf);
	pthread_cond_signal(nonempty);
	pthread_mutex_unlock(&p->mu);
}

void *crm_pipe_get(struct crm_pipe *p)
{
	return wait_pop(p, &p->free, &p->room, NULL);
}

void crm_pipe_put(struct crm_pipe *p, void *buf)
{
	push_signal(p, &p->full, &p->ready, buf);
}

void crm_pipe_end(struct crm_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->ended = 1;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->mu);
}

void *crm_pipe_take(struct crm_pipe *p)
{
	return wait_pop(p, &p->full, &p->ready, &p->ended);
}

void crm_pipe_give(struct crm_pipe *p, void *buf)
{
	push_signal(p, &p->free, &p->room, buf);
}

void crm_pipe_cancel(struct crm_pipe *p)
{
	ssize_t w;
	pthread_mutex_lock(&p->mu);
	if (!crm_pipe_cancelled(p)) {
		atomic_store_explicit(&p->cancelled, 1, memory_order_release);
		do
			w = write(p->wake[1], "", 1);
		while (w < 0 && errno == EINTR);
	}
	pthread_cond_broadcast(&p->room);
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->mu);
}

int crm_pipe_cancelled(struct crm_pipe *p)
{
	return atomic_load_explicit(&p->cancelled, memory_order_acquire);
}

int crm_pipe_cancel_fd(const struct crm_pipe *p)
{
	return p->wake[0];
}
