# Script mode (cmake -P), run by the doorpost_version_header target on every build: works out the
# version from the project version and git, and writes, each only when its content changed (so an
# unchanged version rebuilds nothing):
#   OUTPUT_DIR/generated/doorpost_version.hpp   kVersion, for `--version` of both binaries
#   OUTPUT_DIR/version.txt                      the same string, read by cpack (Packaging.cmake)
#   OUTPUT_DIR/packaging/changelog.gz           the packages' Debian changelog (one entry)
#
# The version is a Debian version that sorts the way the builds were made:
#   HEAD tagged v<PROJECT_VERSION>, clean       0.1.0
#   N commits after that tag                    0.1.0+git5.g1a2b3c4
#   no such tag yet (working towards 0.1.0)     0.1.0~git345.g1a2b3c4   (~ sorts before 0.1.0)
#   uncommitted changes to tracked files        ... .dirty appended
#   no git, or not a checkout                   0.1.0
# Inputs: -DSOURCE_DIR= -DOUTPUT_DIR= -DPROJECT_VERSION= -DCONTACT= [-DGIT_EXECUTABLE=]

function(git_output out)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" ${ARGN}
                    OUTPUT_VARIABLE text ERROR_QUIET RESULT_VARIABLE status
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(status EQUAL 0)
        set(${out} "${text}" PARENT_SCOPE)
    else()
        set(${out} "" PARENT_SCOPE)
    endif()
endfunction()

set(version "${PROJECT_VERSION}")
set(commit "")
set(commit_date "")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
    git_output(commit rev-parse --short=7 HEAD)
endif()
if(commit)
    git_output(described describe --tags --long --match "v${PROJECT_VERSION}")
    if(described MATCHES "^v.*-([0-9]+)-g[0-9a-f]+$")
        set(distance "${CMAKE_MATCH_1}")
        if(NOT distance EQUAL 0)
            set(version "${PROJECT_VERSION}+git${distance}.g${commit}")
        endif()
    else()
        git_output(count rev-list --count HEAD)
        set(version "${PROJECT_VERSION}~git${count}.g${commit}")
    endif()
    git_output(changes status --porcelain --untracked-files=no)
    if(changes)
        if(version STREQUAL PROJECT_VERSION)
            set(version "${version}+dirty")
        else()
            set(version "${version}.dirty")
        endif()
    endif()
    git_output(commit_date log -1 --format=%cD HEAD)
endif()
if(NOT commit_date)
    # Honours SOURCE_DATE_EPOCH, so a build without git is still reproducible.
    string(TIMESTAMP commit_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()

function(write_if_changed path content)
    if(EXISTS "${path}")
        file(READ "${path}" old)
        if(old STREQUAL content)
            return()
        endif()
    endif()
    file(WRITE "${path}" "${content}")
endfunction()

write_if_changed("${OUTPUT_DIR}/generated/doorpost_version.hpp"
"#pragma once
// Generated at build time by cmake/WriteVersion.cmake from the project version and git: do not edit.

namespace doorpost {

inline constexpr char kVersion[] = \"${version}\";

} // namespace doorpost
")
write_if_changed("${OUTPUT_DIR}/version.txt" "${version}\n")

# Debian changelog of a native package: lintian wants one, gzip -9n (no name, no time stamp).
if(commit)
    set(origin "git commit ${commit}")
else()
    set(origin "a source tree without git")
endif()
set(changelog "doorpost (${version}) bookworm; urgency=medium

  * Built from ${origin}. The project's history is its git log.

 -- ${CONTACT}  ${commit_date}
")
set(changelog_text "${OUTPUT_DIR}/packaging/changelog")
set(old_changelog "")
if(EXISTS "${changelog_text}" AND EXISTS "${changelog_text}.gz")
    file(READ "${changelog_text}" old_changelog)
endif()
if(NOT old_changelog STREQUAL changelog)
    file(WRITE "${changelog_text}" "${changelog}")
    execute_process(COMMAND gzip -9nfk "${changelog_text}" RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "WriteVersion: gzip failed on ${changelog_text}")
    endif()
endif()
