// Unit tests of the phrase filter (gateway/checks/phrases): the phrase file reader's
// validation at FILE:LINE, the patterns it makes (word boundaries, blanks, Unicode case
// folding), the matcher's one pass (each phrase once, Subject or body scope, hostile and
// large text), and the check's symbols with their reasons. The shipped default list is
// read too, so it cannot ship broken.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/checks/phrases/PhraseCheck.hpp"
#include "gateway/checks/phrases/PhraseFile.hpp"
#include "gateway/checks/phrases/PhraseMatcher.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {
namespace {

struct Read {
    PhraseFile file;
    std::vector<ConfigProblem> problems;
};

Read read(const std::string& text) {
    Read result;
    std::vector<std::string> symbols;
    result.file =
        readPhraseText("/etc/mailgate/phrases.d/10-test.toml", text, symbols, result.problems);
    return result;
}

std::string problemsOf(const Read& result) {
    std::string text;
    for (const auto& problem : result.problems) {
        text += problem.file + ":" + std::to_string(problem.line) + ": " + problem.message + "\n";
    }
    return text;
}

std::vector<std::string> found(const std::string& file, std::string_view text,
                               bool subject = false) {
    auto result = read(file);
    EXPECT_TRUE(result.problems.empty()) << problemsOf(result);
    PhraseMatcher matcher({result.file});
    std::vector<std::string> symbols;
    for (const auto& hit : matcher.matchText(text, subject).hits) {
        symbols.push_back(hit.phrase->symbol);
    }
    return symbols;
}

using Symbols = std::vector<std::string>;

// The repository root: MAILGATE_SOURCE_DIR (ctest sets it), else three levels above this
// executable (build-test/bin/mailgate_unit_tests).
std::filesystem::path sourceDirectory() {
    if (const char* fromEnvironment = std::getenv("MAILGATE_SOURCE_DIR")) {
        return fromEnvironment;
    }
    return std::filesystem::read_symlink("/proc/self/exe")
        .parent_path()
        .parent_path()
        .parent_path();
}

TEST(PhraseFile, ReadsEntries) {
    auto result = read(
        "[[phrase]]\ntext = \"work from home\"\nweight = 1.5\n"
        "[[phrase]]\nname = \"act now\"\npattern = '''act\\s+now'''\nwhere = \"subject\"\n"
        "comment = \"pressure\"\n");
    ASSERT_TRUE(result.problems.empty()) << problemsOf(result);
    ASSERT_EQ(result.file.phrases.size(), 2u);
    EXPECT_EQ(result.file.phrases[0].symbol, "PHRASE_WORK_FROM_HOME");
    EXPECT_DOUBLE_EQ(result.file.phrases[0].weight, 1.5);
    EXPECT_EQ(result.file.phrases[0].scope, PhraseScope::Both);
    EXPECT_EQ(result.file.phrases[0].line, 1);
    EXPECT_EQ(result.file.phrases[1].symbol, "PHRASE_ACT_NOW");
    EXPECT_EQ(result.file.phrases[1].scope, PhraseScope::Subject);
    EXPECT_EQ(result.file.phrases[1].line, 4);
}

TEST(PhraseFile, ProblemsAtFileAndLine) {
    auto result = read(
        "[[phrase]]\ntext = \"ok\"\n"                            // 1
        "[[phrase]]\npattern = '''(unclosed'''\nname = \"x\"\n"  // 3: RE2 refuses
        "[[phrase]]\ntext = \"a\"\npattern = \"b\"\n"            // 6: both
        "[[phrase]]\nweight = 1\n"                               // 9: neither
        "[[phrase]]\ntext = \"y\"\nweight = \"high\"\n"          // 11: weight not a number
        "[[phrase]]\ntext = \"z\"\nwhere = \"everywhere\"\n"     // 14: where
        "[[phrase]]\ntext = \"OK\"\n"                            // 17: symbol twice
        "[[phrase]]\npattern = \"abc\"\n"                        // 19: pattern without name
        "[[phrase]]\ntext = \"w\"\ncolour = \"red\"\n"           // 21: unknown key
        "[[phrase]]\ntext = \"!!!\"\n"                           // 24: no letters for a symbol
        "[[phrase]]\ntext = \"huge\"\nweight = 1e9\n");          // 26: weight out of range
    std::string all = problemsOf(result);
    for (const char* expected :
         {"10-test.toml:3: invalid regular expression", "10-test.toml:6: a phrase has either",
          "10-test.toml:9: a phrase has either", "10-test.toml:13: expected a number",
          "10-test.toml:16: \"everywhere\" is not one of", "10-test.toml:17: symbol PHRASE_OK",
          "10-test.toml:19: a pattern needs a name", "10-test.toml:23: unknown key",
          "10-test.toml:24: the name gives no symbol", "10-test.toml:28: expected a number"}) {
        EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
    }
    ASSERT_EQ(result.file.phrases.size(), 1u);  // only the first entry survives
    EXPECT_EQ(result.file.phrases[0].symbol, "PHRASE_OK");
}

TEST(PhraseFile, BrokenTomlAndWrongShapes) {
    EXPECT_NE(problemsOf(read("[[phrase]\ntext = \"a\"\n")).find(":1: "), std::string::npos);
    EXPECT_NE(problemsOf(read("phrase = \"a\"\n")).find("[[phrase]] tables"), std::string::npos);
    EXPECT_NE(problemsOf(read("[other]\na = 1\n")).find("unknown key"), std::string::npos);
    EXPECT_NE(problemsOf(read("[[phrase]]\ntext = \"" + std::string(2000, 'a') + "\"\n"))
                  .find("longer than"),
              std::string::npos);
    EXPECT_TRUE(read("").problems.empty());
}

TEST(PhraseFile, MissingDirectoryIsAProblemOnlyWhenNamed) {
    std::vector<ConfigProblem> problems;
    EXPECT_TRUE(loadPhraseFiles("/nonexistent/phrases.d", false, problems).empty());
    EXPECT_TRUE(problems.empty());
    loadPhraseFiles("/nonexistent/phrases.d", true, problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].message.find("does not exist"), std::string::npos);
}

