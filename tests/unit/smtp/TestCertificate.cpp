// Self-signed certificates for the SMTP client's STARTTLS tests (see TestCertificate.hpp).
#include "tests/unit/smtp/TestCertificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace mailgate::testing {

namespace {

template <class T, void (*Free)(T*)>
struct OpenSslDeleter {
    void operator()(T* pointer) const { Free(pointer); }
};
using KeyPointer = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertificatePointer = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;

void require(bool condition, const char* what) {
    if (!condition) {
        throw std::runtime_error(std::string("test certificate: ") + what);
    }
}

void addExtension(X509* certificate, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
    require(extension != nullptr, "extension");
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

template <class Write>
void writePem(const std::filesystem::path& path, Write write) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    require(file != nullptr, "open a PEM file");
    bool written = write(file);
    std::fclose(file);
    require(written, "write a PEM file");
}

}  // namespace

TestCertificate::TestCertificate(const std::string& dnsName) {
    std::string pattern = (std::filesystem::temp_directory_path() / "mailgate-tls-XXXXXX").string();
    require(mkdtemp(pattern.data()) != nullptr, "temporary directory");
    directory_ = pattern;

    KeyPointer key(EVP_EC_gen("P-256"));
    require(key != nullptr, "key");
    CertificatePointer certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(dnsName.c_str()), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    addExtension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(certificate.get(), NID_subject_alt_name, "DNS:" + dnsName);
    require(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0, "sign");

    writePem(directory_ / "key.pem", [&key](std::FILE* file) {
        return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    writePem(directory_ / "cert.pem", [&certificate](std::FILE* file) {
        return PEM_write_X509(file, certificate.get()) == 1;
    });
}

TestCertificate::~TestCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
}

std::shared_ptr<boost::asio::ssl::context> TestCertificate::serverContext() const {
    auto context =
        std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    context->use_certificate_chain_file(certificateFile());
    context->use_private_key_file(keyFile(), boost::asio::ssl::context::pem);
    return context;
}

}  // namespace mailgate::testing
