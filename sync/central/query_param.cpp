#include "sync/central/query_param.hpp"

namespace doorpost::sync::central {

bool parseDecimalParam(const std::string& text, std::int64_t& out) {
    if (text.empty() || text.size() > 18)
        return false;
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

} // namespace doorpost::sync::central
