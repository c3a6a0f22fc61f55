cmake_minimum_required(VERSION 3.25)
# Run-time limits and outputs (issue 14): a run that would hang or grow without bound stops at a
# limit with exit 3; an output that cannot be written exits 5; SIGINT stops a run with exit 130,
# leaving an earlier --out intact and a history that ends on a whole line.
# EOSIM: the binary; DIR: tests/run-limits; VALID: a valid scenario; WORK: a scratch directory.
set(failures "")
function(expect_run name code message)
  execute_process(COMMAND ${EOSIM} ${ARGN} RESULT_VARIABLE got ERROR_VARIABLE err OUTPUT_VARIABLE out TIMEOUT 120)
  string(FIND "${err}${out}" "${message}" at)
  if(NOT got EQUAL ${code} OR at EQUAL -1)
    set(failures "${failures}\n${name}: expected exit ${code} and \"${message}\", got ${got}: ${err}" PARENT_SCOPE)
  endif()
endfunction()

expect_run("events at one instant" 3 "events at one simulated instant, simulated time stopped advancing"
           run ${DIR}/zero-latency-long-poll.json)
expect_run("event cap" 3 "the event limit of 500 was reached (run.max_events)" run ${DIR}/event-cap.json)
expect_run("memory budget" 3 "its state passed the memory budget of 10 MB (run.max_memory_mb)"
           run ${DIR}/memory-budget.json)
expect_run("sweep seed at a limit" 3 "2 seed(s) stopped at a run-time limit: 1, 2"
           sweep ${DIR}/zero-latency-long-poll.json --seeds 1..2 --jobs 2)
expect_run("unwritable --out" 5 "cannot open for writing" run ${VALID} --out ${WORK}/no-such-dir/report.txt)
expect_run("--trace to a full disk" 5 "/dev/full: write failed" run ${VALID} --trace /dev/full)
expect_run("--out to a full disk" 5 "/dev/full: write failed" run ${VALID} --out /dev/full)
expect_run("check --out to a full disk" 5 "/dev/full: write failed" check ${HISTORY} --out /dev/full)
foreach(command "run;${VALID}" "validate;${VALID}" "sweep;${VALID};--seeds;1..2" "draw;${VALID}")
  execute_process(COMMAND ${EOSIM} ${command} RESULT_VARIABLE got ERROR_VARIABLE err OUTPUT_FILE /dev/full)
  if(NOT got EQUAL 5)
    set(failures "${failures}\n${command} > /dev/full: expected exit 5, got ${got}: ${err}")
  endif()
endforeach()

# A report written atomically replaces the earlier file only when complete.
file(WRITE ${WORK}/report.txt "earlier\n")
file(WRITE ${WORK}/history.jsonl "earlier\n")
expect_run("report replaced" 0 "" run ${VALID} --out ${WORK}/report.txt --history ${WORK}/history.jsonl)
file(READ ${WORK}/report.txt report)
if(NOT report MATCHES "^scenario ")
  set(failures "${failures}\n--out was not replaced by the report: ${report}")
endif()

# SIGINT: the run stops between events; the earlier report stays, the history ends on a newline.
file(WRITE ${WORK}/report.txt "earlier\n")
execute_process(COMMAND /bin/sh -c "\"$0\" run \"$1\" --out \"$2\" --history \"$3\" & pid=$!; sleep 1; kill -INT $pid; wait $pid"
                        ${EOSIM} ${DIR}/zero-latency-no-limits.json ${WORK}/report.txt ${WORK}/history.jsonl
                RESULT_VARIABLE got ERROR_VARIABLE err TIMEOUT 60)
file(READ ${WORK}/report.txt report)
file(READ ${WORK}/history.jsonl history)
string(LENGTH "${history}" length)
math(EXPR last "${length} - 1")
string(SUBSTRING "${history}" ${last} 1 tail)
if(NOT got EQUAL 130 OR NOT err MATCHES "run interrupted" OR NOT report STREQUAL "earlier\n" OR NOT tail STREQUAL "\n")
  set(failures "${failures}\nSIGINT: expected exit 130, the earlier report and a whole-line history; got ${got}: ${err} report=${report}")
endif()
file(GLOB leftovers ${WORK}/.*.tmp.*)
if(leftovers)
  set(failures "${failures}\ntemporary files left behind: ${leftovers}")
endif()

if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message(STATUS "run-time limits, outputs and SIGINT behave as documented")
