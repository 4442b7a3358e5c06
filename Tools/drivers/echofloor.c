// echofloor: the CPU that the least a server can do per echoed message costs
// on this machine: an epoll loop that read()s each message and write()s it
// back over loopback TCP, nothing else. That is the floor under
// `sioload echo` at window 1 for any server (each message wakes the server,
// is read by one read() and answered by one write()); writefloor measures
// only the write half.
//
//   echofloor [CONNS=100] [MSGS=200] [SIZE=40]
//
// One server thread (epoll, level-triggered, one read and one write per
// ready socket) and the client in the main thread (window 1 per
// connection, as sioload echo). Prints the server thread's CPU
// (CLOCK_THREAD_CPUTIME_ID: user + system, kernel delivery of its writes
// included) per message.
// Build: cc -O2 -pthread -o echofloor echofloor.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int server_epoll, stop_fd;
static double server_cpu;

static double thread_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *serve(void *unused) {
  (void)unused;
  static char buf[1 << 16];
  struct epoll_event events[256];
  double start = thread_cpu();
  for (;;) {
    int n = epoll_wait(server_epoll, events, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == stop_fd) {
        server_cpu = thread_cpu() - start;
        return NULL;
      }
      ssize_t r = read(fd, buf, sizeof buf);
      if (r > 0 && write(fd, buf, r) != r) perror("write");
    }
  }
}

int main(int argc, char **argv) {
  int conns = argc > 1 ? atoi(argv[1]) : 100, msgs = argc > 2 ? atoi(argv[2]) : 200;
  int size = argc > 3 ? atoi(argv[3]) : 40;
  if (conns < 1 || msgs < 1 || size < 1 || size > 60000) {
    fprintf(stderr, "usage: %s [CONNS] [MSGS] [SIZE<=60000]\n", argv[0]);
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (bind(listener, (void *)&address, sizeof address) || listen(listener, 4096) ||
      getsockname(listener, (void *)&address, &length)) {
    perror("listen");
    return 1;
  }
  server_epoll = epoll_create1(0);
  int client_epoll = epoll_create1(0);
  int *clients = calloc(conns, sizeof(int)), *left = calloc(conns, sizeof(int)), *pending = calloc(conns, sizeof(int));
  for (int i = 0; i < conns; i++) {
    clients[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(clients[i], (void *)&address, sizeof address)) {
      perror("connect");
      return 1;
    }
    int accepted = accept(listener, NULL, NULL);
    setsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(clients[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event server_event = {.events = EPOLLIN, .data.fd = accepted};
    epoll_ctl(server_epoll, EPOLL_CTL_ADD, accepted, &server_event);
    struct epoll_event client_event = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(client_epoll, EPOLL_CTL_ADD, clients[i], &client_event);
    left[i] = msgs;
  }
  stop_fd = eventfd(0, 0);
  struct epoll_event stop_event = {.events = EPOLLIN, .data.fd = stop_fd};
  epoll_ctl(server_epoll, EPOLL_CTL_ADD, stop_fd, &stop_event);
  pthread_t server;
  pthread_create(&server, NULL, serve, NULL);

  char *message = malloc(size), buf[1 << 16];
  memset(message, 'x', size);
  long outstanding = 0;
  for (int i = 0; i < conns; i++) {
    if (write(clients[i], message, size) != size) perror("write");
    pending[i] = size;
    left[i]--;
    outstanding++;
  }
  struct epoll_event events[256];
  while (outstanding > 0) {
    int n = epoll_wait(client_epoll, events, 256, -1);
    for (int e = 0; e < n; e++) {
      int i = events[e].data.u32;
      ssize_t r = read(clients[i], buf, sizeof buf);
      if (r <= 0) {
        perror("read");
        return 1;
      }
      pending[i] -= r;
      if (pending[i] > 0) continue;  // the rest of this echo is on its way
      outstanding--;
      if (left[i] > 0) {
        if (write(clients[i], message, size) != size) perror("write");
        pending[i] = size;
        left[i]--;
        outstanding++;
      }
    }
  }
  uint64_t stop = 1;
  if (write(stop_fd, &stop, sizeof stop) != sizeof stop) perror("stop");
  pthread_join(server, NULL);
  printf("conns=%d msgs=%d size=%d echo: %.2f us server CPU per message\n", conns, msgs, size,
         server_cpu * 1e6 / ((double)conns * msgs));
  return 0;
}
