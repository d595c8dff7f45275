// The sync channel between the runtime (TypeScript) and the init helper: a stream socket
// carrying frames of a 4-byte little-endian length followed by JSON text, both ways.
#pragma once
#include <string>

#include "json.h"

void channelInit(int fd);
int channelFd();
void sendMessage(const std::string &json);
// Blocks for the next frame; a closed channel means the runtime is gone, so the helper exits.
Json receiveMessage();
// Sends one fd with SCM_RIGHTS and a short name as payload (how runc hands over a pty master).
bool sendFd(int sock, int fd, const std::string &name);

std::string jsonString(const std::string &s);

// Reports a structured failure to the runtime, which turns it into a message naming the
// config field, then exits. `field` is the config path the failing step came from.
[[noreturn]] void fail(const std::string &step, const std::string &field, int err, const std::string &detail = "");
