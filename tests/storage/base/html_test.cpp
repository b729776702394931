// The one HTML escape (storage/base/html.hpp) both pages use: a name or reason typed by someone
// can never become markup in report.html or on the central's status page.

#include "storage/base/html.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;

TEST_CASE("htmlEscape turns markup characters into entities and leaves other text alone") {
    CHECK(htmlEscape("<script>alert('x')</script>") ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(htmlEscape("a=\"1\" & b") == "a=&quot;1&quot; &amp; b");
    CHECK(htmlEscape("张三 door-1") == "张三 door-1");
    CHECK(htmlEscape("&amp;") == "&amp;amp;"); // escaped once more: never read as an entity
    CHECK(htmlEscape("").empty());
}
