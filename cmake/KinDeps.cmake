# Third-party dependencies, all from Debian 12 packages (scripts/install-deps.sh installs them).
# KIN_DEPS_<stage> lists what each stage links; only src/disasm/ may use Zydis.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(zydis 4 CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl)

find_path(FUZZY_INCLUDE_DIR fuzzy.h REQUIRED)
find_library(FUZZY_LIBRARY fuzzy REQUIRED)
add_library(kin::fuzzy UNKNOWN IMPORTED)
set_target_properties(kin::fuzzy PROPERTIES IMPORTED_LOCATION ${FUZZY_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${FUZZY_INCLUDE_DIR})

find_path(TLSH_INCLUDE_DIR tlsh.h REQUIRED)
find_library(TLSH_LIBRARY tlsh REQUIRED)
add_library(kin::tlsh UNKNOWN IMPORTED)
set_target_properties(kin::tlsh PROPERTIES IMPORTED_LOCATION ${TLSH_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${TLSH_INCLUDE_DIR})

set(KIN_DEPS_core)
set(KIN_DEPS_load OpenSSL::Crypto kin::fuzzy kin::tlsh)
set(KIN_DEPS_ioc OpenSSL::Crypto PkgConfig::PSL)
set(KIN_DEPS_ledger OpenSSL::Crypto)
set(KIN_DEPS_disasm Zydis::Zydis)
set(KIN_DEPS_func)
set(KIN_DEPS_sig OpenSSL::Crypto)
set(KIN_DEPS_store SQLite::SQLite3)
set(KIN_DEPS_match)
set(KIN_DEPS_api)
