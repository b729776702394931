# Every dependency is a Debian bookworm package (scripts/debian-packages.txt). Nothing is
# vendored or downloaded at build time. pkg-config targets are IMPORTED, hence SYSTEM includes.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SDL2 REQUIRED)
find_package(PNG REQUIRED)

pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(ZXING REQUIRED IMPORTED_TARGET zxing)
pkg_check_modules(ZBAR REQUIRED IMPORTED_TARGET zbar)
pkg_check_modules(LIBUSB REQUIRED IMPORTED_TARGET libusb-1.0)
pkg_check_modules(TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
# The central's HTTP server: event-driven (no thread per connection), TLS through GnuTLS.
pkg_check_modules(MICROHTTPD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(GNUTLS REQUIRED IMPORTED_TARGET gnutls)
# sd_notify: READY=1 and the watchdog under the units' Type=notify (storage/base/service_notify;
# doorpost-central serve).
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

if(DOORPOST_TESTS)
    find_package(Catch2 2 REQUIRED)
    include(Catch)
    # The USB scanner tests run the real doorpost in a umockdev testbed (libumockdev-dev for
    # the testbed and its ioctl handlers, umockdev for the preload library).
    pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
    # The clock tests fake the wall clock of the real binaries with libfaketime (faketime).
    find_library(DOORPOST_FAKETIME_LIB NAMES libfaketime.so.1
                 PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/faketime /usr/lib/faketime
                 REQUIRED NO_DEFAULT_PATH)
endif()

# kiosk/ui: Dear ImGui's SDL backends, which Debian ships as example sources
# (libimgui-dev has no backend library); kiosk/ui compiles them as third-party code.
find_path(DOORPOST_IMGUI_BACKEND_SOURCES imgui_impl_sdlrenderer.cpp
          PATHS /usr/share/doc/libimgui-dev/examples/backends REQUIRED NO_DEFAULT_PATH)
find_path(DOORPOST_IMGUI_BACKEND_HEADERS imgui_impl_sdlrenderer.h
          PATHS /usr/include/imgui/backends REQUIRED NO_DEFAULT_PATH)
