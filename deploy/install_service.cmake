# Run by `cmake --install`: the systemd unit, rewritten to name this prefix's binary and config
# directory, and the config files, which an existing copy (an administrator's edits) keeps.
# Inputs: CMAKE_INSTALL_PREFIX, CHATTERBOX_DEPLOY_DIR, CHATTERBOX_BINDIR, CHATTERBOX_UNIT_DIR.

function(under_prefix out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

under_prefix(bindir "${CHATTERBOX_BINDIR}")
under_prefix(unitdir "${CHATTERBOX_UNIT_DIR}")
# As GNUInstallDirs: the prefix /usr keeps its configuration in /etc.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(confdir "/etc/chatterboxd")
else()
  set(confdir "${CMAKE_INSTALL_PREFIX}/etc/chatterboxd")
endif()

file(READ "${CHATTERBOX_DEPLOY_DIR}/systemd/chatterboxd.service" unit)
string(REPLACE "/usr/bin/chatterboxd" "${bindir}/chatterboxd" unit "${unit}")
string(REPLACE "/etc/chatterboxd" "${confdir}" unit "${unit}")
set(unit_path "$ENV{DESTDIR}${unitdir}/chatterboxd.service")
message(STATUS "Installing: ${unit_path}")
file(WRITE "${unit_path}" "${unit}")

# The env file may hold the API key: root's alone (systemd reads it as root).
function(install_config name)
  set(target "$ENV{DESTDIR}${confdir}/${name}")
  if(EXISTS "${target}")
    message(STATUS "Keeping: ${target}")
    return()
  endif()
  message(STATUS "Installing: ${target}")
  file(INSTALL "${CHATTERBOX_DEPLOY_DIR}/systemd/${name}" DESTINATION "$ENV{DESTDIR}${confdir}"
       ${ARGN})
endfunction()
install_config(chatterboxd.json)
install_config(chatterboxd.env FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
