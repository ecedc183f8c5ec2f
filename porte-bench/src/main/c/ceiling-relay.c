/*
 * The bulk-throughput ceiling of a userspace TCP relay on this machine, for
 * run-gateway-bench.sh part (c): how close to direct any relay can come, so that porte's
 * figure is read against what is possible here and not only against direct.
 *
 * It is the simplest fast design there is for one stream: a thread per direction, each blocking
 * in read() then write() of up to 512 KiB (porte's largest read), or, with "splice", moving the
 * bytes socket -> pipe -> socket inside the kernel without copying them to userspace. No policy,
 * no accounting, no event loop: only the transfer.
 *
 *   ceiling-relay LISTEN_PORT BACKEND_PORT copy|splice
 *
 * Listens on 127.0.0.1 only and dials 127.0.0.1 only: it is a benchmark reference, not a tool.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { CHUNK = 512 * 1024, PIPE_BYTES = 1024 * 1024 };

static int backend_port;
static int use_splice;

struct direction {
  int from;
  int to;
};

/* Moves bytes until `from` ends or fails, then passes the end on as a half-close. */
static void *pump(void *arg) {
  struct direction *d = arg;
  if (use_splice) {
    int pipefd[2];
    if (pipe(pipefd) != 0) {
      perror("ceiling-relay: pipe");
      goto done;
    }
    /* The default pipe holds 64 KiB, which caps each splice at 16 pages. */
    fcntl(pipefd[1], F_SETPIPE_SZ, PIPE_BYTES);
    for (;;) {
      ssize_t in = splice(d->from, NULL, pipefd[1], NULL, PIPE_BYTES, SPLICE_F_MOVE);
      if (in <= 0) break;
      while (in > 0) {
        ssize_t out = splice(pipefd[0], NULL, d->to, NULL, (size_t)in, SPLICE_F_MOVE);
        if (out <= 0) goto closepipe;
        in -= out;
      }
    }
  closepipe:
    close(pipefd[0]);
    close(pipefd[1]);
  } else {
    char *buf = malloc(CHUNK);
    if (buf == NULL) goto done;
    for (;;) {
      ssize_t in = read(d->from, buf, CHUNK);
      if (in <= 0) break;
      for (char *p = buf; in > 0;) {
        ssize_t out = write(d->to, p, (size_t)in);
        if (out <= 0) goto freebuf;
        p += out;
        in -= out;
      }
    }
  freebuf:
    free(buf);
  }
done:
  shutdown(d->to, SHUT_WR);
  return NULL;
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* One client: dial the backend, pump both ways, close both once both directions ended. */
static void *serve(void *arg) {
  int client = (int)(long)arg;
  int backend = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = loopback(backend_port);
  if (backend < 0 || connect(backend, (struct sockaddr *)&to, sizeof to) != 0) {
    perror("ceiling-relay: connect");
  } else {
    struct direction up = {client, backend}, down = {backend, client};
    pthread_t t;
    if (pthread_create(&t, NULL, pump, &down) == 0) {
      pump(&up);
      pthread_join(t, NULL);
    }
  }
  if (backend >= 0) close(backend);
  close(client);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[3], "copy") != 0 && strcmp(argv[3], "splice") != 0)) {
    fprintf(stderr, "usage: ceiling-relay LISTEN_PORT BACKEND_PORT copy|splice\n");
    return 2;
  }
  int port = atoi(argv[1]);
  backend_port = atoi(argv[2]);
  use_splice = strcmp(argv[3], "splice") == 0;
  if (port < 1 || port > 65535 || backend_port < 1 || backend_port > 65535) {
    fprintf(stderr, "ceiling-relay: ports must be 1-65535\n");
    return 2;
  }
  /* A peer that closes first must end its connection's threads, not the process. */
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in at = loopback(port);
  if (listener < 0 || bind(listener, (struct sockaddr *)&at, sizeof at) != 0 || listen(listener, 128) != 0) {
    perror("ceiling-relay: listen");
    return 1;
  }
  for (;;) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) {
      if (errno == EINTR) continue;
      perror("ceiling-relay: accept");
      continue;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, serve, (void *)(long)client) != 0) {
      close(client);
      continue;
    }
    pthread_detach(t);
  }
}
