# Warnings of ../STYLE.md section 2; -Werror in the dev preset (KIN_WERROR).
function(kin_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
      -Wstrict-prototypes -Wmissing-prototypes -Wvla>
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>)
  if(KIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
