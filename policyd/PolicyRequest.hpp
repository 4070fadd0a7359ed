// PolicyRequest and PolicyRequestParser: the Postfix SMTP access policy protocol's
// request (name=value lines ended by an empty line, see SMTPD_POLICY_README), read
// incrementally from a byte stream with hard limits on line length, attribute count and
// request size. The parser only splits and checks; it does not decide anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/util/Result.hpp"

namespace mailgate {

class PolicyRequest {
  public:
    // Names and values are kept back to back in one buffer: a request costs two
    // allocations however many attributes Postfix sends.
    void add(std::string_view name, std::string_view value);
    // The attribute's value, or "" when Postfix did not send it (the protocol's own meaning
    // of an empty value).
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    std::size_t size() const { return spans_.size(); }

    std::string_view protocolState() const { return get("protocol_state"); }
    std::string_view queueId() const { return get("queue_id"); }

  private:
    struct Span {
        std::uint32_t name_start, name_size, value_start, value_size;
    };
    std::string_view view(std::uint32_t start, std::uint32_t size) const {
        return std::string_view(text_).substr(start, size);
    }

    std::string text_;
    std::vector<Span> spans_;
};

struct PolicyRequestLimits {
    std::size_t max_line_length = 4096;
    std::size_t max_attributes = 128;
    std::size_t max_request_bytes = 65536;
};

class PolicyRequestParser {
  public:
    explicit PolicyRequestParser(PolicyRequestLimits limits) : limits_(limits) {}

    // Appends bytes read from the client.
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next complete request, nothing when more bytes are needed, or an error when the
    // input breaks the protocol or a limit (the connection must then be closed).
    Result<std::optional<PolicyRequest>> next();
    // Bytes received but not yet part of a complete request.
    std::size_t pendingBytes() const { return buffer_.size() - position_; }

  private:
    Result<void> acceptLine(std::string_view line);

    PolicyRequestLimits limits_;
    std::string buffer_;
    std::size_t position_ = 0;
    PolicyRequest current_;
    std::size_t currentBytes_ = 0;
    std::size_t currentCount_ = 0;
};

}  // namespace mailgate
