// The [spf] settings (see SettingBuilders.hpp; the fields are in Config.hpp).
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendSpfSettings(std::vector<SettingSpec>& /*specs*/) {}

}  // namespace mailgate
