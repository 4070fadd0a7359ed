// Incremental parsing of Postfix policy requests (see PolicyRequest.hpp).
#include "policyd/PolicyRequest.hpp"

namespace mailgate {

void PolicyRequest::add(std::string_view name, std::string_view value) {
    if (text_.empty()) {
        text_.reserve(1024);
        spans_.reserve(32);
    }
    Span span{};
    span.name_start = static_cast<std::uint32_t>(text_.size());
    span.name_size = static_cast<std::uint32_t>(name.size());
    text_.append(name);
    span.value_start = static_cast<std::uint32_t>(text_.size());
    span.value_size = static_cast<std::uint32_t>(value.size());
    text_.append(value);
    spans_.push_back(span);
}

std::string_view PolicyRequest::get(std::string_view name) const {
    for (const auto& span : spans_) {
        if (view(span.name_start, span.name_size) == name) {
            return view(span.value_start, span.value_size);
        }
    }
    return {};
}

bool PolicyRequest::has(std::string_view name) const {
    for (const auto& span : spans_) {
        if (view(span.name_start, span.name_size) == name) {
            return true;
        }
    }
    return false;
}

Result<void> PolicyRequestParser::acceptLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);  // tolerate CRLF from hand-written clients
    }
    if (line.find('\0') != std::string_view::npos) {
        return makeError("NUL byte in request");
    }
    auto equals = line.find('=');
    if (equals == std::string_view::npos) {
        return makeError("attribute line without '='");
    }
    if (equals == 0) {
        return makeError("attribute with an empty name");
    }
    std::string_view name = line.substr(0, equals);
    for (char c : name) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= ' ' || byte >= 0x7f) {
            return makeError("attribute name with a blank or non-ASCII byte");
        }
    }
    if (current_.has(name)) {
        return makeError("attribute \"" + std::string(name) + "\" sent twice");
    }
    if (++currentCount_ > limits_.max_attributes) {
        return makeError("more than " + std::to_string(limits_.max_attributes) + " attributes");
    }
    current_.add(name, line.substr(equals + 1));
    return {};
}

Result<std::optional<PolicyRequest>> PolicyRequestParser::next() {
    while (true) {
        auto newline = buffer_.find('\n', position_);
        if (newline == std::string::npos) {
            if (buffer_.size() - position_ > limits_.max_line_length) {
                return makeError("line longer than " + std::to_string(limits_.max_line_length) +
                                 " bytes");
            }
            if (currentBytes_ + (buffer_.size() - position_) > limits_.max_request_bytes) {
                return makeError("request larger than " +
                                 std::to_string(limits_.max_request_bytes) + " bytes");
            }
            // Drop consumed bytes so a long-lived connection does not grow its buffer.
            buffer_.erase(0, position_);
            position_ = 0;
            return std::optional<PolicyRequest>();
        }
        std::string_view line(buffer_.data() + position_, newline - position_);
        position_ = newline + 1;
        if (line.size() > limits_.max_line_length) {
            return makeError("line longer than " + std::to_string(limits_.max_line_length) +
                             " bytes");
        }
        currentBytes_ += line.size() + 1;
        if (currentBytes_ > limits_.max_request_bytes) {
            return makeError("request larger than " + std::to_string(limits_.max_request_bytes) +
                             " bytes");
        }
        if (line.empty() || line == "\r") {
            if (currentCount_ == 0) {
                return makeError("empty request");
            }
            PolicyRequest complete = std::move(current_);
            current_ = PolicyRequest();
            currentBytes_ = 0;
            currentCount_ = 0;
            if (complete.get("request") != "smtpd_access_policy") {
                return makeError("request is not request=smtpd_access_policy");
            }
            return std::optional<PolicyRequest>(std::move(complete));
        }
        auto accepted = acceptLine(line);
        if (!accepted) {
            return makeError(accepted.error());
        }
    }
}

}  // namespace mailgate
