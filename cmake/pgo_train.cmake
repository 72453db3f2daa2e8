# The PGO training run (cmake/pgo.cmake), in script mode:
#   cmake -DCLI=<instrumented ovlfuzz> -DPROFDATA=<llvm-profdata> -DSCHEMES=<a|b|...>
#         -DWORK=<dir> -DOUT=<file> -P pgo_train.cmake
# Fuzzes each scheme (the built-in ones) for a fixed number of runs of up to 3
# threads x 8 ops (the programs ovlfuzz_bench measures), one process each,
# and merges the raw profiles into OUT. Exit status 1 (findings) is the
# expected result on the buggy schemes; anything else fails the build.
foreach(var CLI PROFDATA SCHEMES WORK OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "pgo_train.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
string(REPLACE "|" ";" names "${SCHEMES}")
set(raws "")
foreach(scheme IN LISTS names)
  set(raw ${WORK}/${scheme}.profraw)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LLVM_PROFILE_FILE=${raw}
                          ${CLI} fuzz --scheme ${scheme} --runs 50000 --ops 8 --seed 1 --out ${WORK}/out-${scheme} -q
                  OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE status)
  if(NOT (status EQUAL 0 OR status EQUAL 1))
    message(FATAL_ERROR "pgo_train.cmake: ovlfuzz fuzz --scheme ${scheme}: exit ${status}: ${err}")
  endif()
  list(APPEND raws ${raw})
endforeach()
execute_process(COMMAND ${PROFDATA} merge -o ${OUT}.tmp ${raws} RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "pgo_train.cmake: ${PROFDATA} merge: exit ${status}: ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
file(REMOVE_RECURSE ${WORK})
