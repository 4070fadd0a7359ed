// The [client_checks] settings (see SettingBuilders.hpp; the fields are in Config.hpp).
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendClientCheckSettings(std::vector<SettingSpec>& /*specs*/) {}

}  // namespace mailgate
