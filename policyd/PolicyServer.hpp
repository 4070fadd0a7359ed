// PolicyServer: the listening side of mailgate-policyd. It opens the TCP and unix
// sockets of policyd.listen, accepts connections up to policyd.max_connections (further
// ones are closed at once with a log line; Postfix then retries or applies
// smtpd_policy_service_default_action), and hands each to a PolicySession.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/config/SocketAddress.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"
#include "policyd/PolicySession.hpp"

namespace mailgate {

class PolicyServer {
  public:
    PolicyServer(boost::asio::io_context& io, std::shared_ptr<PolicyServerContext> context);

    // Opens every address; unix sockets get `socketMode` permission bits.
    Result<void> listen(const std::vector<std::string>& addresses, int socketMode);
    void stop();

  private:
    Result<void> listenInet(const SocketAddress& address);
    Result<void> listenUnix(const SocketAddress& address, int socketMode);
    template <class Protocol>
    void acceptNext(std::shared_ptr<typename Protocol::acceptor> acceptor, std::string label);
    bool atCapacity() const;

    boost::asio::io_context& io_;
    std::shared_ptr<PolicyServerContext> context_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> inetAcceptors_;
    std::vector<std::shared_ptr<boost::asio::local::stream_protocol::acceptor>> unixAcceptors_;
    std::vector<std::string> unixPaths_;
};

}  // namespace mailgate
