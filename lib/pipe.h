/*
 * pipe.h - a bounded queue of buffers from one thread to another.
 *
 * Contract:
 *  - A pipe passes a fixed set of buffers (the caller's, at least two) round
 *    and round: the producer takes a free buffer with crm_pipe_get(), fills
 *    it and hands it on with crm_pipe_put(); the consumer takes the filled
 *    ones with crm_pipe_take(), in the order they were put, and returns each
 *    with crm_pipe_give().  Both wait when the other side is behind, so the
 *    memory in flight is the buffers' and never grows.
 *  - crm_pipe_end(), from the producer: nothing more will be put; once the
 *    consumer has taken the rest, crm_pipe_take() returns NULL.
 *  - crm_pipe_cancel(), from either side: the traffic stops at once.  Every
 *    wait returns, crm_pipe_get() and crm_pipe_take() return NULL from then
 *    on, crm_pipe_cancelled() is true, and the descriptor crm_pipe_cancel_fd()
 *    becomes readable, so that a producer blocked on its own input (a pipe,
 *    a terminal) can poll() for it too.
 *  - One producer thread and one consumer thread.  crm_pipe_close() frees the
 *    pipe once neither uses it any more; the buffers stay the caller's.
 */
#ifndef CRM_PIPE_H
#define CRM_PIPE_H

struct crm_pipe;

/* A pipe for n buffers, all free; NULL (errno set) when it cannot be made. */
struct crm_pipe *crm_pipe_open(void *const *bufs, int n);
void crm_pipe_close(struct crm_pipe *p);

/* Producer: a free buffer, waiting for one; NULL once cancelled. */
void *crm_pipe_get(struct crm_pipe *p);
/* Producer: pass a buffer from crm_pipe_get() on. */
void crm_pipe_put(struct crm_pipe *p, void *buf);
/* Producer: no more buffers will come. */
void crm_pipe_end(struct crm_pipe *p);

/* Consumer: the next filled buffer, waiting for it; NULL at the end or once
 * cancelled. */
void *crm_pipe_take(struct crm_pipe *p);
/* Consumer: a buffer from crm_pipe_take() may be filled again. */
void crm_pipe_give(struct crm_pipe *p, void *buf);

void crm_pipe_cancel(struct crm_pipe *p);
int crm_pipe_cancelled(struct crm_pipe *p);
int crm_pipe_cancel_fd(const struct crm_pipe *p);

#endif
