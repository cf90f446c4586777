-- Lmod module file for teamctl. install.sh writes it as PREFIX/share/modulefiles/teamctl/VERSION.lua
-- with @PREFIX@ and @VERSION@ filled in; a facility installing teamctl centrally can copy it into its
-- own module tree the same way (sed -e 's|@PREFIX@|/global/common/software/teamctl/0.1.0|' ...).
--
--   module use PREFIX/share/modulefiles
--   module load teamctl
help([[
teamctl @VERSION@: keeps an HPC facility's account data (NERSC SFAPI) in line with a team manifest.
Start with "teamctl demo" and "man teamctl".
]])
whatis("Name: teamctl")
whatis("Version: @VERSION@")
whatis("Description: keep a facility's project groups in line with a team manifest kept in git")
whatis("URL: https://github.com/teamctl/teamctl")

local prefix = "@PREFIX@"
prepend_path("PATH", pathJoin(prefix, "bin"))
prepend_path("MANPATH", pathJoin(prefix, "share/man"))
-- bash-completion 2 loads completions from XDG_DATA_DIRS/bash-completion/completions; zsh and fish
-- users add PREFIX/share/zsh/site-functions to fpath or PREFIX/share/fish/vendor_completions.d.
prepend_path("XDG_DATA_DIRS", pathJoin(prefix, "share"))
setenv("TEAMCTL_ROOT", prefix)
