// The check registry: every check mailgate has, one line each (see
// gateway/engine/CheckRegistry.hpp). Within a stage and phase the order is the order of
// the log and of the merge: of two rejects, the earlier check's is reported. SMTP stage:
// the postmaster's own lists and limits first, then the cheapest evidence about the
// connection, then what the client claims, then the sender; greylisting last. Content
// stage: lists first (they may spare the message the filters), the post-filters last
// (they need the score). Adding a check: its folder under gateway/checks/, and a line here.
#include "gateway/engine/CheckRegistry.hpp"

#include "gateway/checks/access/ClientAccessCheck.hpp"
#include "gateway/checks/auto_whitelist/AutoWhitelistCheck.hpp"
#include "gateway/checks/bayes/BayesAutolearnCheck.hpp"
#include "gateway/checks/bayes/BayesCheck.hpp"
#include "gateway/checks/broken_mime/BrokenMimeCheck.hpp"
#include "gateway/checks/client_name/ClientNameCheck.hpp"
#include "gateway/checks/date_header/DateHeaderCheck.hpp"
#include "gateway/checks/dnsbl/DnsblCheck.hpp"
#include "gateway/checks/greylist/GreylistCheck.hpp"
#include "gateway/checks/header_shape/HeaderShapeCheck.hpp"
#include "gateway/checks/header_syntax/HeaderSyntaxCheck.hpp"
#include "gateway/checks/helo/HeloCheck.hpp"
#include "gateway/checks/html_features/HtmlFeaturesCheck.hpp"
#include "gateway/checks/limits/MessageLimitsCheck.hpp"
#include "gateway/checks/lists/ListsCheck.hpp"
#include "gateway/checks/local_senders/LocalSenderCheck.hpp"
#include "gateway/checks/mail_client/MailClientCheck.hpp"
#include "gateway/checks/phrases/PhraseCheck.hpp"
#include "gateway/checks/received_chain/ReceivedChainCheck.hpp"
#include "gateway/checks/relay/RelayCheck.hpp"
#include "gateway/checks/rules/RulesCheck.hpp"
#include "gateway/checks/sender_domain/SenderDomainCheck.hpp"
#include "gateway/checks/sender_identity/SenderIdentityCheck.hpp"
#include "gateway/checks/spf/SpfCheck.hpp"
#include "gateway/checks/subject_shape/SubjectShapeCheck.hpp"
#include "gateway/checks/uri_lists/UriListCheck.hpp"
#include "gateway/checks/url_facts/UrlFactsCheck.hpp"

namespace mailgate {

const std::vector<CheckDescriptor>& checkRegistry() {
    static const std::vector<CheckDescriptor> registry = {
        // SMTP stage
        accessCheckDescriptor(),
        relayCheckDescriptor(),
        limitsCheckDescriptor(),
        localSenderCheckDescriptor(),
        clientNameCheckDescriptor(),
        heloCheckDescriptor(),
        senderDomainCheckDescriptor(),
        dnsblCheckDescriptor(),
        spfCheckDescriptor(),
        greylistCheckDescriptor(),
        // Content stage
        listsCheckDescriptor(),
        headerSyntaxCheckDescriptor(),
        headerShapeCheckDescriptor(),
        dateHeaderCheckDescriptor(),
        senderIdentityCheckDescriptor(),
        mailClientCheckDescriptor(),
        receivedChainCheckDescriptor(),
        subjectShapeCheckDescriptor(),
        brokenMimeCheckDescriptor(),
        htmlFeaturesCheckDescriptor(),
        urlFactsCheckDescriptor(),
        uriListCheckDescriptor(),
        rulesCheckDescriptor(),
        phraseCheckDescriptor(),
        bayesCheckDescriptor(),
        autoWhitelistCheckDescriptor(),
        bayesAutolearnCheckDescriptor(),
    };
    return registry;
}

}  // namespace mailgate
