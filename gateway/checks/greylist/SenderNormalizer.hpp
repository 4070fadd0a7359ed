// The sender as greylisting compares it: bulk and forwarding senders rotate their
// envelope sender per message (VERP, SRS, BATV, "+extension" tags, serial numbers), and a
// retry of the same mail must still find its triplet. normalizeGreylistSender() lower-
// cases the address, undoes SRS0/SRS1 to the original sender, drops BATV tags
// (prvs=TAG=user, btv1==TAG==user), "+extension" and VERP-encoded recipients
// (bounce-user=example.com@...), and writes each whole-word run of digits as "#", as
// postgrey does. The null sender stays "". It never fails; odd input is kept as it is.
#pragma once

#include <string>
#include <string_view>

namespace mailgate {

std::string normalizeGreylistSender(std::string_view sender);

}  // namespace mailgate
