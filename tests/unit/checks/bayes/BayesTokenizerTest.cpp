// Unit tests of the statistical filter's features (gateway/checks/bayes/BayesTokenizer).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gateway/checks/bayes/BayesTokenizer.hpp"

namespace mailgate {
namespace {

Message messageWith(std::vector<MessageHeader> headers, std::string text) {
    Message message;
    message.headers = std::move(headers);
    MimePart root;
    root.content_type = "text/plain";
    root.charset = "utf-8";
    root.text = std::move(text);
    message.parts.push_back(root);
    return message;
}

MessageHeader header(std::string name, std::string value) {
    return MessageHeader{name, value, value};
}

bool has(const std::vector<std::string>& features, const std::string& feature) {
    return std::find(features.begin(), features.end(), feature) != features.end();
}

TEST(BayesTokenizer, WordsKeepInnerJoinersAndSkipShortOnes) {
    BayesTokenizerLimits limits;
    auto words = bayesWords("Don't e-mail me at v1.2, OK? 12345 -dash- end.", limits);
    EXPECT_EQ(words, (std::vector<std::string>{"don't", "e-mail", "v1.2", "#num5", "dash", "end"}));
}

TEST(BayesTokenizer, LongRunsAndNumbersBecomeClasses) {
    BayesTokenizerLimits limits;
    EXPECT_EQ(bayesWords(std::string(30, 'a'), limits), std::vector<std::string>{"#long24"});
    EXPECT_EQ(bayesWords(std::string(5000, 'b'), limits), std::vector<std::string>{"#long256"});
    EXPECT_EQ(bayesWords("20261207123456789", limits), std::vector<std::string>{"#num12"});
}

TEST(BayesTokenizer, NonAsciiLettersArePartOfWordsAndOnlyAsciiIsLowerCased) {
    BayesTokenizerLimits limits;
    EXPECT_EQ(bayesWords("GR\xC3\x96\xC3\x9F"
                         "E und Gr\xC3\xB6\xC3\x9F"
                         "e",
                         limits),
              (std::vector<std::string>{"gr\xC3\x96\xC3\x9F"
                                        "e",
                                        "und",
                                        "gr\xC3\xB6\xC3\x9F"
                                        "e"}));
}

TEST(BayesTokenizer, SparsePairsKeepTheirDistance) {
    BayesTokenizerLimits limits;
    limits.word_pairs = true;
    limits.pair_window = 3;
    auto features = bayesFeatures(messageWith({}, "alpha beta gamma delta"), limits);
    EXPECT_TRUE(has(features, "alpha|1|beta"));
    EXPECT_TRUE(has(features, "alpha|2|gamma"));
    EXPECT_FALSE(has(features, "alpha|3|delta"));
    EXPECT_TRUE(has(features, "gamma|1|delta"));
    limits.word_pairs = false;
    features = bayesFeatures(messageWith({}, "alpha beta gamma delta"), limits);
    EXPECT_FALSE(has(features, "alpha|1|beta"));
    EXPECT_TRUE(has(features, "delta"));
}

TEST(BayesTokenizer, SubjectWordsAreTheirOwnFeatures) {
    BayesTokenizerLimits limits;
    limits.word_pairs = true;
    auto features =
        bayesFeatures(messageWith({header("Subject", "Cheap Pills today")}, "pills"), limits);
    EXPECT_TRUE(has(features, "s:cheap"));
    EXPECT_TRUE(has(features, "s:pills"));
    EXPECT_TRUE(has(features, "s:cheap|1|pills"));
    EXPECT_TRUE(has(features, "pills"));
}

TEST(BayesTokenizer, UrlHostsAndTheirBaseDomains) {
    auto features = bayesFeatures(
        messageWith({}, "visit http://Mail.Shop.Example/path?x=1 or www.other.example. now"),
        BayesTokenizerLimits{});
    EXPECT_TRUE(has(features, "u:mail.shop.example"));
    EXPECT_TRUE(has(features, "u:shop.example"));
    EXPECT_TRUE(has(features, "u:www.other.example"));
    EXPECT_TRUE(has(features, "u:other.example"));
}

TEST(BayesTokenizer, BaseDomainsFollowThePublicSuffixList) {
    auto features =
        bayesFeatures(messageWith({}, "see http://www.shop.co.uk/ and http://a.b.c.com/"),
                      BayesTokenizerLimits{});
    EXPECT_TRUE(has(features, "u:shop.co.uk"));
    EXPECT_FALSE(has(features, "u:co.uk"));
    EXPECT_TRUE(has(features, "u:c.com"));
}

TEST(BayesTokenizer, HtmlLinkTargetsGiveUrlHosts) {
    Message message = messageWith({}, "click here");
    message.parts[0].content_type = "text/html";
    message.parts[0].links = {"http://Track.Spam.Example/r?id=1", "mailto:x@y.example",
                              "https://cdn.images.example/a.gif"};
    auto features = bayesFeatures(message, BayesTokenizerLimits{});
    EXPECT_TRUE(has(features, "u:track.spam.example"));
    EXPECT_TRUE(has(features, "u:spam.example"));
    EXPECT_TRUE(has(features, "u:images.example"));
    EXPECT_FALSE(has(features, "u:y.example"));
}

TEST(BayesTokenizer, ChosenHeaderFieldsGiveWordsAndAllGiveTheirNames) {
    Message message =
        messageWith({header("Received", "from relay.sender.example (EHLO x)"),
                     header("X-Mailing-List", "fans@list.example"),
                     header("X-Spam-Status", "Yes, score=9.9"), header("Subject", "Hello there")},
                    "body");
    BayesTokenizerLimits limits;
    auto features = bayesFeatures(message, limits);
    EXPECT_TRUE(has(features, "received:relay.sender.example"));
    EXPECT_TRUE(has(features, "received:ehlo"));
    EXPECT_TRUE(has(features, "hn:x-mailing-list"));
    EXPECT_FALSE(has(features, "x-mailing-list:fans"));  // not a chosen field
    // A filter's own verdict is never learned, and the Subject has its own prefix.
    EXPECT_FALSE(has(features, "hn:x-spam-status"));
    EXPECT_FALSE(has(features, "x-spam-status:yes"));
    EXPECT_FALSE(has(features, "subject:hello"));
    limits.header_words = 2;
    features = bayesFeatures(message, limits);
    EXPECT_TRUE(has(features, "x-mailing-list:fans"));
    EXPECT_FALSE(has(features, "x-spam-status:yes"));
    limits.header_words = 0;
    features = bayesFeatures(message, limits);
    EXPECT_FALSE(has(features, "hn:x-mailing-list"));
    EXPECT_FALSE(has(features, "received:ehlo"));
}

TEST(BayesTokenizer, HeaderFactsNameWhereTheyComeFrom) {
    Message message = messageWith({header("From", "Alice <alice@Mail.Sender.Example>"),
                                   header("Reply-To", "bob@reply.example"),
                                   header("X-Mailer", "Microsoft Outlook Express 6.00.2600"),
                                   header("Received", "from a"), header("Received", "from b")},
                                  "hello there");
    MimePart attachment;
    attachment.content_type = "application/octet-stream";
    attachment.transfer_encoding = "base64";
    attachment.attachment = true;
    attachment.filename = "Invoice.PDF.exe";
    message.parts.push_back(attachment);
    auto features = bayesFeatures(message, BayesTokenizerLimits{});
    for (const char* expected :
         {"f:mail.sender.example", "f:sender.example", "r:reply.example",
          "x:microsoft outlook express", "h:no-message-id", "h:no-to", "h:received2",
          "t:text/plain", "c:utf-8", "t:application/octet-stream", "e:base64", "a:exe"}) {
        EXPECT_TRUE(has(features, expected)) << expected;
    }
}

TEST(BayesTokenizer, FeaturesAreCappedAndUnique) {
    std::string text;
    for (int i = 0; i < 5000; ++i) {
        text += "word" + std::to_string(i % 700) + "x ";
    }
    BayesTokenizerLimits limits;
    limits.max_tokens = 100;
    auto features = bayesFeatures(messageWith({}, text), limits);
    EXPECT_EQ(features.size(), 100u);
    auto sorted = features;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(BayesTokenizer, TenMegabytesOfOneWordReadOnlyTheTextBudget) {
    BayesTokenizerLimits limits;
    auto features = bayesFeatures(messageWith({}, std::string(10 * 1024 * 1024, 'z')), limits);
    EXPECT_TRUE(has(features, "#long256"));
    EXPECT_LT(features.size(), 20u);
}

TEST(BayesTokenizer, BinaryTextGivesBoundedFeatures) {
    std::mt19937 random(7);
    std::string text(1 << 20, '\0');
    for (char& c : text) {
        c = static_cast<char>(random() & 0xff);
    }
    BayesTokenizerLimits limits;
    auto features =
        bayesFeatures(messageWith({header("Subject", text.substr(0, 4000))}, text), limits);
    EXPECT_LE(features.size(), limits.max_tokens);
    EXPECT_FALSE(features.empty());
}

TEST(BayesTokenizer, TokensAreStableHashesSortedAndUnique) {
    EXPECT_EQ(bayesTokenHash(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(bayesTokenHash("a"), 0xaf63dc4c8601ec8cULL);
    auto tokens = bayesTokens(messageWith({header("Subject", "same same")}, "same same"),
                              BayesTokenizerLimits{});
    EXPECT_TRUE(std::is_sorted(tokens.begin(), tokens.end()));
    EXPECT_EQ(std::adjacent_find(tokens.begin(), tokens.end()), tokens.end());
}

}  // namespace
}  // namespace mailgate
