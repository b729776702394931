#include "kiosk/credentials/reason.hpp"

#include <array>

namespace doorpost::kiosk::credentials {
namespace {

constexpr std::array<ReasonText, 27> kTexts = {{
    {"credential_valid", "凭证有效", "Credential valid"},
    {"credential_malformed", "无法解析该码", "Code is malformed"},
    {"unknown_key", "签发密钥未受信任", "Signing key is not trusted"},
    {"bad_signature", "签名无效", "Signature is invalid"},
    {"wrong_algorithm", "签名算法不被接受", "Signature algorithm not accepted"},
    {"pass_expired", "凭证已过期", "Pass has expired"},
    {"pass_not_yet_valid", "凭证尚未生效", "Pass is not yet valid"},
    {"pass_revoked", "凭证已被撤销", "Pass has been revoked"},
    {"key_usage_mismatch", "签发证书不允许此类证明", "Signer may not issue this certificate type"},
    {"signer_not_valid", "签发证书不在有效期内", "Signing certificate is outside its validity"},
    {"claims_invalid", "凭证内容不完整", "Pass content is incomplete"},
    {"status_yellow", "黄码：请人工核验", "Yellow status: staff must check"},
    {"status_red", "红码：不得进入", "Red status: entry refused"},
    {"trust_data_stale", "信任数据已过期，请尽快同步", "Trust data is out of date; sync soon"},
    {"trust_data_expired", "信任数据过期过久，暂停自动放行",
     "Trust data too old; automatic admission stopped"},
    {"not_on_roster", "不在本考点名单中", "Not on this site's roster"},
    {"roster_unavailable", "未加载考生名单", "No roster loaded"},
    {"already_admitted", "已入场，不可重复进入", "Already admitted"},
    {"credential_not_accepted", "本场所不接受此类凭证", "This credential is not accepted here"},
    {"unrecognised", "无法识别的码", "Unrecognised code"},
    {"manual_registration", "人工登记", "Registered manually"},
    {"manual_reason_not_allowed", "本场所不允许此登记原因", "Registration reason not allowed here"},
    {"id_invalid", "证件号码无效", "ID number is invalid"},
    {"ticket_valid", "准考证有效", "Admission ticket valid"},
    {"id_not_sealed", "证件号未加密（无中心公钥）", "ID not sealed (no central key)"},
    {"device_clock_wrong", "设备时间有误，请人工核验", "Device clock is wrong: staff must check"},
    {"peer_already_admitted", "已在本场所另一入口入场",
     "Already admitted at another door of this site"},
}};

} // namespace

ReasonText reasonText(Reason reason) {
    return kTexts[static_cast<std::size_t>(reason)];
}

bool parseReasonCode(std::string_view code, Reason& out) {
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
        if (kTexts[i].code == code) {
            out = static_cast<Reason>(i);
            return true;
        }
    }
    return false;
}

} // namespace doorpost::kiosk::credentials
