# OVLFUZZ_PGO: profile-guided optimization of the model library (clang).
# A second build of the `ovlfuzz` CLI, instrumented (-fprofile-instr-
# generate), fuzzes every built-in scheme for a fixed number of runs
# (cmake/pgo_train.cmake); llvm-profdata merges what it recorded and the
# model library compiles with -fprofile-instr-use. The interpreter's step is
# a dozen small functions and a switch; the profile tells the compiler which
# paths are hot. Measured with the fixed-work driver (docs/performance.md,
# fourth round): 11% (v5.0) and 14% (mainline) more model steps per CPU
# second, with the same findings, schedules and edges (checksums equal).
#
# The instrumented build follows the sources (BUILD_ALWAYS: ninja checks it
# on every build) and the profile is redone when its binary changes. The
# objects do not depend on the profile file: an edit recompiles what it
# touches with the new profile, and the rest keeps the old one, which is
# only less tuned, never wrong.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "OVLFUZZ_PGO needs clang (CMAKE_CXX_COMPILER is ${CMAKE_CXX_COMPILER_ID})")
endif()
string(REGEX MATCH "^[0-9]+" ovlfuzz_clang_major "${CMAKE_CXX_COMPILER_VERSION}")
find_program(OVLFUZZ_LLVM_PROFDATA NAMES llvm-profdata-${ovlfuzz_clang_major} llvm-profdata
             HINTS /usr/lib/llvm-${ovlfuzz_clang_major}/bin)
if(NOT OVLFUZZ_LLVM_PROFDATA)
  message(FATAL_ERROR "OVLFUZZ_PGO needs llvm-profdata (Debian: llvm); or configure with -DOVLFUZZ_PGO=OFF")
endif()

include(ExternalProject)
set(ovlfuzz_pgo_dir ${CMAKE_BINARY_DIR}/pgo)
set(ovlfuzz_pgo_cli ${ovlfuzz_pgo_dir}/build/cli/ovlfuzz)
ExternalProject_Add(ovlfuzz_pgo_instrumented
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${ovlfuzz_pgo_dir}/build
  CMAKE_GENERATOR ${CMAKE_GENERATOR}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
             -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
             -DCMAKE_CXX_FLAGS=-fprofile-instr-generate
             -DOVLFUZZ_BUILD_TESTS=OFF
             -DOVLFUZZ_PGO=OFF
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target ovlfuzz
  BUILD_BYPRODUCTS ${ovlfuzz_pgo_cli}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  # Quiet unless it fails: its output goes to pgo/.../*-{configure,build}-*.log.
  LOG_CONFIGURE ON
  LOG_BUILD ON
  LOG_OUTPUT_ON_FAILURE ON)

set(OVLFUZZ_PGO_PROFILE ${ovlfuzz_pgo_dir}/ovlfuzz.profdata)
file(GLOB ovlfuzz_pgo_scheme_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/model/schemes/*.scheme)
set(ovlfuzz_pgo_schemes "")
foreach(file IN LISTS ovlfuzz_pgo_scheme_files)
  get_filename_component(name "${file}" NAME_WLE)
  list(APPEND ovlfuzz_pgo_schemes ${name})
endforeach()
# One argument for the script: a CMake list would split into several.
list(JOIN ovlfuzz_pgo_schemes "|" ovlfuzz_pgo_schemes)
add_custom_command(
  OUTPUT ${OVLFUZZ_PGO_PROFILE}
  COMMAND ${CMAKE_COMMAND} -DCLI=${ovlfuzz_pgo_cli} -DPROFDATA=${OVLFUZZ_LLVM_PROFDATA} -DSCHEMES=${ovlfuzz_pgo_schemes}
          -DWORK=${ovlfuzz_pgo_dir}/train -DOUT=${OVLFUZZ_PGO_PROFILE}
          -P ${PROJECT_SOURCE_DIR}/cmake/pgo_train.cmake
  DEPENDS ${ovlfuzz_pgo_cli} ${PROJECT_SOURCE_DIR}/cmake/pgo_train.cmake
  COMMENT "Training the PGO profile (instrumented ovlfuzz fuzz on every built-in scheme)"
  VERBATIM)
add_custom_target(ovlfuzz_pgo_profile DEPENDS ${OVLFUZZ_PGO_PROFILE})
add_dependencies(ovlfuzz_pgo_profile ovlfuzz_pgo_instrumented)

# Called by model/CMakeLists.txt for the model library.
function(ovlfuzz_use_pgo_profile target)
  add_dependencies(${target} ovlfuzz_pgo_profile)
  # Functions the training never ran (and, after an edit, functions whose
  # profile is from the previous code) are compiled as without a profile.
  target_compile_options(${target} PRIVATE -fprofile-instr-use=${OVLFUZZ_PGO_PROFILE} -Wno-profile-instr-unprofiled
                                           -Wno-profile-instr-out-of-date -Wno-profile-instr-missing)
endfunction()
