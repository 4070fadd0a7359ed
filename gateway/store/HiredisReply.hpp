// What both Redis clients share of hiredis: copying a hiredis reply into a RedisReply
// (so no caller ever holds a hiredis pointer) and encoding a command in the Redis
// protocol. Private to gateway/store: nothing outside it includes hiredis.
#pragma once

#include <string>
#include <vector>

#include "gateway/store/RedisReply.hpp"

struct redisReply;

namespace mailgate {

RedisReply copyHiredisReply(const redisReply& reply);
// The command in RESP, ready to write; empty when hiredis cannot allocate.
std::string encodeRedisCommand(const std::vector<std::string>& arguments);
// True for the error Redis answers while it loads its dataset after a restart: the
// server is not usable yet, which every caller treats as "unavailable".
bool isLoadingReply(const RedisReply& reply);

}  // namespace mailgate
