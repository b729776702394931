#include "kiosk/ui/strings.hpp"

#include <array>
#include <cassert>

namespace doorpost::kiosk::ui {
namespace {

struct Pair {
    Str id;
    const char* zh;
    const char* en;
};

// Kept in enum order; checked once in tr() under assertions.
constexpr std::array kTable = {
    Pair{Str::Title, "门岗", "Doorpost"},
    Pair{Str::Ready, "请出示通行码", "Show your code"},
    Pair{Str::ReadyHint, "健康码、准考证或证件号", "Health pass, admission ticket or ID"},
    Pair{Str::Admit, "通过", "ADMIT"},
    Pair{Str::Deny, "禁止通行", "DENIED"},
    Pair{Str::Refer, "请工作人员核验", "SEE STAFF"},
    Pair{Str::Recording, "正在记录…", "Recording…"},
    Pair{Str::GateUnavailable, "核验服务不可用", "Gate unavailable"},
    Pair{Str::ScanNotRecorded, "未能记录，请重试", "Not recorded, try again"},
    Pair{Str::Manual, "人工登记", "Manual registration"},
    Pair{Str::Staff, "工作人员", "Staff"},
    Pair{Str::Roster, "考生名单", "Roster"},
    Pair{Str::Statistics, "统计", "Statistics"},
    Pair{Str::OtherLanguage, "English", "中文"},
    Pair{Str::Back, "返回", "Back"},
    Pair{Str::Cancel, "取消", "Cancel"},
    Pair{Str::Confirm, "确认登记", "Confirm"},
    Pair{Str::Camera, "摄像头", "Camera"},
    Pair{Str::Scanner, "扫码枪", "Scanner"},
    Pair{Str::Central, "中心", "Central"},
    Pair{Str::PeerDoors, "同场入口", "Peer doors"},
    Pair{Str::TrustData, "信任数据", "Trust"},
    Pair{Str::DeviceClock, "设备时间有误", "Clock wrong"},
    Pair{Str::ClockEstimate, "估计", "est."},
    Pair{Str::ChipOk, "正常", "OK"},
    Pair{Str::ChipOffline, "断开", "Offline"},
    Pair{Str::ChipMissing, "未连接", "None"},
    Pair{Str::ChipStarting, "启动中", "Starting"},
    Pair{Str::ChipOnline, "在线", "Online"},
    Pair{Str::ChipWaiting, "待上传", "waiting"},
    Pair{Str::ChipLastSync, "上次同步", "last sync"},
    Pair{Str::ChipAge, "已更新", "age"},
    Pair{Str::ChipStale, "即将过期", "Stale"},
    Pair{Str::ChipExpired, "已过期", "Expired"},
    Pair{Str::ChipUnknown, "未知", "Unknown"},
    Pair{Str::CountAdmitted, "已通过", "Admitted"},
    Pair{Str::CountDenied, "已拒绝", "Denied"},
    Pair{Str::CountReferred, "待核验", "Referred"},
    Pair{Str::CountManual, "人工登记", "By hand"},
    Pair{Str::CountsNotRead, "数据未能更新", "could not read the latest figures"},
    Pair{Str::Today, "今日", "Today"},
    Pair{Str::IdType, "证件类型", "ID type"},
    Pair{Str::IdResident, "居民身份证", "Resident ID"},
    Pair{Str::IdPassport, "护照", "Passport"},
    Pair{Str::IdPermit, "港澳台通行证", "HK/Macau/Taiwan permit"},
    Pair{Str::IdOther, "其他证件", "Other"},
    Pair{Str::IdNumber, "证件号码", "ID number"},
    Pair{Str::Delete, "删除", "Delete"},
    Pair{Str::Clear, "清空", "Clear"},
    Pair{Str::IdIncomplete, "尚未输入完整", "Incomplete"},
    Pair{Str::IdCheckOk, "校验位正确", "Check character OK"},
    Pair{Str::IdCheckWrong, "校验位错误", "Check character wrong"},
    Pair{Str::IdBadDate, "出生日期无效", "Impossible birth date"},
    Pair{Str::IdBadArea, "地区码无效", "Unknown area code"},
    Pair{Str::IdTooLong, "位数过多", "Too long"},
    Pair{Str::IdBadFormat, "格式不符", "Wrong format"},
    Pair{Str::IdFormatOk, "格式正确", "Format OK"},
    Pair{Str::Born, "出生日期", "Born"},
    Pair{Str::Sex, "性别", "Sex"},
    Pair{Str::Male, "男", "male"},
    Pair{Str::Female, "女", "female"},
    Pair{Str::NameOptional, "姓名（可选）", "Name (optional)"},
    Pair{Str::Reason, "原因", "Reason"},
    Pair{Str::ReasonNoPhone, "无手机", "No phone"},
    Pair{Str::ReasonWillNotScan, "无法扫码", "Code will not scan"},
    Pair{Str::ReasonAppDown, "应用故障", "App down"},
    Pair{Str::ReasonOther, "其他", "Other"},
    Pair{Str::PickReason, "请选择原因", "Pick a reason"},
    Pair{Str::PinTitle, "请输入工作人员密码", "Staff PIN"},
    Pair{Str::PinWrong, "密码错误", "Wrong PIN"},
    Pair{Str::PinLocked, "已锁定，请稍后再试", "Locked, try again later"},
    Pair{Str::PinChecking, "正在验证…", "Checking…"},
    Pair{Str::PinNotSet, "未设置密码", "No PIN set"},
    Pair{Str::Ok, "确定", "OK"},
    Pair{Str::StaffSettings, "工作人员设置", "Staff settings"},
    Pair{Str::CameraSource, "摄像头", "Camera"},
    Pair{Str::ScannerSource, "扫码枪", "Scanner"},
    Pair{Str::SiteProfile, "场所类型", "Site profile"},
    Pair{Str::ProfileExam, "考场", "Exam site"},
    Pair{Str::ProfileTransit, "地铁站", "Transit"},
    Pair{Str::CentralAddress, "中心地址", "Central address"},
    Pair{Str::SyncNow, "立即同步", "Sync now"},
    Pair{Str::ExportAudit, "导出审计数据", "Export for auditors"},
    Pair{Str::Lock, "锁定", "Lock"},
    Pair{Str::ShutDown, "关闭", "Shut down"},
    Pair{Str::NotAvailable, "暂不可用", "Not available"},
    Pair{Str::Working, "处理中…", "Working…"},
    Pair{Str::RosterTitle, "考生名单", "Roster"},
    Pair{Str::Arrived, "已到", "Arrived"},
    Pair{Str::NotArrived, "未到", "Not arrived"},
    Pair{Str::Search, "搜索", "Search"},
    Pair{Str::CandidateNumber, "准考证号", "Candidate no."},
    Pair{Str::Name, "姓名", "Name"},
    Pair{Str::MaskedId, "证件号", "ID"},
    Pair{Str::Room, "考场", "Room"},
    Pair{Str::Seat, "座位", "Seat"},
    Pair{Str::StatsTitle, "通行统计", "Statistics"},
    Pair{Str::Per10Min, "每10分钟", "per 10 minutes"},
    Pair{Str::Loading, "加载中…", "Loading…"},
    Pair{Str::NoData, "暂无数据", "No data"},
    Pair{Str::Seconds, "秒", "s"},
    Pair{Str::NotRecorded, "未记录", "NOT RECORDED"},
    Pair{Str::FaultConfig, "设备配置故障：请联系运维，并先在纸上登记此人。",
         "Kiosk configuration fault: call the operator and note this person on paper meanwhile."},
    Pair{Str::FaultStorage, "存储故障：请联系运维，并先在纸上登记此人。",
         "Storage fault: call the operator and note this person on paper meanwhile."},
    Pair{Str::FaultInput, "请核对后重试。", "Check and try again."},
    Pair{Str::NoSealKey, "无中心加密公钥：证件号仅脱敏记录（不存完整号码和姓名）。",
         "No sealing key: the ID is recorded masked only (no full ID, no name)."},
    Pair{Str::ChipRosterNone, "无名单", "none"},
    Pair{Str::StaffSyncNoCentral, "无法同步：未配置中心（启动时请加 --central URL --token T）",
         "Sync: no central configured (start the kiosk with --central URL --token T)"},
    Pair{Str::StaffSyncBusy, "同步正在进行，请稍后再试", "Sync: busy, try again"},
    Pair{Str::StaffSyncDone, "同步完成，{0} 条记录待上传", "Sync: done, {0} events waiting"},
    Pair{Str::StaffSyncFailed, "同步失败：{0}", "Sync failed: {0}"},
    Pair{Str::StaffSyncStillRunning, "同步已开始，仍在进行（请看“中心”状态）",
         "Sync: started, still running (see the central chip)"},
    Pair{Str::StaffExportBusy, "导出正在进行，请稍后再试", "Export: busy, try again"},
    Pair{Str::StaffExportDone, "导出完成：今日 {0} 条记录，已写入 {1}",
         "Export: {0} events today -> {1}"},
    Pair{Str::StaffExportDoneBroken,
         "导出完成：今日 {0} 条记录，已写入 {1}（警告：记录链在序号 {2} 处断开）",
         "Export: {0} events today -> {1} (warning: chain broken at seq {2})"},
    Pair{Str::StaffExportNoMedia, "导出失败：未找到U盘（请插入可写的U盘，或启动时加 --export-dir）",
         "Export: no removable media found (insert a USB stick, or run with --export-dir)"},
    Pair{Str::StaffExportDirNotWritable, "导出失败：{0} 不是可写的文件夹",
         "Export: {0} is not a writable folder"},
    Pair{Str::StaffExportFolderFailed, "导出失败：无法创建导出文件夹：{0}",
         "Export: cannot create the export folder: {0}"},
    Pair{Str::StaffExportDbFailed, "导出失败：无法打开数据库：{0}",
         "Export: cannot open the database: {0}"},
    Pair{Str::StaffExportShuttingDown, "导出已取消：设备正在关闭",
         "Export: cancelled, the kiosk is shutting down"},
    Pair{Str::StaffExportFailed, "导出失败：{0}", "Export failed: {0}"},
    Pair{Str::StaffCameraRefused, "无法切换到摄像头 {0}：{1}", "Camera: cannot switch to {0}: {1}"},
    Pair{Str::StaffProfileAtStart, "场所类型只能在启动时选择（run --profile {0}）",
         "Site profile: chosen at start (run --profile {0})"},
    Pair{Str::StaffCameraSwitched, "摄像头已切换为 {0}", "Camera switched to {0}"},
    Pair{Str::StaffProfileChanged, "场所类型已更改为 {0}", "Site profile changed to {0}"},
    Pair{Str::StaffClockConfirmed, "已确认设备时间 {0}（已记录）",
         "Clock confirmed at {0} (recorded)"},
    Pair{Str::StaffClockFailed, "无法确认时间：{0}", "Could not confirm the clock: {0}"},
    Pair{Str::DeviceClockRow, "设备时间", "Device clock"},
    Pair{Str::ClockConfirm, "时间正确", "Clock is right"},
    Pair{Str::StaffClockSet, "设备时间已设为 {0}（已记录）", "Clock set to {0} (recorded)"},
    Pair{Str::StaffClockSetFailed, "无法设置时间：{0}", "Could not set the clock: {0}"},
    Pair{Str::ClockSetOpen, "设置时间", "Set time"},
    Pair{Str::ClockDate, "日期（年 月 日）", "Date (y m d)"},
    Pair{Str::ClockTime, "时间（时 分）", "Time (h m)"},
    Pair{Str::ClockNewTime, "设为", "Set to"},
    Pair{Str::ClockSetApply, "按此时间设置", "Set this time"},
    Pair{Str::MaskedOnlyRecord, "仅脱敏记录：未保存完整证件号和姓名",
         "masked only: no full ID, no name stored"},
    Pair{Str::HintTooDark, "画面太暗", "too dark"},
    Pair{Str::HintTooBright, "画面过亮或反光", "too bright or glare"},
    Pair{Str::HintBlurry, "镜头脏污或未对焦", "lens dirty or out of focus"},
    Pair{Str::HintDecoderFailing, "解码器多次失败", "decoder failing on many frames"},
    Pair{Str::AlreadyAdmittedAt, "已于 {0} 在 {1} 入场", "already admitted {0} at {1}"},
};
static_assert(kTable.size() == static_cast<std::size_t>(Str::Count_), "one pair per Str");

constexpr bool tableInOrder() {
    for (std::size_t i = 0; i < kTable.size(); ++i) {
        if (static_cast<std::size_t>(kTable[i].id) != i) {
            return false;
        }
    }
    return true;
}
static_assert(tableInOrder(), "kTable is kept in enum order");

} // namespace

const char* tr(Lang lang, Str id) {
    const Pair& pair = kTable[static_cast<std::size_t>(id)];
    return lang == Lang::Zh ? pair.zh : pair.en;
}

std::vector<std::string_view> allStrings() {
    std::vector<std::string_view> out;
    out.reserve(kTable.size() * 2);
    for (const Pair& pair : kTable) {
        out.emplace_back(pair.zh);
        out.emplace_back(pair.en);
    }
    return out;
}

} // namespace doorpost::kiosk::ui
