// Load driver for Tools/bench-rooms: N raw WebSocket clients speaking just
// enough Engine.IO v4 / Socket.IO v5 to join whiteboard rooms of the huddle
// server, move their cursors at a fixed rate, and acknowledge the deltas.
//
//   rooms-driver HOST PORT CLIENTS RATE_HZ WARMUP_S MEASURE_S MEMBERS_PER_ROOM [ACKS]
//
// ACKS is how deltas are acknowledged: "piggyback" (the default: the newest
// delta tick rides on the next cursor input as its second argument, and a
// separate `delta-ack` goes out only when no input was sent for 4 deltas) or
// "every" (a `delta-ack` event for every delta, the simplest client).
//
// One thread, epoll, non-blocking sockets. After WARMUP_S seconds it counts,
// for MEASURE_S seconds, what arrives: deltas, their changes, their payload
// bytes and their bytes on the wire (WebSocket frames of the Socket.IO text
// header and the binary attachment), and what the same ticks would cost as
// full tables. It prints one JSON object on stdout. Start/stop of the
// measuring window are printed on stderr ("measure-start", "measure-end") so
// the calling script can sample the server at the same moments.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum phase { CONNECTING, UPGRADING, OPEN, JOINING, JOINED, DEAD };
enum pending { NONE, P_SNAPSHOT, P_DELTA, P_OPS, P_OTHER };

typedef struct {
  int fd;
  enum phase phase;
  unsigned char *in;
  size_t in_len, in_cap;
  unsigned char *out;
  size_t out_len, out_cap;
  enum pending pending;
  long pending_ack;
  size_t pending_wire;  // bytes of the text frame announcing the attachment
  double next_send;
  int x, y;
  long newest_tick;   // the newest delta applied
  long acked_tick;    // the newest tick the server was told about
  int deltas_unacked; // deltas since the last acknowledgement
} client;

static struct {
  long deltas, changes, payload, wire, full, errors, ops, joined, dead, sent;
} total, window;
static int measuring;
static int members_per_room = 8;
static int ack_every_delta = 0;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append(client *c, const void *data, size_t n) {
  if (c->out_len + n > c->out_cap) {
    c->out_cap = (c->out_len + n) * 2;
    c->out = realloc(c->out, c->out_cap);
  }
  memcpy(c->out + c->out_len, data, n);
  c->out_len += n;
}

// A masked client frame (the mask key is fixed: valid, and the server
// must unmask anyway).
static void frame(client *c, int opcode, const void *payload, size_t n) {
  unsigned char head[14];
  size_t h = 0;
  static const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  head[h++] = 0x80 | opcode;
  if (n < 126) {
    head[h++] = 0x80 | n;
  } else {
    head[h++] = 0x80 | 126;
    head[h++] = n >> 8;
    head[h++] = n & 0xff;
  }
  memcpy(head + h, mask, 4);
  h += 4;
  append(c, head, h);
  unsigned char buf[512];
  if (n > sizeof buf) abort();  // the driver only sends small frames
  for (size_t i = 0; i < n; i++) buf[i] = ((const unsigned char *)payload)[i] ^ mask[i & 3];
  append(c, buf, n);
}

static void text(client *c, const char *s) { frame(c, 1, s, strlen(s)); }

static void flush(client *c) {
  while (c->out_len > 0) {
    ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN) return;
      c->phase = DEAD;
      total.dead++;
      return;
    }
    memmove(c->out, c->out + w, c->out_len - w);
    c->out_len -= w;
  }
}

static uint64_t varint(const unsigned char **p, const unsigned char *end) {
  uint64_t v = 0;
  int shift = 0;
  while (*p < end) {
    unsigned char b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (b < 0x80) return v;
    shift += 7;
  }
  return v;
}

static int varint_size(uint64_t v) {
  int n = 1;
  while (v >= 0x80) { v >>= 7; n++; }
  return n;
}

// Every counter is kept in total and, inside the measuring window, in window.
#define COUNT(field, amount)              \
  do {                                    \
    total.field += (amount);              \
    if (measuring) window.field += (amount); \
  } while (0)

static void on_delta(client *c, const unsigned char *d, size_t n, size_t wire) {
  const unsigned char *p = d + 1, *end = d + n;
  int format = d[0];
  uint64_t tick = varint(&p, end);
  if (format == 2) varint(&p, end);
  uint64_t changes = varint(&p, end);
  COUNT(deltas, 1);
  COUNT(changes, changes);
  COUNT(payload, n);
  COUNT(wire, wire);
  // The same tick as a full table of every member's cursor (slots < 32:
  // one-byte keys): format, tick, count, members × (key + x + y).
  COUNT(full, 1 + varint_size(tick) + 1 + members_per_room * 5);
  if ((long)tick > c->newest_tick) c->newest_tick = tick;
  if (ack_every_delta || ++c->deltas_unacked >= 4) {
    char ack[64];
    snprintf(ack, sizeof ack, "42/rooms,[\"delta-ack\",%ld]", c->newest_tick);
    text(c, ack);
    c->acked_tick = c->newest_tick;
    c->deltas_unacked = 0;
  }
}