TEST(PhraseFile, TheShippedDefaultListLoads) {
    std::vector<ConfigProblem> problems;
    auto files = loadPhraseFiles(sourceDirectory() / "config/phrases.d", true, problems);
    ASSERT_TRUE(problems.empty()) << problems.front().file << ":" << problems.front().line << ": "
                                  << problems.front().message;
    ASSERT_FALSE(files.empty());
    EXPECT_GE(files[0].phrases.size(), 40u);
    PhraseMatcher matcher(files);
    EXPECT_EQ(matcher.size(), files[0].phrases.size());
}

TEST(PhraseMatcher, WordBoundariesBlanksAndCase) {
    const std::string file = "[[phrase]]\ntext = \"work from home\"\n[[phrase]]\ntext = \"free\"\n";
    EXPECT_EQ(found(file, "You can WORK  from\n\thome."), Symbols{"PHRASE_WORK_FROM_HOME"});
    EXPECT_EQ(found(file, "free"), Symbols{"PHRASE_FREE"});
    EXPECT_EQ(found(file, "(Free)"), Symbols{"PHRASE_FREE"});
    EXPECT_TRUE(found(file, "freedom and carefree hours").empty());
    EXPECT_TRUE(found(file, "homework from homeowners").empty());
    EXPECT_TRUE(found(file, "free_text").empty());  // "_" joins words, as in identifiers
}

TEST(PhraseMatcher, UnicodeLettersAreWordsAndFoldCase) {
    const std::string file = "[[phrase]]\ntext = \"café\"\n[[phrase]]\ntext = \"straße\"\n";
    EXPECT_EQ(found(file, "Un CAFÉ, s'il vous plaît"), Symbols{"PHRASE_CAF__"});
    EXPECT_TRUE(found(file, "cafés").empty());
    EXPECT_TRUE(found(file, "écafé").empty());
    EXPECT_EQ(found(file, "Hauptstraße 5"), Symbols{});  // "Haupt" joins it: one word
    EXPECT_EQ(found(file, "die STRASSE? nein: die Straße."), Symbols{"PHRASE_STRA__E"});
}

TEST(PhraseMatcher, PatternsAreCaseInsensitiveAndBounded) {
    const std::string file = "[[phrase]]\nname = \"money\"\npattern = '''\\$[0-9]+ a day'''\n";
    EXPECT_EQ(found(file, "Earn $500 A DAY!"), Symbols{"PHRASE_MONEY"});
    EXPECT_TRUE(found(file, "x$500 a days").empty());
}

