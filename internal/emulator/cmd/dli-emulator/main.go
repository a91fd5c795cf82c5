// Command dli-emulator serves a local emulation of the Huawei Cloud DLI APIs
// (package internal/emulator) over HTTP; see package internal/emulator/cli
// for its flags.
package main

import (
	"context"
	"os"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
