// TestCertificate: a self-signed P-256 certificate and its key, made with OpenSSL at test
// time for one DNS name (subject CN and subjectAltName), written as PEM files in a fresh
// temporary directory that the destructor removes. The certificate is its own CA, so a
// client verifies the server by naming cert.pem as its CA file. Test support only.
#pragma once

#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <memory>
#include <string>

namespace mailgate::testing {

class TestCertificate {
  public:
    explicit TestCertificate(const std::string& dnsName);
    ~TestCertificate();
    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;

    std::string certificateFile() const { return (directory_ / "cert.pem").string(); }
    std::string keyFile() const { return (directory_ / "key.pem").string(); }
    // A TLS server context serving this certificate (for FakeSmtpServer).
    std::shared_ptr<boost::asio::ssl::context> serverContext() const;

  private:
    std::filesystem::path directory_;
};

}  // namespace mailgate::testing
