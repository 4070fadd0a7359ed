// stopMilterListener: smfi_stop() without its wait. libmilter's listener holds its mutex
// while it waits in select() on the listening socket, up to its check interval (5 s), and
// smfi_stop() needs that mutex: without traffic, every stop (a systemd restart, each
// integration test) took 5 s. So smfi_stop() runs on its own thread while this one
// connects to our own socket and closes at once, which wakes the listener; repeated until
// smfi_stop() is through. Best effort: if no connection can be made, the stop still
// happens after the interval.
#pragma once

#include <string_view>

namespace mailgate {

void stopMilterListener(std::string_view milterSocket);

}  // namespace mailgate
