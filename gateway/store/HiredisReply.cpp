// Copying hiredis replies and encoding commands (see HiredisReply.hpp).
#include "gateway/store/HiredisReply.hpp"

#include <hiredis/hiredis.h>

namespace mailgate {

RedisReply copyHiredisReply(const redisReply& reply) {
    RedisReply copy;
    switch (reply.type) {
        case REDIS_REPLY_STRING:
            copy.type = RedisReply::Type::String;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_STATUS:
            copy.type = RedisReply::Type::Status;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_ERROR:
            copy.type = RedisReply::Type::Error;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_INTEGER:
            copy.type = RedisReply::Type::Integer;
            copy.integer = reply.integer;
            break;
        case REDIS_REPLY_ARRAY:
            copy.type = RedisReply::Type::Array;
            copy.elements.reserve(reply.elements);
            for (std::size_t i = 0; i < reply.elements; ++i) {
                copy.elements.push_back(copyHiredisReply(*reply.element[i]));
            }
            break;
        default:
            copy.type = RedisReply::Type::Nil;
    }
    return copy;
}

// RESP, written here rather than with redisFormatCommandArgv, which formats every length
// with sprintf: the greylisting hot path sends one command per policy request.
void appendRedisCommand(std::string& out, const std::vector<std::string>& arguments) {
    out += '*';
    out += std::to_string(arguments.size());
    out += "\r\n";
    for (const auto& argument : arguments) {
        out += '$';
        out += std::to_string(argument.size());
        out += "\r\n";
        out += argument;
        out += "\r\n";
    }
}

std::string encodeRedisCommand(const std::vector<std::string>& arguments) {
    std::string out;
    appendRedisCommand(out, arguments);
    return out;
}

bool isLoadingReply(const RedisReply& reply) {
    return reply.isError() && reply.text.compare(0, 7, "LOADING") == 0;
}

}  // namespace mailgate
