# Warnings are errors in Doorpost's own code. Third-party headers come in as SYSTEM includes
# (imported targets), so their warnings do not count against us.
add_library(doorpost_warnings INTERFACE)
target_compile_options(doorpost_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough -Wformat=2
    # -Wnull-dereference is left off: GCC 12 reports false positives inside libstdc++ strings.
    # Designated initialisers leaving trailing members to their defaults are idiomatic here.
    -Wno-missing-field-initializers)

# doorpost_library(NAME SOURCES... LINKS...) — one library target per concept folder, with the
# project root as include root so includes read "storage/event_log.hpp".
function(doorpost_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LINKS;PRIVATE_LINKS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARG_LINKS} PRIVATE doorpost_warnings ${ARG_PRIVATE_LINKS})
endfunction()
