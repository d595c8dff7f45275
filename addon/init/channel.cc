#include "channel.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int gFd = -1;

bool writeAll(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

bool readAll(int fd, char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= (size_t)r;
  }
  return true;
}
}  // namespace

void channelInit(int fd) { gFd = fd; }
int channelFd() { return gFd; }

void sendMessage(const std::string &json) {
  if (gFd < 0) return;
  uint32_t n = (uint32_t)json.size();
  char hdr[4] = {(char)(n & 0xff), (char)((n >> 8) & 0xff), (char)((n >> 16) & 0xff), (char)((n >> 24) & 0xff)};
  if (!writeAll(gFd, hdr, 4) || !writeAll(gFd, json.data(), json.size())) _exit(1);
}

Json receiveMessage() {
  unsigned char hdr[4];
  if (!readAll(gFd, (char *)hdr, 4)) _exit(1);
  uint32_t n = hdr[0] | (hdr[1] << 8) | (hdr[2] << 16) | ((uint32_t)hdr[3] << 24);
  std::string body(n, '\0');
  if (n && !readAll(gFd, &body[0], n)) _exit(1);
  std::string err;
  Json msg = Json::parse(body, &err);
  if (!err.empty()) fail("channel", "", EINVAL, "malformed message from runtime: " + err);
  return msg;
}

bool sendFd(int sock, int fd, const std::string &name) {
  struct msghdr msg = {};
  struct iovec iov = {(void *)name.data(), name.size() ? name.size() : 1};
  char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t r;
  do r = sendmsg(sock, &msg, 0); while (r < 0 && errno == EINTR);
  return r >= 0;
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += (char)c;
        }
    }
  }
  return out + "\"";
}

void fail(const std::string &step, const std::string &field, int err, const std::string &detail) {
  sendMessage("{\"type\":\"error\",\"step\":" + jsonString(step) + ",\"field\":" + jsonString(field) +
              ",\"errno\":" + std::to_string(err) + ",\"cause\":" + jsonString(err ? strerror(err) : "") +
              ",\"detail\":" + jsonString(detail) + "}");
  _exit(1);
}
