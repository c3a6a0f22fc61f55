# Every sanitizer finding exits 86 (src/base/sanitizer_defaults.cpp), with or without
# ASAN_OPTIONS / UBSAN_OPTIONS set: never 1 or 2, which are eosim's own answers.
foreach(kind overflow heap leak)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=ASAN_OPTIONS --unset=UBSAN_OPTIONS
                          --unset=LSAN_OPTIONS ${PROBE} ${kind}
                  RESULT_VARIABLE code OUTPUT_QUIET ERROR_QUIET)
  if(NOT code EQUAL 86)
    message(FATAL_ERROR "sanitizer finding '${kind}' exited ${code}, expected 86")
  endif()
endforeach()
