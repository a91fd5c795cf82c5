package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// An update touches exactly the changed keys: gone or revalued keys are deleted (with the
// values in state), new or revalued ones created; unchanged keys are in neither.
func TestTagChanges(t *testing.T) {
	m := func(kv ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cases := []struct {
		name             string
		had, want        map[string]string
		wantDel, wantAdd map[string]string
	}{
		{"none", nil, nil, m(), m()},
		{"same", m("a", "1", "b", "2"), m("b", "2", "a", "1"), m(), m()},
		{"added", m("a", "1"), m("a", "1", "b", "2"), m(), m("b", "2")},
		{"removed", m("a", "1", "b", "2"), m("a", "1"), m("b", "2"), m()},
		{"revalued", m("a", "1", "b", "2"), m("a", "1", "b", "3"), m("b", "2"), m("b", "3")},
		{"empty value", m("a", "1"), m("a", ""), m("a", "1"), m("a", "")},
		{"all gone", m("a", "1", "b", "2"), nil, m("a", "1", "b", "2"), m()},
		{"from none", nil, m("a", "1"), m(), m("a", "1")},
		{"mixed", m("keep", "k", "team", "etl", "env", "dev"), m("keep", "k", "team", "bi", "cost", "42"),
			m("team", "etl", "env", "dev"), m("team", "bi", "cost", "42")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			del, add := tagChanges(tc.had, tc.want)
			if !reflect.DeepEqual(del, tc.wantDel) || !reflect.DeepEqual(add, tc.wantAdd) {
				t.Fatalf("tagChanges(%v, %v) = del %v, add %v; want del %v, add %v", tc.had, tc.want, del, add, tc.wantDel, tc.wantAdd)
			}
		})
	}
}

func tagMap(t *testing.T, kv map[string]string) types.Map {
	t.Helper()
	if kv == nil {
		return types.MapNull(types.StringType)
	}
	elems := map[string]attr.Value{}
	for k, v := range kv {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// Against the emulator: no change sends nothing; a change is one delete then one create, after
// which the response's state holds the planned tags; reading them back follows the rules of
// state (empty and null in state: null; empty otherwise: an empty map).
func TestUpdateAndReadTags(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	c := newTestClient(t, tg)
	ctx := context.Background()
	if _, err := c.CreateQueue(ctx, client.CreateQueueRequest{Name: "tagged", CUCount: 16, Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	target := client.TagTargetOf(client.TagQueue, "", "tagged")
	schema := queueResourceSchema(ctx)
	st := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
	tagCalls := func() []string {
		var out []string
		for _, r := range tg.Requests("") {
			if strings.Contains(r.Path, "/tags") {
				out = append(out, r.Method+" "+r.Path[strings.LastIndex(r.Path, "/")+1:])
			}
		}
		return out
	}

	var diags diag.Diagnostics
	if !updateTags(ctx, c, target, tagMap(t, map[string]string{"a": "1"}), tagMap(t, map[string]string{"a": "1"}), &st, &diags) || len(tagCalls()) != 0 {
		t.Fatalf("no change: %v, calls %v", diags, tagCalls())
	}
	plan := tagMap(t, map[string]string{"a": "9", "c": "3"})
	if !updateTags(ctx, c, target, tagMap(t, map[string]string{"a": "1", "b": "2"}), plan, &st, &diags) {
		t.Fatal(diags)
	}
	if calls := tagCalls(); !reflect.DeepEqual(calls, []string{"POST delete", "POST create"}) {
		t.Fatalf("calls %v, want delete then create", calls)
	}
	var inState types.Map
	diags.Append(st.GetAttribute(ctx, path.Root("tags"), &inState)...)
	if diags.HasError() || !inState.Equal(plan) {
		t.Fatalf("tags in the response's state %v (%v), want %v", inState, diags, plan)
	}
	got, ok := readTags(ctx, c, target, types.MapNull(types.StringType), &diags)
	if !ok || !got.Equal(plan) {
		t.Fatalf("readTags = %v, %v", got, diags)
	}

	if !updateTags(ctx, c, target, plan, types.MapNull(types.StringType), &st, &diags) {
		t.Fatal(diags)
	}
	if got, _ := readTags(ctx, c, target, types.MapNull(types.StringType), &diags); !got.IsNull() {
		t.Fatalf("no tags, none in state: %v, want null", got)
	}
	if got, _ := readTags(ctx, c, target, tagMap(t, map[string]string{}), &diags); got.IsNull() || len(got.Elements()) != 0 {
		t.Fatalf("no tags, an empty map in state: %v, want an empty map", got)
	}
	// A queue DLI no longer knows: an error naming the target, state's tags kept.
	prior := tagMap(t, map[string]string{"x": "y"})
	var missing diag.Diagnostics
	if got, ok := readTags(ctx, c, client.TagTargetOf(client.TagQueue, "", "absent"), prior, &missing); ok || !got.Equal(prior) ||
		!strings.Contains(missing.Errors()[0].Detail(), "dli_queue absent") {
		t.Fatalf("readTags(absent) = %v, %v, %v", got, ok, missing)
	}
}
