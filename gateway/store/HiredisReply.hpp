// What both Redis clients share of the protocol: copying a hiredis reply into a
// RedisReply (so no caller ever holds a hiredis pointer) and encoding a command in RESP.
// Private to gateway/store: nothing outside it includes hiredis.
#pragma once

#include <string>
#include <vector>

#include "gateway/store/RedisReply.hpp"

struct redisReply;

namespace mailgate {

RedisReply copyHiredisReply(const redisReply& reply);
// The command in RESP (an array of bulk strings), ready to write.
std::string encodeRedisCommand(const std::vector<std::string>& arguments);
void appendRedisCommand(std::string& out, const std::vector<std::string>& arguments);
// True for the error Redis answers while it loads its dataset after a restart: the
// server is not usable yet, which every caller treats as "unavailable".
bool isLoadingReply(const RedisReply& reply);

}  // namespace mailgate
