// Includes Boost.Asio. Boost 1.74's asio/awaitable.hpp uses std::exchange without
// including <utility>, which g++ 12 no longer pulls in by accident; every file includes
// Asio through this header instead of <boost/asio.hpp>.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
