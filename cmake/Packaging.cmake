# Installation and Debian packages (CPack): `doorpost` (the kiosk) and `doorpost-central`.
# Included by the top-level CMakeLists.txt after the doorpost and doorpost-central targets exist.
# The data files (units, udev rules, default configuration, maintainer scripts) live in
# packaging/; what each package holds and why is in packaging/README.md.
#
#   cmake --build build --target doorpost_packages && (cd build && cpack)
#                                    -> build/packages/doorpost{,-central}_<version>_<arch>.deb
#   DESTDIR=stage cmake --install build --prefix /usr [--component kiosk|central]
#                                    a staged install, for inspection

include(GNUInstallDirs)

set(DOORPOST_PACKAGE_CONTACT "Doorpost maintainers <doorpost@example.org>" CACHE STRING
    "Maintainer field of the Debian packages and their changelog")

# --- Version: `--version` of both binaries, the packages and their changelog -------------------
# Worked out on every build (a new commit changes it without re-running cmake) by
# cmake/WriteVersion.cmake, which rewrites its outputs only when the version changed.
find_package(Git QUIET)
set(DOORPOST_VERSION_FILE ${CMAKE_BINARY_DIR}/version.txt)
set(DOORPOST_CHANGELOG ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
add_custom_target(doorpost_version_header
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT_DIR=${CMAKE_BINARY_DIR}
            -DPROJECT_VERSION=${PROJECT_VERSION} -DGIT_EXECUTABLE=${GIT_EXECUTABLE}
            "-DCONTACT=${DOORPOST_PACKAGE_CONTACT}"
            -P ${PROJECT_SOURCE_DIR}/cmake/WriteVersion.cmake
    BYPRODUCTS ${CMAKE_BINARY_DIR}/generated/doorpost_version.hpp ${DOORPOST_VERSION_FILE}
               ${DOORPOST_CHANGELOG}
    COMMENT "Version from the project version and git"
    VERBATIM)
# Linked here rather than in kiosk/ and sync/central/, so those folders only #include the header.
foreach(program doorpost doorpost-central)
    add_dependencies(${program} doorpost_version_header)
    target_include_directories(${program} PRIVATE ${CMAKE_BINARY_DIR}/generated)
endforeach()

# --- Man pages: help2man over `--help` of the binary and of each subcommand ----------------------
find_program(HELP2MAN_EXECUTABLE help2man)
set(DOORPOST_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(doorpost_man_pages)
if(HELP2MAN_EXECUTABLE)
    foreach(program doorpost doorpost-central)
        set(page ${DOORPOST_MAN_DIR}/${program}.1.gz)
        add_custom_command(OUTPUT ${page}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${DOORPOST_MAN_DIR}
            COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/help2man_page.sh ${HELP2MAN_EXECUTABLE}
                    $<TARGET_FILE:${program}> ${program}
                    ${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m ${page}
            DEPENDS ${program} ${PROJECT_SOURCE_DIR}/cmake/help2man_page.sh
                    ${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m
            COMMENT "Man page ${program}(1) with help2man"
            VERBATIM)
        list(APPEND doorpost_man_pages ${page})
    endforeach()
    add_custom_target(doorpost_man_pages ALL DEPENDS ${doorpost_man_pages})
else()
    message(STATUS "help2man not found: no man pages (scripts/debian-packages.txt lists it)")
endif()

# --- Documentation shipped in /usr/share/doc/<package>/, compressed as Debian does -------------
function(doorpost_compressed_doc out source)
    get_filename_component(name ${source} NAME)
    set(target_file ${CMAKE_BINARY_DIR}/packaging/doc/${name}.gz)
    add_custom_command(OUTPUT ${target_file}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/doc
        COMMAND sh -c "gzip -9n -c \"$1\" > \"$2\"" sh ${source} ${target_file}
        DEPENDS ${source}
        VERBATIM)
    set(${out} ${target_file} PARENT_SCOPE)
endfunction()
doorpost_compressed_doc(install_doc ${PROJECT_SOURCE_DIR}/docs/install.md)
doorpost_compressed_doc(credentials_doc ${PROJECT_SOURCE_DIR}/docs/credentials.md)
doorpost_compressed_doc(sync_doc ${PROJECT_SOURCE_DIR}/docs/sync.md)
add_custom_target(doorpost_package_docs ALL DEPENDS ${install_doc} ${credentials_doc} ${sync_doc})

# --- What each package installs -------------------------------------------------------------
# Paths Debian bookworm's tools expect: units and udev rules under /lib (lintian flags /usr/lib
# ones until the /usr merge is finished), configuration in /etc (conffiles, see below).
set(DOORPOST_SYSTEMD_UNIT_DIR /lib/systemd/system)
set(DOORPOST_UDEV_RULES_DIR /lib/udev/rules.d)
set(DOORPOST_CONFIG_DIR /etc/doorpost)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

install(TARGETS doorpost RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kiosk)
install(FILES packaging/systemd/doorpost-kiosk.service
        DESTINATION ${DOORPOST_SYSTEMD_UNIT_DIR} COMPONENT kiosk)
install(FILES packaging/udev/70-doorpost.rules DESTINATION ${DOORPOST_UDEV_RULES_DIR} COMPONENT kiosk)
install(FILES packaging/config/kiosk.toml DESTINATION ${DOORPOST_CONFIG_DIR} COMPONENT kiosk)
install(FILES packaging/copyright ${DOORPOST_CHANGELOG} ${install_doc} ${credentials_doc}
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/doorpost COMPONENT kiosk)

install(TARGETS doorpost-central RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT central)
install(FILES packaging/systemd/doorpost-central.service
        DESTINATION ${DOORPOST_SYSTEMD_UNIT_DIR} COMPONENT central)
install(FILES packaging/config/central.toml DESTINATION ${DOORPOST_CONFIG_DIR} COMPONENT central)
install(FILES packaging/copyright ${DOORPOST_CHANGELOG} ${install_doc} ${sync_doc}
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/doorpost-central COMPONENT central)

if(HELP2MAN_EXECUTABLE)
    install(FILES ${DOORPOST_MAN_DIR}/doorpost.1.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT kiosk)
    install(FILES ${DOORPOST_MAN_DIR}/doorpost-central.1.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT central)
endif()

# Everything the packages hold, for `cmake --build build --target doorpost_packages && cpack`
# without building the tests.
add_custom_target(doorpost_packages)
add_dependencies(doorpost_packages doorpost doorpost-central doorpost_package_docs)
if(HELP2MAN_EXECUTABLE)
    add_dependencies(doorpost_packages doorpost_man_pages)
endif()

# --- CPack: two DEB packages, one per component ---------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME doorpost)
set(CPACK_PACKAGE_VENDOR "Doorpost")
set(CPACK_PACKAGE_CONTACT "${DOORPOST_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Overwritten at cpack time with the build's version (cmake/PackagingVersion.cmake).
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/PackagingVersion.cmake)
set(CPACK_DOORPOST_VERSION_FILE ${DOORPOST_VERSION_FILE})
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 2)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk central)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries themselves (dpkg-shlibdeps), plus what they run or
# need at run time that is not a library, below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME doorpost)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION misc)
# cage: the kiosk compositor. libpam-systemd: the logind session cage takes the display
# through (it also settles libseat1's "seatd | logind" on logind). udev: the device rules.
# fonts-noto-cjk: the UI's Chinese text.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "adduser, cage, fonts-noto-cjk, libpam-systemd, udev")
set(CPACK_DEBIAN_KIOSK_DESCRIPTION
"offline-first kiosk for venue doors
A touchscreen station for exam sites and subway gates that reads health passes
(DP1, EU DCC), admission tickets and ID numbers through a USB camera or USB
barcode scanner, decides at once from data it already holds, falls back to
manual registration by ID number, records every decision in a hash-chained
local log, and syncs with a Doorpost central service whenever it is reachable.

This package runs the kiosk full screen in the cage compositor as the
unprivileged doorpost user (doorpost-kiosk.service), with udev rules that give
that user the cameras and scanners.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost/postrm
    ${CMAKE_BINARY_DIR}/packaging/doorpost/conffiles)

set(CPACK_DEBIAN_CENTRAL_PACKAGE_NAME doorpost-central)
set(CPACK_DEBIAN_CENTRAL_PACKAGE_SECTION net)
# procps: /bin/kill, which the unit's ExecReload= sends SIGHUP with (as openssh-server does).
set(CPACK_DEBIAN_CENTRAL_PACKAGE_DEPENDS "adduser, procps")
set(CPACK_DEBIAN_CENTRAL_DESCRIPTION
"central service for Doorpost kiosks
Enrols Doorpost door kiosks, publishes signed rosters, deny lists and trusted
keys to them, issues passes, and receives and reconciles their event logs
(conflicts such as one person admitted at two doors). It keeps its data in
SQLite, or in PostgreSQL shared by several central processes.

This package runs the service as the unprivileged doorpost-central user under a
hardened systemd unit (doorpost-central.service).")
set(CPACK_DEBIAN_CENTRAL_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost-central/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost-central/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/doorpost-central/postrm
    ${CMAKE_BINARY_DIR}/packaging/doorpost-central/conffiles)

# Files in /etc are conffiles: dpkg keeps an administrator's edits across upgrades.
file(WRITE ${CMAKE_BINARY_DIR}/packaging/doorpost/conffiles "${DOORPOST_CONFIG_DIR}/kiosk.toml\n")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/doorpost-central/conffiles "${DOORPOST_CONFIG_DIR}/central.toml\n")

include(CPack)
