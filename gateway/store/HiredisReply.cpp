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

std::string encodeRedisCommand(const std::vector<std::string>& arguments) {
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    pointers.reserve(arguments.size());
    lengths.reserve(arguments.size());
    for (const auto& argument : arguments) {
        pointers.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    char* encoded = nullptr;
    int length = redisFormatCommandArgv(&encoded, static_cast<int>(arguments.size()),
                                        pointers.data(), lengths.data());
    if (length < 0 || encoded == nullptr) {
        return {};
    }
    std::string text(encoded, static_cast<std::size_t>(length));
    redisFreeCommand(encoded);
    return text;
}

bool isLoadingReply(const RedisReply& reply) {
    return reply.isError() && reply.text.compare(0, 7, "LOADING") == 0;
}

}  // namespace mailgate
