// Command terraform-provider-dli serves the DLI Terraform provider over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/dli-tf/terraform-provider-dli/internal/pluginserver"
	"github.com/dli-tf/terraform-provider-dli/internal/provider"
)

// version is stamped by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	if err := pluginserver.Serve("registry.terraform.io/dli-tf/dli", provider.New(version), debug); err != nil {
		log.Fatal(err.Error())
	}
}