static void on_text(client *c, const char *s, size_t n, size_t wire) {
  if (n == 0) return;
  if (s[0] == '0') { text(c, "40/rooms,"); return; }
  if (s[0] == '2') { text(c, "3"); return; }
  if (s[0] != '4' || n < 2) return;
  if (s[1] == '0' && c->phase == OPEN) {
    c->phase = JOINING;
    text(c, "42/rooms,1[\"join\",{\"kind\":\"whiteboard\"}]");
    return;
  }
  if (s[1] == '6') { c->pending = P_SNAPSHOT; c->pending_wire = wire; return; }  // join answer + snapshot
  if (s[1] == '5') {
    const char *comma = memchr(s, ',', n);
    if (!comma) return;
    long ack = -1;
    const char *q = comma + 1;
    if (*q >= '0' && *q <= '9') ack = strtol(q, (char **)&q, 10);
    c->pending_wire = wire;
    c->pending_ack = ack;
    if (!strncmp(q, "[\"delta\"", 8)) c->pending = P_DELTA;
    else if (!strncmp(q, "[\"ops\"", 6)) c->pending = P_OPS;
    else c->pending = P_OTHER;
    return;
  }
  if (s[1] == '2' && memmem(s, n, "room-error", 10)) COUNT(errors, 1);
  if (s[1] == '3' && c->phase == JOINING && memmem(s, n, "\"error\"", 7)) {
    fprintf(stderr, "join refused: %.*s\n", (int)n, s);
    c->phase = DEAD;
  }
}

static void on_binary(client *c, const unsigned char *d, size_t n, size_t wire) {
  switch (c->pending) {
  case P_SNAPSHOT:
    c->phase = JOINED;
    COUNT(joined, 1);
    break;
  case P_DELTA:
    on_delta(c, d, n, c->pending_wire + wire);
    break;
  case P_OPS: {
    COUNT(ops, 1);
    char ack[48];
    snprintf(ack, sizeof ack, "43/rooms,%ld[]", c->pending_ack);
    text(c, ack);
    break;
  }
  default:
    break;
  }
  c->pending = NONE;
}

static void on_readable(client *c) {
  for (;;) {
    if (c->in_cap - c->in_len < 65536) {
      c->in_cap = c->in_cap * 2 + 65536;
      c->in = realloc(c->in, c->in_cap);
    }
    ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN)) {
      c->phase = DEAD;
      total.dead++;
      return;
    }
    if (r < 0) break;
    c->in_len += r;
  }
  size_t at = 0;
  if (c->phase == UPGRADING) {
    unsigned char *e = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!e) return;
    if (memcmp(c->in, "HTTP/1.1 101", 12) != 0) {
      c->phase = DEAD;
      return;
    }
    at = e + 4 - c->in;
    c->phase = OPEN;
  }
  while (c->in_len - at >= 2) {
    unsigned char *f = c->in + at;
    size_t len = f[1] & 0x7f, h = 2;
    if (len == 126) {
      if (c->in_len - at < 4) break;
      len = (f[2] << 8) | f[3];
      h = 4;
    } else if (len == 127) {
      if (c->in_len - at < 10) break;
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | f[2 + i];
      h = 10;
    }
    if (c->in_len - at < h + len) break;
    int opcode = f[0] & 0x0f;
    if (opcode == 1) on_text(c, (const char *)f + h, len, h + len);
    else if (opcode == 2) on_binary(c, f + h, len, h + len);
    else if (opcode == 8) { c->phase = DEAD; total.dead++; return; }
    at += h + len;
  }
  memmove(c->in, c->in + at, c->in_len - at);
  c->in_len -= at;
}

