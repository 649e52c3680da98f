# Compiles the generated and hand-written sources of one managed binding into
# its archive, run at build time (cmake -P) because SWIG decides the generated
# file names only when it runs.
#
#   -DLANG=java   -DJAVAC=... -DJAR=... -DRELEASE=11
#   -DLANG=csharp -DMCS=...
#   -DSOURCE_DIRS="dir;dir" -DWORK=scratch folder -DOUT=baton.jar|Baton.dll
foreach(var LANG SOURCE_DIRS WORK OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile_managed.cmake: ${var} is not set")
  endif()
endforeach()

set(sources)
foreach(dir ${SOURCE_DIRS})
  if(LANG STREQUAL "java")
    file(GLOB_RECURSE found ${dir}/*.java)
  else()
    file(GLOB_RECURSE found ${dir}/*.cs)
  endif()
  list(APPEND sources ${found})
endforeach()
if(NOT sources)
  message(FATAL_ERROR "compile_managed.cmake: no sources under ${SOURCE_DIRS}")
endif()
list(SORT sources)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
# One argument file: the command line stays short however many classes SWIG
# writes.
string(REPLACE ";" "\n" listing "${sources}")
file(WRITE ${WORK}/sources.txt "${listing}\n")

if(LANG STREQUAL "java")
  execute_process(
    COMMAND ${JAVAC} --release ${RELEASE} -encoding UTF-8 -Xlint:all,-deprecation,-serial
            -Werror -d ${WORK}/classes @${WORK}/sources.txt
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "javac failed (${rc})")
  endif()
  get_filename_component(name ${OUT} NAME)
  execute_process(COMMAND ${JAR} --create --file ${WORK}/${name} -C ${WORK}/classes .
                  RESULT_VARIABLE rc)
else()
  # The assembly takes its name from the file: build it under its own name.
  get_filename_component(name ${OUT} NAME)
  execute_process(
    COMMAND ${MCS} -nologo -target:library -optimize+ -debug- -warnaserror+
            -out:${WORK}/${name} @${WORK}/sources.txt
    RESULT_VARIABLE rc)
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building ${OUT} failed (${rc})")
endif()
# Moved into place so that a failed build never leaves a half archive.
file(RENAME ${WORK}/${name} ${OUT})
