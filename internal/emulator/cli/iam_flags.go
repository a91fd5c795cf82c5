package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// iamFlags are the flags of the emulator's IAM service.
type iamFlags struct {
	projectName, extraProjects, domainName string
	userName, password, agencies           string
	tokenTTL                               time.Duration
}

// addIAMFlags declares the IAM flags on fs.
func addIAMFlags(fs *flag.FlagSet) *iamFlags {
	f := &iamFlags{tokenTTL: emulator.DefaultTokenTTL}
	fs.StringVar(&f.projectName, "project-name", emulator.DefaultProjectName,
		"the `name` of the project in IAM (GET /v3/projects?name=...): by Huawei's convention the region, HW_REGION_NAME")
	fs.StringVar(&f.extraProjects, "extra-projects", "",
		"comma-separated `list` of more projects IAM lists, each NAME or NAME=ID (a name may repeat, the project name's too)")
	fs.StringVar(&f.domainName, "domain-name", emulator.DefaultDomainName,
		"the account (domain) `name` owning the project, the IAM user and the agencies (HW_DOMAIN_NAME)")
	fs.StringVar(&f.userName, "user-name", emulator.DefaultUserName, "the IAM user `name` that signs in with -password (POST /v3/auth/tokens)")
	fs.StringVar(&f.password, "password", emulator.DefaultPassword, "the IAM user's password (empty: password sign-in disabled)")
	fs.StringVar(&f.agencies, "agency", emulator.DefaultAgency,
		"comma-separated `list` of agencies callers may assume, each NAME or NAME@DOMAIN (default domain: -domain-name; empty: none)")
	fs.Var(durationValue{&f.tokenTTL}, "token-ttl", "`duration` of the tokens IAM issues (must be positive)")
	return f
}

// apply sets the IAM options from the flags.
func (f *iamFlags) apply(o *emulator.Options) error {
	if f.tokenTTL <= 0 {
		return errors.New("invalid value for -token-ttl: must be positive")
	}
	o.ProjectName, o.DomainName, o.TokenTTL = f.projectName, f.domainName, f.tokenTTL
	for _, item := range splitList(f.extraProjects) {
		name, id, _ := strings.Cut(item, "=")
		o.ExtraProjects = append(o.ExtraProjects, emulator.Project{Name: name, ID: id})
	}
	o.Users = []emulator.User{}
	if f.password != "" {
		o.Users = []emulator.User{{Name: f.userName, Password: f.password}}
	}
	o.Agencies = []emulator.Agency{}
	for _, item := range splitList(f.agencies) {
		name, domain, _ := strings.Cut(item, "@")
		o.Agencies = append(o.Agencies, emulator.Agency{Name: name, DomainName: domain})
	}
	return nil
}

// printIAM shows how to sign in through IAM, after the key pair lines.
func printIAM(w io.Writer, url string, o emulator.Options) {
	fmt.Fprintf(w, "# IAM on the same address: HW_IAM_ENDPOINT=%s HW_REGION_NAME=%s (finds HW_PROJECT_ID)\n", url, o.ProjectName)
	if len(o.Users) > 0 {
		fmt.Fprintf(w, "# or sign in with a password: HW_USER_NAME=%s HW_PASSWORD=%s HW_DOMAIN_NAME=%s\n",
			o.Users[0].Name, o.Users[0].Password, o.DomainName)
	}
	if len(o.Agencies) > 0 {
		fmt.Fprintf(w, "# agency to assume: HW_ASSUME_ROLE_AGENCY_NAME=%s HW_ASSUME_ROLE_DOMAIN_NAME=%s\n",
			o.Agencies[0].Name, o.Agencies[0].DomainName)
	}
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
