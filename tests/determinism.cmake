# Two processes running the same scenario and seed print the same report (and trace hash);
# another seed prints a different hash.
foreach(run a b)
  execute_process(COMMAND ${EOSIM} run ${SCENARIO} --seed 7 --format json
                  OUTPUT_VARIABLE out_${run} RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "eosim run exited ${code}")
  endif()
endforeach()
if(NOT out_a STREQUAL out_b)
  message(FATAL_ERROR "same seed, different reports")
endif()
execute_process(COMMAND ${EOSIM} run ${SCENARIO} --seed 8 --format json OUTPUT_VARIABLE out_c)
string(REGEX MATCH "\"trace_hash\": \"[0-9a-f]+\"" hash_a "${out_a}")
string(REGEX MATCH "\"trace_hash\": \"[0-9a-f]+\"" hash_c "${out_c}")
if(hash_a STREQUAL "" OR hash_a STREQUAL hash_c)
  message(FATAL_ERROR "seeds 7 and 8 gave the same trace hash: ${hash_a}")
endif()
# --check-determinism runs the seed twice in one process: identical traces, exit 0, and the
# report says how many records matched.
execute_process(COMMAND ${EOSIM} run ${SCENARIO} --seed 7 --check-determinism
                OUTPUT_VARIABLE out_d RESULT_VARIABLE code)
if(NOT code EQUAL 0 OR NOT out_d MATCHES "determinism: [0-9]+ trace records identical in both runs")
  message(FATAL_ERROR "eosim run --check-determinism exited ${code}: ${out_d}")
endif()
execute_process(COMMAND ${EOSIM} run ${SCENARIO} --seed 7 --check-determinism --format json
                OUTPUT_VARIABLE out_j RESULT_VARIABLE code)
if(NOT code EQUAL 0 OR NOT out_j MATCHES "\"deterministic\": true")
  message(FATAL_ERROR "eosim run --check-determinism --format json exited ${code}: ${out_j}")
endif()
