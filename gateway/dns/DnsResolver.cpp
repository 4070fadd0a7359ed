// The libunbound-backed asynchronous resolver (see DnsResolver.hpp).
#include "gateway/dns/DnsResolver.hpp"

#include <arpa/inet.h>
#include <unbound.h>

#include <map>

#include "gateway/dns/DnsAnswerCache.hpp"
#include "gateway/dns/DnsRdata.hpp"
#include "gateway/dns/DnsServerAddress.hpp"

namespace mailgate {

namespace asio = boost::asio;

struct PendingLookup {
    DnsResolver::Implementation* owner = nullptr;  // for libunbound's C callback
    std::string name;
    DnsType type;
    DnsResolver::Completion done;
    int id = 0;
    std::unique_ptr<asio::steady_timer> deadline;
};

struct DnsResolver::Implementation : std::enable_shared_from_this<Implementation> {
    Implementation(asio::io_context& io, ub_ctx* context)
        : strand(asio::make_strand(io)), unbound(context), readable(strand) {}

    ~Implementation() {
        readable.release();  // the descriptor belongs to libunbound
        for (auto& entry : pending) {
            ub_cancel(unbound, entry.first);
        }
        ub_ctx_delete(unbound);
    }

    asio::strand<asio::io_context::executor_type> strand;
    ub_ctx* unbound;
    asio::posix::stream_descriptor readable;
    std::int64_t timeout_ms = 2000;
    std::map<int, std::unique_ptr<PendingLookup>> pending;
    DnsAnswerCache answers{100000};
    bool waiting = false;

    void waitForResults() {
        if (waiting || pending.empty()) {
            return;
        }
        waiting = true;
        readable.async_wait(asio::posix::stream_descriptor::wait_read,
                            [self = shared_from_this()](boost::system::error_code error) {
                                self->waiting = false;
                                if (error == asio::error::operation_aborted) {
                                    // Cancelled when the last lookup ended; a lookup
                                    // started since then needs the wait again.
                                    self->waitForResults();
                                    return;
                                }
                                if (error) {
                                    return;
                                }
                                ub_process(self->unbound);  // runs onResult for each answer
                                self->waitForResults();
                            });
    }

    static void onResult(void* data, int error, ub_result* result) {
        auto* lookup = static_cast<PendingLookup*>(data);
        DnsAnswer answer = translate(lookup->type, error, result);
        if (result != nullptr) {
            ub_resolve_free(result);
        }
        lookup->owner->answers.store(lookup->name, lookup->type, answer,
                                     DnsAnswerCache::Clock::now());
        finish(lookup, std::move(answer));
    }

    static void finish(PendingLookup* lookup, DnsAnswer answer) {
        auto* self = lookup->owner;
        auto found = self->pending.find(lookup->id);
        if (found == self->pending.end()) {
            return;
        }
        std::unique_ptr<PendingLookup> owned = std::move(found->second);
        self->pending.erase(found);
        owned->deadline->cancel();
        if (self->pending.empty()) {
            // Nothing left to wait for: an outstanding wait on libunbound's descriptor
            // would keep the io_context running forever (mailgatectl's run() never ends).
            self->readable.cancel();
        }
        owned->done(std::move(answer));
    }

    static DnsAnswer translate(DnsType type, int error, ub_result* result) {
        DnsAnswer answer;
        if (error != 0 || result == nullptr) {
            answer.status = DnsStatus::TemporaryError;
            answer.error = std::string("resolver error: ") + ub_strerror(error);
            return answer;
        }
        answer.ttl = result->ttl > 0 ? static_cast<std::uint32_t>(result->ttl) : 0;
        if (result->rcode == 3) {
            answer.status = DnsStatus::NxDomain;
            return answer;
        }
        if (result->rcode != 0) {
            answer.status = DnsStatus::TemporaryError;
            answer.error = result->rcode == 2   ? "SERVFAIL"
                           : result->rcode == 5 ? "REFUSED"
                                                : "rcode " + std::to_string(result->rcode);
            return answer;
        }
        if (!result->havedata) {
            answer.status = DnsStatus::NoData;
            return answer;
        }
        for (int i = 0; result->data[i] != nullptr; ++i) {
            auto record = decodeRdata(
                type, std::string_view(result->data[i], static_cast<std::size_t>(result->len[i])));
            if (!record) {
                // A malformed record in the answer: the answer cannot be trusted as a whole.
                answer.status = DnsStatus::TemporaryError;
                answer.error =
                    "malformed " + std::string(dnsTypeName(type)) + " record: " + record.error();
                answer.records.clear();
                return answer;
            }
            answer.records.push_back(std::move(*record));
        }
        answer.status = DnsStatus::Ok;
        return answer;
    }

