# Sanitizer builds apply to everything compiled here (project code and tests alike), so a
# report anywhere fails the run. Third-party libraries from Debian stay uninstrumented.
if(DOORPOST_SANITIZE AND DOORPOST_TSAN)
    message(FATAL_ERROR "DOORPOST_SANITIZE and DOORPOST_TSAN cannot be combined")
endif()

if(DOORPOST_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
    add_compile_definitions(DOORPOST_SANITIZED=1)
endif()

if(DOORPOST_TSAN)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    add_link_options(-fsanitize=thread)
    add_compile_definitions(DOORPOST_SANITIZED=1)
endif()
