// releasedCopy: the bytes a release sends, made from the message as the quarantine holds
// it: the header fields a delivery adds and the receiving server must add again
// (Return-Path, Delivered-To) are taken out, and one X-Mailgate-Released field at the top
// says when, by whom and which quarantine entry; everything else is byte for byte the
// original (line endings too: the SMTP client turns them into CRLF on the wire).
// Pure text work: no SMTP, no spool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailgate {

std::string releasedCopy(std::string_view message, std::string_view releasedBy,
                         std::int64_t releasedAt, std::string_view mailgateId);

// The header field added, without its line end (for tests and docs).
std::string releasedField(std::string_view releasedBy, std::int64_t releasedAt,
                          std::string_view mailgateId);

}  // namespace mailgate