    void start(std::string name, DnsType type, Completion done) {
        if (!isQueryableDnsName(name)) {
            DnsAnswer answer;
            answer.status = DnsStatus::InvalidName;
            answer.error = "not a valid domain name";
            done(std::move(answer));
            return;
        }
        if (auto cached = answers.find(name, type, DnsAnswerCache::Clock::now())) {
            done(std::move(*cached));
            return;
        }
        auto lookup = std::make_unique<PendingLookup>();
        lookup->owner = this;
        lookup->name = std::move(name);
        lookup->type = type;
        lookup->done = std::move(done);
        lookup->deadline = std::make_unique<asio::steady_timer>(strand);
        int id = 0;
        int error = ub_resolve_async(unbound, lookup->name.c_str(), static_cast<int>(type),
                                     1 /* IN */, lookup.get(), &Implementation::onResult, &id);
        if (error != 0) {
            DnsAnswer answer;
            answer.status = DnsStatus::TemporaryError;
            answer.error = std::string("resolver error: ") + ub_strerror(error);
            lookup->done(std::move(answer));
            return;
        }
        lookup->id = id;
        auto* raw = lookup.get();
        pending.emplace(id, std::move(lookup));
        raw->deadline->expires_after(std::chrono::milliseconds(timeout_ms));
        raw->deadline->async_wait(
            [self = shared_from_this(), id](boost::system::error_code timerError) {
                if (timerError) {
                    return;
                }
                auto found = self->pending.find(id);
                if (found == self->pending.end()) {
                    return;
                }
                ub_cancel(self->unbound, id);
                DnsAnswer answer;
                answer.status = DnsStatus::TemporaryError;
                answer.error = "timed out after " + std::to_string(self->timeout_ms) + " ms";
                finish(found->second.get(), std::move(answer));
            });
        waitForResults();
    }
};

}  // namespace mailgate

namespace mailgate {

Result<std::shared_ptr<DnsResolver>> DnsResolver::create(asio::io_context& io,
                                                         const DnsResolverSettings& settings) {
    if (settings.servers.empty()) {
        return makeError("no DNS servers configured");
    }
    ub_ctx* context = ub_ctx_create();
    if (context == nullptr) {
        return makeError("cannot create a libunbound context");
    }
    auto implementation = std::make_unique<Implementation>(io, context);
    implementation->timeout_ms = settings.timeout_ms;
    for (const auto& server : settings.servers) {
        auto address = unboundForwarderAddress(server);
        if (!address) {
            return makeError(address.error());
        }
        if (int error = ub_ctx_set_fwd(context, address->c_str()); error != 0) {
            return makeError("cannot use DNS server " + server + ": " + ub_strerror(error));
        }
    }
    // libunbound answers some special-use names itself (RFC 6761 "test", "invalid",
    // "localhost", the loopback and private reverse zones) without asking anyone. A mail
    // gateway must see what its DNS servers say, for example a LAN server's PTR records.
    for (const char* zone :
         {"test.", "invalid.", "localhost.", "onion.", "home.arpa.", "127.in-addr.arpa.",
          "0.in-addr.arpa.",
          "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."}) {
        std::string value = std::string(zone) + " transparent";
        if (int error = ub_ctx_set_option(context, "local-zone:", value.c_str()); error != 0) {
            return makeError(std::string("cannot configure libunbound: ") + ub_strerror(error));
        }
    }
    if (int error = ub_ctx_set_option(context, "unblock-lan-zones:", "yes"); error != 0) {
        return makeError(std::string("cannot configure libunbound: ") + ub_strerror(error));
    }
    // Threads, not forked processes, answer in the background; results arrive on ub_fd().
    if (int error = ub_ctx_async(context, 1); error != 0) {
        return makeError(std::string("cannot make libunbound asynchronous: ") + ub_strerror(error));
    }
    int descriptor = ub_fd(context);
    if (descriptor < 0) {
        return makeError("libunbound has no result descriptor");
    }
    implementation->readable.assign(descriptor);
    return std::shared_ptr<DnsResolver>(new DnsResolver(std::move(implementation)));
}

DnsResolver::DnsResolver(std::unique_ptr<Implementation> implementation)
    : implementation_(std::move(implementation)) {}

DnsResolver::~DnsResolver() = default;

void DnsResolver::lookup(std::string name, DnsType type, Completion done) {
    asio::post(implementation_->strand, [implementation = implementation_, name = std::move(name),
                                         type, done = std::move(done)]() mutable {
        implementation->start(std::move(name), type, std::move(done));
    });
}

boost::asio::awaitable<DnsAnswer> DnsResolver::resolve(std::string name, DnsType type) {
    auto initiation = [this, type](auto handler, std::string queried) {
        // The coroutine's completion handler is move-only; Completion must be copyable.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        // The answer comes on the resolver's thread, and the coroutine's io_context may be
        // a short-lived one (runBlocking: a libmilter thread, mailgatectl scan) that ends
        // as soon as the coroutine is done. So nothing of the coroutine's may be released
        // on the resolver's thread after the post: the handler moves into the posted
        // function, and the only executor kept here counts as outstanding work, released
        // last, so that io_context cannot end (and be destroyed) before this is done.
        auto work = asio::prefer(asio::get_associated_executor(*shared),
                                 asio::execution::outstanding_work.tracked);
        lookup(std::move(queried), type, [shared, work](DnsAnswer answer) mutable {
            auto target = std::move(work);
            asio::post(target, [handler = std::move(shared), answer = std::move(answer)]() mutable {
                (*handler)(std::move(answer));
            });
        });
    };
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(DnsAnswer)>(
        initiation, asio::use_awaitable, std::move(name));
}

}  // namespace mailgate
