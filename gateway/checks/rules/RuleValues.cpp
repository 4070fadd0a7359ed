// What rules read from a message and the pattern text of a condition (see RuleValues.hpp).
#include "gateway/checks/rules/RuleValues.hpp"

#include <re2/re2.h>

#include <cctype>

#include "gateway/mime/AddressList.hpp"
#include "gateway/mime/EncodedWords.hpp"

namespace mailgate {
namespace {

void addAddressValues(const Message& message, const char* field, std::vector<std::string>& out) {
    for (const auto* header : message.headersNamed(field)) {
        auto parsed = parseAddresses(header->raw_value, AddressSyntax::OptionalAddressList);
        if (!parsed || parsed->empty()) {
            out.push_back(header->value);  // not addresses: the text as a reader sees it
            continue;
        }
        for (const auto& mailbox : *parsed) {
            out.push_back(mailbox.address());
            if (!mailbox.display_name.empty()) {
                out.push_back(decodeEncodedWords(mailbox.display_name));
            }
        }
    }
}

void addHeaderValues(const Message& message, std::string_view field,
                     std::vector<std::string>& out) {
    for (const auto* header : message.headersNamed(field)) {
        out.push_back(header->value);
    }
}

const char* addressField(RuleItem item) {
    switch (item) {
        case RuleItem::From:
            return "From";
        case RuleItem::To:
            return "To";
        case RuleItem::Cc:
            return "Cc";
        case RuleItem::Bcc:
            return "Bcc";
        case RuleItem::Sender:
            return "Sender";
        case RuleItem::ReplyTo:
            return "Reply-To";
        case RuleItem::ErrorsTo:
            return "Errors-To";
        default:
            return nullptr;
    }
}

}  // namespace

std::string ruleBodyText(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        }
        out += text[i];
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) {
        out.pop_back();
    }
    return out;
}

bool sizeConditionHolds(RuleCondition condition, std::uint64_t messageBytes,
                        std::uint64_t kilobytes) {
    std::uint64_t size = messageBytes / 1024;
    switch (condition) {
        case RuleCondition::MoreThan:
            return size > kilobytes;
        case RuleCondition::LessThan:
            return size < kilobytes;
        case RuleCondition::IsNotEqualTo:
            return size != kilobytes;
        default:
            return size == kilobytes;
    }
}

std::string rulePatternText(const RuleConditionDefinition& condition) {
    std::string core =
        condition.regex ? "(?:" + condition.pattern + ")" : re2::RE2::QuoteMeta(condition.pattern);
    std::string flags = condition.case_sensitive ? "" : "(?i)";
    switch (condition.condition) {
        case RuleCondition::IsEqualTo:
        case RuleCondition::IsNotEqualTo:
            return flags + "\\A" + core + "\\z";
        case RuleCondition::StartsWith:
            return flags + "\\A" + core;
        case RuleCondition::EndsWith:
            return flags + core + "\\z";
        default:
            return flags + core;
    }
}

std::vector<std::string> ruleItemValues(RuleItem item, std::string_view header,
                                        const Message& message) {
    std::vector<std::string> values;
    if (const char* field = addressField(item)) {
        addAddressValues(message, field, values);
        return values;
    }
    switch (item) {
        case RuleItem::Received:
            addHeaderValues(message, "Received", values);
            break;
        case RuleItem::Subject:
            addHeaderValues(message, "Subject", values);
            break;
        case RuleItem::MessageId:
            addHeaderValues(message, "Message-ID", values);
            break;
        case RuleItem::Date:
            addHeaderValues(message, "Date", values);
            break;
        case RuleItem::Header:
            addHeaderValues(message, header, values);
            break;
        case RuleItem::Body:
            for (const auto& part : message.parts) {
                if (part.content_type.compare(0, 5, "text/") == 0) {
                    values.push_back(ruleBodyText(part.text));
                }
            }
            break;
        case RuleItem::AttachFileName:
            for (const auto& part : message.parts) {
                if (!part.filename.empty()) {
                    values.push_back(part.filename);
                }
            }
            break;
        case RuleItem::MailFrom:
            if (!message.envelope.sender.empty()) {  // the null sender: does_not_exist
                values.push_back(message.envelope.sender);
            }
            break;
        default:
            break;
    }
    return values;
}

}  // namespace mailgate