static void send_cursor(client *c) {
  // A small random walk: the typical cursor move of a few units.
  c->x += (rand() % 21) - 10;
  c->y += (rand() % 21) - 10;
  if (c->x < 0) c->x = 0;
  if (c->x > 4095) c->x = 4095;
  if (c->y < 0) c->y = 0;
  if (c->y > 4095) c->y = 4095;
  unsigned char input[5] = {0x01, c->x & 0xff, c->x >> 8, c->y & 0xff, c->y >> 8};
  if (!ack_every_delta && c->newest_tick > c->acked_tick) {
    char header[96];
    snprintf(header, sizeof header, "451-/rooms,[\"input\",{\"_placeholder\":true,\"num\":0},%ld]", c->newest_tick);
    text(c, header);
    c->acked_tick = c->newest_tick;
    c->deltas_unacked = 0;
  } else {
    text(c, "451-/rooms,[\"input\",{\"_placeholder\":true,\"num\":0}]");
  }
  frame(c, 2, input, 5);
  COUNT(sent, 1);
}

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: %s HOST PORT[,PORT...] CLIENTS RATE_HZ WARMUP_S MEASURE_S MEMBERS_PER_ROOM [piggyback|every]\n"
                    "  (several ports: client i connects to port i mod n, e.g. the nodes of a room cluster)\n", argv[0]);
    return 2;
  }
  const char *host = argv[1];
  int ports[16], count_ports = 0;
  for (char *p = argv[2]; *p && count_ports < 16;) {
    ports[count_ports++] = atoi(p);
    while (*p && *p != ',') p++;
    if (*p == ',') p++;
  }
  int port = ports[0], count_clients = atoi(argv[3]);
  double rate = atof(argv[4]), warmup = atof(argv[5]), measure = atof(argv[6]);
  members_per_room = atoi(argv[7]);
  ack_every_delta = argc > 8 && !strcmp(argv[8], "every");
  double interval = 1.0 / rate;
  client *clients = calloc(count_clients, sizeof(client));
  int ep = epoll_create1(0);
  struct sockaddr_in addrs[16];
  for (int i = 0; i < count_ports; i++) {
    addrs[i] = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(ports[i])};
    inet_pton(AF_INET, host, &addrs[i].sin_addr);
  }
  char request[256];
  snprintf(request, sizeof request,
           "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
           host, port);
  double start = now();
  srand(42);
  // Connect in order, one at a time per loop turn, so that consecutive
  // clients fill one room before the next (join-or-create by kind).
  int connected = 0;
  struct epoll_event events[512];
  double measure_start = 0, measure_end = 0;
  while (1) {
    double t = now();
    int joined_all = total.joined + total.dead >= count_clients;
    if (connected < count_clients && connected <= total.joined + total.dead + 32) {
      client *c = &clients[connected];
      c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      connect(c->fd, (struct sockaddr *)&addrs[connected % count_ports], sizeof addrs[0]);
      c->phase = UPGRADING;
      c->x = rand() % 4096;
      c->y = rand() % 4096;
      c->next_send = t + (connected % 97) * interval / 97.0;
      append(c, request, strlen(request));
      struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
      epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
      connected++;
    }
    if (joined_all && measure_start == 0) {
      measure_start = t + warmup;
      fprintf(stderr, "joined %ld of %d in %.1fs; warming up\n", total.joined, count_clients, t - start);
    }
    if (measure_start > 0 && !measuring && measure_end == 0 && t >= measure_start) {
      measuring = 1;
      fprintf(stderr, "measure-start\n");
      fflush(stderr);
    }
    if (measuring && t >= measure_start + measure) {
      measuring = 0;
      measure_end = t;
      fprintf(stderr, "measure-end\n");
      fflush(stderr);
      break;
    }
    if (t - start > 600) { fprintf(stderr, "gave up\n"); break; }
    int n = epoll_wait(ep, events, 512, 1);
    for (int i = 0; i < n; i++) {
      client *c = events[i].data.ptr;
      if (c->phase == DEAD) continue;
      if (events[i].events & EPOLLIN) on_readable(c);
      if (c->phase != DEAD) flush(c);
    }
    t = now();
    for (int i = 0; i < connected; i++) {
      client *c = &clients[i];
      if (c->phase != JOINED) continue;
      if (t >= c->next_send) {
        send_cursor(c);
        c->next_send += interval;
        if (c->next_send < t) c->next_send = t + interval;  // fell behind: skip, never burst
      }
      if (c->out_len) flush(c);
    }
  }
  double seconds = measure_end > 0 ? measure_end - measure_start : 0;
  printf("{\"clients\": %d, \"joined\": %ld, \"dead\": %ld, \"seconds\": %.3f, "
         "\"deltas\": %ld, \"changes\": %ld, \"payloadBytes\": %ld, \"wireBytes\": %ld, "
         "\"fullTableBytes\": %ld, \"inputsSent\": %ld, \"opsPackets\": %ld, \"roomErrors\": %ld}\n",
         count_clients, total.joined, total.dead, seconds, window.deltas, window.changes, window.payload,
         window.wire, window.full, window.sent, window.ops, window.errors);
  return 0;
}
