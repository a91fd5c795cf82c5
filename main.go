// Command terraform-provider-dli serves the DLI Terraform provider over plugin protocol 6.
//
//	terraform-provider-dli              serve the provider (Terraform starts it)
//	terraform-provider-dli -debug       serve it for a debugger (prints TF_REATTACH_PROVIDERS)
//	terraform-provider-dli -version     print the version
//	terraform-provider-dli COMMAND ...  run one of the commands below
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	emulatorcli "github.com/dli-tf/terraform-provider-dli/internal/emulator/cli"
	"github.com/dli-tf/terraform-provider-dli/internal/pluginserver"
	"github.com/dli-tf/terraform-provider-dli/internal/provider"
)

// version is stamped by the release build (-ldflags "-X main.version=...").
var version = "dev"

// command runs with the arguments after its name until ctx ends, and returns the exit status.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// commands are what the binary runs besides the provider server, by their first argument.
// "emulator" is internal/emulator/cli.Run (the README's `terraform-provider-dli emulator`).
var commands = map[string]command{
	"emulator": emulatorcli.Run,
}

// serve serves the provider; a variable so that the tests do not start a plugin server.
var serve = func(debug bool) error {
	return pluginserver.Serve("registry.terraform.io/dli-tf/dli", provider.New(version), debug)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			// Only a command stops on a signal: the provider server must outlive Ctrl-C, after
			// which Terraform stops it through the protocol.
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	flags := flag.NewFlagSet("terraform-provider-dli", flag.ContinueOnError)
	flags.SetOutput(stderr)
	debug := flags.Bool("debug", false, "run the provider with support for debuggers such as delve")
	showVersion := flags.Bool("version", false, "print the version and exit")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: terraform-provider-dli [-debug | -version]")
		if len(commands) > 0 {
			fmt.Fprintf(stderr, "\n       terraform-provider-dli %s [flags]", strings.Join(commandNames(), "|"))
		}
		fmt.Fprintf(stderr, "\n\nTerraform starts this binary itself; see the README for dev_overrides.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "terraform-provider-dli: unknown command %q\n", flags.Arg(0))
		flags.Usage()
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "terraform-provider-dli %s\n", version)
		return 0
	}
	if err := serve(*debug); err != nil {
		fmt.Fprintf(stderr, "terraform-provider-dli: %v\n", err)
		return 1
	}
	return 0
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
