# CPACK_PROJECT_CONFIG_FILE: read by cpack itself, after CPackConfig.cmake. The packages take the
# version the binaries were built with (version.txt, written by cmake/WriteVersion.cmake on every
# build), not the one known when cmake last configured, so `--version` and the package agree.
if(CPACK_DOORPOST_VERSION_FILE AND EXISTS "${CPACK_DOORPOST_VERSION_FILE}")
    file(STRINGS "${CPACK_DOORPOST_VERSION_FILE}" doorpost_built_version LIMIT_COUNT 1)
    set(CPACK_PACKAGE_VERSION "${doorpost_built_version}")
    set(CPACK_DEBIAN_PACKAGE_VERSION "${doorpost_built_version}")
else()
    message(FATAL_ERROR "cpack: ${CPACK_DOORPOST_VERSION_FILE} is missing; build first (cmake --build)")
endif()
