package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is chaperone's version, set at release time with
// -ldflags "-X main.version=v1.2.3"; otherwise it comes from the build
// information.
var version = ""

// versionCommand prints the version.
var versionCommand = &command{
	name:  "version",
	short: "print the version",
	long:  `Print chaperone's version and the Go version it was built with.`,
	setup: func(*flag.FlagSet) runner {
		return func(e *env, _ []string) int {
			fmt.Fprintf(e.stdout, "chaperone %s (%s)\n", versionString(), runtime.Version())
			return exitOK
		}
	},
}

// versionString returns the version: the linker-set one, else the module
// version or VCS revision of the build, else "dev".
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