TEST(PhraseMatcher, ScopeAndEachPhraseOnce) {
    const std::string file =
        "[[phrase]]\ntext = \"alpha\"\nwhere = \"subject\"\n"
        "[[phrase]]\ntext = \"beta\"\nwhere = \"body\"\n"
        "[[phrase]]\ntext = \"gamma\"\n";
    EXPECT_EQ(found(file, "alpha beta gamma", true), (Symbols{"PHRASE_ALPHA", "PHRASE_GAMMA"}));
    EXPECT_EQ(found(file, "alpha beta gamma gamma", false),
              (Symbols{"PHRASE_BETA", "PHRASE_GAMMA"}));

    auto result = read(file);
    PhraseMatcher matcher({result.file});
    auto message =
        MimeParser(MimeLimits{})
            .parse(
                "Subject: gamma alpha\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                "--b\r\nContent-Type: text/plain\r\n\r\ngamma beta\r\n"
                "--b\r\nContent-Type: text/html\r\n\r\n<p>gamma <b>beta</b></p>\r\n--b--\r\n",
                {});
    auto matches = matcher.match(message);
    ASSERT_EQ(matches.hits.size(), 3u);
    EXPECT_EQ(matches.hits[0].phrase->symbol, "PHRASE_ALPHA");
    EXPECT_TRUE(matches.hits[0].in_subject);
    EXPECT_EQ(matches.hits[1].phrase->symbol, "PHRASE_BETA");
    EXPECT_EQ(matches.hits[2].phrase->symbol, "PHRASE_GAMMA");
    EXPECT_TRUE(matches.hits[2].in_subject);  // the Subject is read first
}

TEST(PhraseMatcher, AttachmentsAreNotBody) {
    auto result = read("[[phrase]]\ntext = \"secret plan\"\n");
    PhraseMatcher matcher({result.file});
    auto message = MimeParser(MimeLimits{})
                       .parse(
                           "Subject: notes\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                           "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                           "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
                           "filename=a.txt\r\n"
                           "\r\nthe secret plan\r\n--b--\r\n",
                           {});
    EXPECT_TRUE(matcher.match(message).hits.empty());
}

TEST(PhraseMatcher, LargeAndHostileText) {
    const std::string file =
        "[[phrase]]\ntext = \"needle\"\n[[phrase]]\nname = \"rep\"\npattern = '''(a|aa)+b'''\n";
    std::string big(10 << 20, 'a');
    EXPECT_EQ(found(file, big + " needle"), Symbols{"PHRASE_NEEDLE"});  // linear, no blow-up
    std::string binary("\0\xff\xfe needle \x80", 13);
    EXPECT_EQ(found(file, binary), Symbols{"PHRASE_NEEDLE"});
}

TEST(PhraseMatcher, ManyPhrasesOnePass) {
    std::string file;
    for (int i = 0; i < 2000; ++i) {
        file += "[[phrase]]\ntext = \"word" + std::to_string(i) + " tail\"\n";
    }
    EXPECT_EQ(found(file, "x word1999 tail y word7 tail"),
              (Symbols{"PHRASE_WORD7_TAIL", "PHRASE_WORD1999_TAIL"}));
}

TEST(PhraseCheck, SymbolsWithWeightsAndReasons) {
    auto result = read(
        "[[phrase]]\ntext = \"limited time offer\"\nweight = 1.25\n"
        "[[phrase]]\nname = \"act now\"\npattern = '''act\\s+now'''\nweight = 0.75\n");
    PhraseCheck check({result.file});
    auto message = MimeParser(MimeLimits{})
                       .parse("Subject: Limited  time offer\r\n\r\nPlease ACT\r\nNOW.\r\n", {});
    auto outcome = check.check(message);
    ASSERT_EQ(outcome.symbols.size(), 2u);
    EXPECT_EQ(outcome.symbols[0].name, "PHRASE_LIMITED_TIME_OFFER");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 1.25);
    EXPECT_EQ(outcome.symbols[0].detail,
              "\"limited time offer\" in the Subject: \"Limited  time offer\"");
    EXPECT_EQ(outcome.symbols[1].name, "PHRASE_ACT_NOW");
    EXPECT_EQ(outcome.symbols[1].detail, "pattern of PHRASE_ACT_NOW in the body: \"ACT  NOW\"");
}

}  // namespace
}  // namespace mailgate
