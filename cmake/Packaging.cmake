# Installation and Debian packages (CPack): `doorpost` (the kiosk) and `doorpost-central`.
# Included by the top-level CMakeLists.txt after the doorpost and doorpost-central targets exist.

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
