// RedisReply: a Redis answer copied out of hiredis into plain values, so no caller ever
// holds a hiredis pointer. An error reply (WRONGTYPE ...) is a reply, not a failure;
// failures to reach Redis are reported by RedisConnection as Result errors instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailgate {

struct RedisReply {
    enum class Type { Nil, String, Status, Integer, Array, Error };
    Type type = Type::Nil;
    std::string text;  // String, Status, Error
    std::int64_t integer = 0;
    std::vector<RedisReply> elements;  // Array

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
};

}  // namespace mailgate
