# Shared by the scripts that build a Go tool from the Go module proxy (install-pulumi.sh,
# install-pulumi-yaml.sh, install-sdkgen.sh). Source it, then call in an empty work folder.

# Starts a module named $1 in the current folder and copies into it the `replace` lines of module
# $2 (path@version): they pin what that release was built with, and a build without them resolves
# other modules than its authors shipped. A replace pointing into the module's own repository
# (`=> ../sdk`, as pkg/v3 has for sdk/v3) cannot resolve from the proxy and is left out.
go_module_with_replaces() {
  go mod init "$1" >/dev/null 2>&1
  local gomod
  gomod="$(go mod download -json "$2" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  grep '^replace ' "$gomod" | grep -v '=> \.\./' >> go.mod || true
}
