#include "kiosk/app/id_preview.hpp"
#include "storage/base/id_number.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::app;

namespace {
constexpr int kToday = 20261127;
}

TEST_CASE("resident ID check character follows ISO 7064 MOD 11-2") {
    CHECK(residentIdCheckCharacter("11010519491231002") == 'X');
    CHECK(residentIdCheckCharacter("44052418800101001") == '4');
}

TEST_CASE("a valid resident ID shows check OK, birth date and sex") {
    const IdPreview p = previewId(IdType::Resident, "11010519491231002X", kToday);
    CHECK(p.status == IdStatus::CheckOk);
    CHECK(p.valid);
    CHECK(p.birthDate == "1949-12-31");
    CHECK(p.sex == 'F'); // 17th digit 2: even
    const IdPreview m = previewId(IdType::Resident, "440524188001010014", kToday);
    CHECK(m.valid);
    CHECK(m.sex == 'M');
}

TEST_CASE("resident ID problems are told apart while typing") {
    CHECK(previewId(IdType::Resident, "", kToday).status == IdStatus::Empty);
    const IdPreview partial = previewId(IdType::Resident, "11010519491231", kToday);
    CHECK(partial.status == IdStatus::Incomplete);
    CHECK(partial.birthDate == "1949-12-31"); // the date shows as soon as it is typed
    CHECK_FALSE(partial.valid);
    CHECK(previewId(IdType::Resident, "110105194912310021", kToday).status == IdStatus::CheckWrong);
    CHECK(previewId(IdType::Resident, "11010519490231", kToday).status == IdStatus::BadDate);
    CHECK(previewId(IdType::Resident, "11010520301231", kToday).status ==
          IdStatus::BadDate); // future
    CHECK(previewId(IdType::Resident, "99", kToday).status == IdStatus::BadArea);
    CHECK(previewId(IdType::Resident, "11010519491231002X1", kToday).status == IdStatus::TooLong);
    CHECK(previewId(IdType::Resident, "1101X5", kToday).status == IdStatus::BadFormat);
}

TEST_CASE("passports and permits get format checks only") {
    CHECK(previewId(IdType::Passport, "E12345678", kToday).valid);
    CHECK_FALSE(previewId(IdType::Passport, "E12", kToday).valid);
    CHECK(previewId(IdType::Permit, "H12345678", kToday).valid);
    CHECK(previewId(IdType::Permit, "12345678", kToday).valid);
    CHECK_FALSE(previewId(IdType::Permit, "X1234567", kToday).valid);
    CHECK(previewId(IdType::Other, "AB1234", kToday).valid);
}
