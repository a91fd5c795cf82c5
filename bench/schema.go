package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dli-tf/terraform-provider-dli/internal/provider"
)

// Handshake environment of terraform-plugin-go's tf6server (go-plugin): without the magic
// cookie the binary refuses to serve.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
)

// schemaProbeFlag makes the bench binary build the provider's schema once, in a fresh process,
// print the time it took and exit: a cold measurement, as in every provider process Terraform
// starts, without the warm caches of a long-lived process.
const schemaProbeFlag = "schema-probe"

// schemaCost is the provider's fixed cost per process, measured three ways.
type schemaCost struct {
	Samples int
	// Startup: exec of the provider binary until its go-plugin handshake line on stdout
	// (runtime start, package init, gRPC server listening). Median.
	Startup time.Duration
	// SchemaCold: GetProviderSchema, in a fresh process, through the same framework server the
	// binary runs (providerserver.NewProtocol6), without gRPC. Median of first calls.
	SchemaCold time.Duration
	// SchemaWarm: the same call again in that process (what a repeated call costs).
	SchemaWarm time.Duration
	// Resources and DataSources: how many schemas the response holds.
	Resources, DataSources int
	// CLIProvider and CLIData: `terraform providers schema -json` with our provider and with
	// only terraform_data; the difference is what one launch plus schema costs the CLI.
	CLIProvider, CLIData time.Duration
	CLILaunches          int
}

// runSchemaProbe is the body of the child process started with -schema-probe.
func runSchemaProbe() error {
	ctx := context.Background()
	call := func() (time.Duration, *tfprotov6.GetProviderSchemaResponse, error) {
		start := time.Now()
		srv := providerserver.NewProtocol6(provider.New("bench")())()
		resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		d := time.Since(start)
		if err == nil {
			for _, diag := range resp.Diagnostics {
				if diag.Severity == tfprotov6.DiagnosticSeverityError {
					err = fmt.Errorf("GetProviderSchema: %s: %s", diag.Summary, diag.Detail)
				}
			}
		}
		return d, resp, err
	}
	cold, resp, err := call()
	if err != nil {
		return err
	}
	warm, _, err := call()
	if err != nil {
		return err
	}
	fmt.Printf("%d %d %d %d\n", cold.Nanoseconds(), warm.Nanoseconds(), len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	return nil
}

// measureSchema measures the provider's per-process start-up and schema cost.
func (b *bench) measureSchema(samples int) (schemaCost, error) {
	sc := schemaCost{Samples: samples}
	self, err := os.Executable()
	if err != nil {
		return sc, err
	}
	var startups, colds, warms []time.Duration
	for range samples {
		b.waitQuiet()
		d, err := handshakeTime(b.providerBin)
		if err != nil {
			return sc, err
		}
		startups = append(startups, d)

		out, err := exec.Command(self, "-"+schemaProbeFlag).Output()
		if err != nil {
			return sc, fmt.Errorf("schema probe: %w", err)
		}
		var cold, warm int64
		if _, err := fmt.Sscan(string(out), &cold, &warm, &sc.Resources, &sc.DataSources); err != nil {
			return sc, fmt.Errorf("schema probe output %q: %w", out, err)
		}
		colds, warms = append(colds, time.Duration(cold)), append(warms, time.Duration(warm))
	}
	sc.Startup, sc.SchemaCold, sc.SchemaWarm = median(startups), median(colds), median(warms)

	// The CLI view: the same command on a one-job configuration and on terraform_data.
	dli, err := b.newWorkspace(kindLatency0, 1, "schema-dli")
	if err != nil {
		return sc, err
	}
	data, err := b.newWorkspace(kindData, 1, "schema-data")
	if err != nil {
		return sc, err
	}
	var withProvider, withData []time.Duration
	for range samples {
		b.waitQuiet()
		b.mon.Begin()
		d, _, err := dli.run("providers", "schema", "-json")
		st := b.mon.End()
		if err != nil {
			return sc, err
		}
		withProvider = append(withProvider, d)
		sc.CLILaunches = max(sc.CLILaunches, st.Launches)
		d, _, err = data.run("providers", "schema", "-json")
		if err != nil {
			return sc, err
		}
		withData = append(withData, d)
	}
	sc.CLIProvider, sc.CLIData = median(withProvider), median(withData)
	return sc, nil
}

// handshakeTime starts the provider as Terraform does and times it until the go-plugin
// handshake line ("1|6|unix|/tmp/plugin...|grpc|") appears: the process is then ready to serve.
func handshakeTime(bin string) (time.Duration, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(cleanEnv(), magicCookieKey+"="+magicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=6")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("provider handshake: %w", err)
	}
	if !strings.HasPrefix(line, "1|6|") {
		return 0, errors.New("provider handshake: unexpected line " + strings.TrimSpace(line))
	}
	return d, nil
}
