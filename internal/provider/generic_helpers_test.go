package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestCollect(t *testing.T) {
	objs := []int{1, 2, 3, 4}
	id := func(i *int) string { return fmt.Sprint(*i) }
	model := func(i *int) int { return *i * 10 }
	for _, tc := range []struct {
		name   string
		keep   func(*int) bool
		ids    []string
		models []int
	}{
		{"nil keeps all", nil, []string{"1", "2", "3", "4"}, []int{10, 20, 30, 40}},
		{"even", func(i *int) bool { return *i%2 == 0 }, []string{"2", "4"}, []int{20, 40}},
		{"none is empty, not nil", func(*int) bool { return false }, []string{}, []int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, models := collect(objs, tc.keep, id, model)
			if !reflect.DeepEqual(ids, tc.ids) || !reflect.DeepEqual(models, tc.models) {
				t.Fatalf("collect = %v %v, want %v %v", ids, models, tc.ids, tc.models)
			}
		})
	}
}

func TestWithSecrets(t *testing.T) {
	conf := map[string]string{"a": "1"}
	join := func(keys []string) string { return strings.Join(keys, ":") }
	if got := withSecrets(conf, nil, "list", join); !reflect.DeepEqual(got, conf) {
		t.Fatalf("no secrets: %v, want conf itself", got)
	}
	got := withSecrets(conf, map[string]string{"z": "s1", "b": "s2"}, "list", join)
	want := map[string]string{"a": "1", "z": "s1", "b": "s2", "list": "b:z"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("withSecrets = %v, want %v", got, want)
	}
	if len(conf) != 1 {
		t.Fatalf("withSecrets changed its input: %v", conf)
	}
}

// The cancel and stop actions keep the messages they had before sharing them.
func TestJobEndMessages(t *testing.T) {
	for _, tc := range []struct {
		end            jobEnd
		what           string
		err            error
		summary, start string
	}{
		{cancelEnd, "batch job", context.DeadlineExceeded, "Cancelled batch job did not end in time",
			"Batch job 7 had not ended within the action's timeout (10m): "},
		{stopEnd, "Flink job", context.DeadlineExceeded, "Stopped Flink job did not stop in time",
			"Flink job 7 had not stopped within the action's timeout (10m): "},
		{cancelEnd, "SQL job", errors.New("boom"), "Error cancelling SQL job", "Could not cancel SQL job 7: boom"},
		{stopEnd, "Flink job", errors.New("boom"), "Error stopping Flink job", "Could not stop Flink job 7: boom"},
	} {
		var diags diag.Diagnostics
		tc.end.failed(&diags, tc.what, "7", 10*time.Minute, tc.err)
		if len(diags) != 1 || diags[0].Summary() != tc.summary || !strings.HasPrefix(diags[0].Detail(), tc.start) {
			t.Errorf("%s %s: got %v", tc.what, tc.err, diags)
		}
	}
	var diags diag.Diagnostics
	if cancelEnd.lookupFailed(&diags, nil, "batch job", "state", "7", nil) || diags.HasError() {
		t.Fatalf("lookupFailed without an error: %v", diags)
	}
}
