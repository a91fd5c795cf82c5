package acctest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// ResourceType is the resource the checks look for in state.
const ResourceType = "dli_batch_job"

// Client is an API client for the target, for checks and sweepers.
func (tg *Target) Client() (*client.Client, error) {
	endpoint := tg.URL
	if endpoint == "" {
		endpoint = client.DefaultEndpoint(tg.Region)
	}
	return client.New(client.Config{
		Endpoint: endpoint, ProjectID: tg.ProjectID, Region: tg.Region,
		AccessKey: tg.AccessKey, SecretKey: tg.SecretKey, SecurityToken: tg.SecurityToken,
		AuthToken: tokenUnlessSigned(tg), MaxRetries: 3, UserAgent: "terraform-provider-dli-acctest",
	})
}

func tokenUnlessSigned(tg *Target) string {
	if tg.AccessKey != "" {
		return ""
	}
	return tg.Token
}

// CheckDestroyCancelled verifies what destroy did to every job in the pre-destroy state: jobs
// with cancel_on_destroy are finished, and those that were active got a DELETE and ended dead.
func (tg *Target) CheckDestroyCancelled(s *terraform.State) error {
	c, err := tg.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, rs := range s.RootModule().Resources {
		if rs.Type != ResourceType || rs.Primary == nil {
			continue
		}
		id := rs.Primary.ID
		if rs.Primary.Attributes["cancel_on_destroy"] == "false" {
			continue
		}
		state, err := c.GetBatchJobState(ctx, id)
		if client.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading job %s after destroy: %w", id, err)
		}
		if !state.IsTerminal() {
			return fmt.Errorf("job %s is still %s after destroy", id, state)
		}
		wasActive := client.ParseJobState(rs.Primary.Attributes["state"]).IsActive()
		if tg.Emulator == nil || !wasActive {
			continue
		}
		if n := tg.CountRequests("DELETE", "/batches/"+id); n == 0 {
			return fmt.Errorf("job %s was %s before destroy but got no DELETE", id, rs.Primary.Attributes["state"])
		}
		if job, ok := tg.Emulator.Job(id); ok && job.CancelRequested && state != client.StateDead {
			return fmt.Errorf("cancelled job %s ended %s, want dead", id, state)
		}
	}
	return nil
}

// CheckNoDelete fails if the emulator saw any DELETE of a batch job.
func (tg *Target) CheckNoDelete(*terraform.State) error {
	if tg.Emulator == nil {
		return nil
	}
	var deletes []string
	for _, r := range tg.Requests("DELETE") {
		deletes = append(deletes, r.Path)
	}
	if len(deletes) > 0 {
		return fmt.Errorf("expected no cancel request, got DELETE %s", strings.Join(deletes, ", "))
	}
	return nil
}

// JobID returns the ID of a resource in state, for use in later steps.
func JobID(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok || rs.Primary == nil {
		return "", fmt.Errorf("%s not found in state", address)
	}
	return rs.Primary.ID, nil
}
